import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { z } from 'zod';
import { LIMITS } from '../../../shared/src/contracts.js';
import { KEY_ID_HEADER, SIGNATURE_HEADER } from '../../../shared/src/manifest.js';
import type { AppEnv } from '../app-context.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { idParam, jsonBody, parseWith } from '../lib/http.js';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'A SHA-256 hex digest.');
const syncSchema = z.strictObject({
  device_id: z.uuid(),
  events: z
    .array(
      z
        .strictObject({
          id: z.uuid(),
          performance_id: z.number().int().positive().max(2_147_483_647),
          token_hash: hex64.optional(),
          code_hash: hex64.optional(),
          scanned_at: z.iso.datetime({ offset: true }),
          clock_offset_ms: z.number().int().min(-7 * 86_400_000).max(7 * 86_400_000),
        })
        .refine((e) => Boolean(e.token_hash) !== Boolean(e.code_hash), 'Give token_hash or code_hash.'),
    )
    .max(5000),
});
const deviceSchema = z.strictObject({ name: z.string().trim().min(1).max(LIMITS.venueName) });
const guestQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .min(2)
    .max(LIMITS.name)
    .refine((q) => !q.includes('\u0000'), 'Contains a character that is not allowed.'),
});
const manifestQuery = z.strictObject({ since: z.coerce.number().int().min(0).max(2_147_483_647).optional() });

const door = requireRole('door');

export const doorRoutes = new Hono<AppEnv>()
  // Public keys are public: a device checks signatures with them, even before logging in.
  .get('/keys', async (c) => c.json({ keys: await c.var.services.signingKeys.publicKeys() }))
  .get('/performances', door, async (c) => c.json(await c.var.services.door.performances()))
  .get('/performances/:id/manifest', door, compress(), async (c) => {
    const id = idParam(c);
    const { since } = parseWith(manifestQuery, c.req.query());
    const { door: service } = c.var.services;
    const tag = await service.manifestTag(id, since);
    if (c.req.header('if-none-match') === tag) return c.body(null, 304, { ETag: tag });
    const manifest = await service.manifest(id, since);
    c.header('ETag', manifest.etag);
    c.header(KEY_ID_HEADER, manifest.keyId);
    c.header(SIGNATURE_HEADER, manifest.signature);
    c.header('Content-Type', 'application/json; charset=utf-8');
    // The signature covers these exact bytes: they are sent as they were signed.
    return c.body(manifest.body);
  })
  .get('/performances/:id/guests', door, async (c) => {
    const { q } = parseWith(guestQuery, c.req.query());
    return c.json(await c.var.services.door.guests(idParam(c), q));
  })
  .post('/devices', door, async (c) => {
    const { name } = await jsonBody(c, deviceSchema);
    return c.json(await c.var.services.door.registerDevice(name, currentUser(c)), 201);
  })
  .get('/devices/next-name', door, async (c) => c.json(await c.var.services.door.nextDeviceName()))
  .get('/devices', requireRole(), async (c) => c.json(await c.var.services.door.devices()))
  .post('/devices/:deviceId/revoke', requireRole(), async (c) => {
    const { deviceId } = parseWith(z.strictObject({ deviceId: z.uuid() }), { deviceId: c.req.param('deviceId') });
    await c.var.services.door.revokeDevice(deviceId, currentUser(c));
    return c.body(null, 204);
  })
  // Duplicate scans (the same ticket admitted twice), for the admin's conflicts view.
  .get('/performances/:id/conflicts', requireRole('door', 'box_office'), async (c) =>
    c.json(await c.var.services.sync.conflictsOfPerformance(idParam(c))),
  )
  .post('/sync', door, async (c) => {
    const { device_id, events } = await jsonBody(c, syncSchema);
    return c.json(await c.var.services.sync.sync(device_id, currentUser(c), events));
  });
