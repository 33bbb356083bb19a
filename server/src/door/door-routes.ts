import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { z } from 'zod';
import { deviceRegistrationSchema, doorGuestQuerySchema, manifestQuerySchema, syncRequestSchema } from '../../../shared/src/door-contracts.js';
import { KEY_ID_HEADER, SIGNATURE_HEADER } from '../../../shared/src/manifest.js';
import type { AppEnv } from '../app-context.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { answer } from '../lib/answer.js';
import { idParam, jsonBody, parseWith } from '../lib/http.js';

const door = requireRole('door');

export const doorRoutes = new Hono<AppEnv>()
  // Public keys are public: a device checks signatures with them, even before logging in.
  .get('/keys', async (c) => answer(c, 'GET /api/door/keys', { keys: await c.var.services.signingKeys.publicKeys() }))
  .get('/performances', door, async (c) => answer(c, 'GET /api/door/performances', await c.var.services.door.performances()))
  .get('/performances/:id/manifest', door, compress(), async (c) => {
    const id = idParam(c);
    const { since } = parseWith(manifestQuerySchema, c.req.query());
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
    const { q } = parseWith(doorGuestQuerySchema, c.req.query());
    return answer(c, 'GET /api/door/performances/:id/guests', await c.var.services.door.guests(idParam(c), q));
  })
  .post('/devices', door, async (c) => {
    const { name } = await jsonBody(c, deviceRegistrationSchema);
    return answer(c, 'POST /api/door/devices', await c.var.services.door.registerDevice(name, currentUser(c)), 201);
  })
  .get('/devices/next-name', door, async (c) => answer(c, 'GET /api/door/devices/next-name', await c.var.services.door.nextDeviceName()))
  .get('/devices', requireRole(), async (c) => answer(c, 'GET /api/door/devices', await c.var.services.door.devices()))
  .post('/devices/:deviceId/revoke', requireRole(), async (c) => {
    const { deviceId } = parseWith(z.strictObject({ deviceId: z.uuid() }), { deviceId: c.req.param('deviceId') });
    await c.var.services.door.revokeDevice(deviceId, currentUser(c));
    return c.body(null, 204);
  })
  // Duplicate scans (the same ticket admitted twice), for the admin's conflicts view.
  .get('/performances/:id/conflicts', requireRole('door', 'box_office'), async (c) =>
    answer(c, 'GET /api/door/performances/:id/conflicts', await c.var.services.sync.conflictsOfPerformance(idParam(c))),
  )
  .post('/sync', door, async (c) => {
    const { device_id, events } = await jsonBody(c, syncRequestSchema);
    return answer(c, 'POST /api/door/sync', await c.var.services.sync.sync(device_id, currentUser(c), events));
  });
