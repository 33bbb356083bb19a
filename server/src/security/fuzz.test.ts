import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  aConfirmedReservation,
  aPerformance,
  aUser,
  createTestContext,
  guest,
  PASSWORD,
  type RequestOptions,
  type TestClient,
} from '../test/harness.js';
import {
  CONTENT_TYPES,
  expectNoServerFault,
  headerValue,
  hostileJson,
  hostileQuery,
  hostileSegment,
  hostileString,
  mutatedBody,
} from './hostile-input.js';
import { fillPath, isUnsafe, registeredRoutes, routeKey, type RegisteredRoute } from './route-table.js';

/*
 * Property-based fuzzing of every registered route: random and hostile bodies, headers, query
 * strings and path parameters, sent anonymously and with staff sessions. Whatever arrives, the
 * answer is never a 5xx and never shows internals. Runs are bounded: the file runs twice in CI
 * (PGlite and PostgreSQL). A failure prints the fast-check seed and the shrunk request.
 */

const RUNS_PER_ROUTE = 100;

// Top-level await: the routes to fuzz come from the app itself, one test per route.
const ctx = await createTestContext();
const proxied = ctx.withEnv({ TRUST_PROXY: 'true' }).client;
afterAll(async () => {
  // Every 500 leaves this line behind, even one whose body looked harmless.
  const unhandled = ctx.logs.records().filter((record) => record.msg === 'unhandled error');
  await ctx.close();
  expect(unhandled).toEqual([]);
});

const adminCookie = await ctx.client.login((await aUser(ctx, 'admin')).email, PASSWORD);
const doorCookie = await ctx.client.login((await aUser(ctx, 'door')).email, PASSWORD);
// Password changes and role edits land on this user, so the sessions above stay valid.
const spareUser = await aUser(ctx, 'content');
const { performance, show, venue } = await aPerformance(ctx, { capacity: 5000, startsAt: new Date(Date.now() + 3_600_000) });
const ticket = await aConfirmedReservation(ctx, performance.id, 1);
// Cancelling a whole performance cannot be undone: that route gets a performance of its own.
const { performance: doomedPerformance } = await aPerformance(ctx, { capacity: 10 });
const registerDevice = async () => (await ctx.client.post('/api/door/devices', { name: 'Fuzz' }, { cookie: doorCookie })).body.id as string;
const deviceId = await registerDevice();
// The revoke route gets a device of its own, so that sync keeps a live device to fuzz with.
const doomedDeviceId = await registerDevice();

/** Real values for path parameters, so a share of the requests reaches the services. */
function realParams(path: string): Record<string, string> {
  const id = path.includes('/users/')
    ? spareUser.id
    : path.includes('/venues/')
      ? venue.id
      : path.includes('/shows/')
        ? show.id
        : path.includes('/reservations/')
          ? ticket.reservation.id
          : path.endsWith('/cancel')
            ? doomedPerformance.id
            : performance.id;
  return { id: String(id), idOrSlug: show.slug, deviceId: path.includes('/revoke') ? doomedDeviceId : deviceId };
}

const token = ticket.rawCheckInToken;
const hex64 = createHash('sha256').update(token).digest('hex');

/** A valid body per route, for the mutations to start from; other routes start from `{}`. */
const TEMPLATES: Record<string, Record<string, unknown>> = {
  'POST /api/auth/login': { email: spareUser.email, password: 'not the password' },
  'POST /api/performances/:id/reservations': { ...guest(), phone: '+39 06 1234567', notes: 'Nota' },
  'POST /api/reservations/confirm': { token: ticket.rawConfirmationToken },
  'POST /api/reservations/cancel': { token: 'A'.repeat(43) },
  'POST /api/performances/:id/waitlist': { ...guest(), party_size: 1 },
  'POST /api/waitlist/confirm': { token: 'A'.repeat(43) },
  'POST /api/waitlist/offer': { token: 'A'.repeat(43) },
  'POST /api/waitlist/accept': { token: 'A'.repeat(43) },
  'POST /api/waitlist/decline': { token: 'A'.repeat(43) },
  'POST /api/check-ins/preview': { token },
  'POST /api/check-ins/confirm': { token },
  'POST /api/door/devices': { name: 'Porta' },
  'POST /api/door/sync': {
    device_id: deviceId,
    events: [{ id: randomUUID(), performance_id: performance.id, token_hash: hex64, scanned_at: new Date().toISOString(), clock_offset_ms: 0 }],
  },
  'POST /api/admin/reservations': { ...guest(), performance_id: performance.id },
  'PATCH /api/admin/reservations/:id': { name: 'Niccolò Rossi', phone: '+39 06 1234 5678', notes: 'Nota', party_size: 1 },
  'POST /api/admin/users': { email: 'fuzz@azionelab.test', role: 'door', password: 'a long enough password' },
  'PATCH /api/admin/users/:id': { display_name: 'Fuzz', role: 'content' },
  'POST /api/admin/users/:id/password': { password: 'another long password' },
  'POST /api/auth/password-reset': { email: spareUser.email },
  'POST /api/auth/password-reset/confirm': { token: 'A'.repeat(43), password: 'another long password' },
  'POST /api/admin/venues': { name: 'Sala', capacity: 10 },
  'PATCH /api/admin/venues/:id': { capacity: 5000 },
  'POST /api/admin/shows': { title: 'Titolo', description: 'Descrizione', published: false },
  'PATCH /api/admin/shows/:id': { description: 'Descrizione' },
  'POST /api/admin/performances': { show_id: show.id, venue_id: venue.id, starts_at: new Date(Date.now() + 30 * 86_400_000).toISOString() },
  'PATCH /api/admin/performances/:id': { additional_seats: 1 },
  'POST /api/admin/performances/:id/move': { starts_at: new Date(Date.now() + 31 * 86_400_000).toISOString() },
  'POST /api/admin/performances/:id/cancel': { message: 'La replica è annullata.' },
  'POST /api/admin/performances/:id/messages': { subject: 'Avviso', body: 'Testo', audience: 'confirmed' },
  'POST /api/admin/performances/:id/messages/preview': { subject: 'Avviso', body: 'Testo', audience: 'waitlist' },
};

interface FuzzRequest {
  path: string;
  body: unknown;
  options: RequestOptions;
  /** A label, not the client itself, so that a counterexample prints readably. */
  via: 'socket' | 'proxy';
}

interface FuzzBody {
  body?: unknown;
  raw?: string;
}

const bodyArbitrary = (key: string): fc.Arbitrary<FuzzBody> =>
  fc.oneof(
    { weight: 5, arbitrary: mutatedBody(TEMPLATES[key] ?? {}).map((body) => ({ body })) },
    { weight: 2, arbitrary: hostileJson.map((body) => ({ body })) },
    { weight: 1, arbitrary: fc.constant({}) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 100 }),
        fc.constantFrom('{', '{"a":', '[', 'null', '"str"', '{"__proto__":{"admin":true}}', '['.repeat(20_000), `{"notes":"${'x'.repeat(70 * 1024)}"}`),
      ).map((raw) => ({ raw })),
    },
  );

const forgedCookie = headerValue.map((value) => `azionelab_session=${value.replace(/[;,]/g, '')}`);

/** Logout would end the sessions every other route is fuzzed with: it gets forged cookies only. */
const cookieArbitrary = (key: string, staffOnly: boolean) =>
  key === 'POST /api/auth/logout'
    ? fc.option(forgedCookie, { nil: undefined })
    : fc.oneof(
        { weight: staffOnly ? 6 : 1, arbitrary: fc.constant(adminCookie) },
        { weight: 1, arbitrary: fc.constant(doorCookie) },
        { weight: staffOnly ? 1 : 4, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: forgedCookie },
      );

const headersArbitrary = fc.record(
  {
    'content-type': fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerValue),
    'x-forwarded-for': fc.oneof(fc.constantFrom('1.2.3.4', '::1', ', ,', 'unknown', '999.999.999.999, 1.1.1.1'), headerValue),
    'if-none-match': headerValue,
    accept: fc.constantFrom('*/*', 'text/html', 'application/json', ''),
    'accept-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'gzip;q=0', 'identity', '*', 'x-unknown'),
    'accept-language': headerValue,
    range: fc.constantFrom('bytes=0-1', 'bytes=-1', 'bytes=9999999-', 'lines=1'),
  },
  { requiredKeys: [] },
);

function requestArbitrary(route: RegisteredRoute): fc.Arbitrary<FuzzRequest> {
  const key = routeKey(route);
  const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
  const real = realParams(route.path);
  const segment = (name: string) => fc.oneof({ weight: 2, arbitrary: fc.constant(real[name]!) }, hostileSegment);
  const params = fc.record(Object.fromEntries(names.map((name) => [name, segment(name)])));
  const staffOnly = route.path.startsWith('/api/admin') || route.path.startsWith('/api/check-ins') || route.path.startsWith('/api/door');
  return fc
    .record({
      params,
      wildcard: fc.oneof(fc.constant('page'), hostileSegment),
      query: fc.option(hostileQuery, { nil: undefined }),
      body: isUnsafe(route.method) ? bodyArbitrary(key) : fc.constant<FuzzBody>({}),
      cookie: cookieArbitrary(key, staffOnly),
      origin: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, fc.constant(null), headerValue),
      headers: headersArbitrary,
      viaProxy: fc.boolean(),
    })
    .map((r) => {
      const path = fillPath(route.path, r.params as Record<string, string>, r.wildcard) + (r.query === undefined ? '' : `?${r.query}`);
      const options: RequestOptions = { headers: r.headers, ...(r.cookie && { cookie: r.cookie }), ...(r.body.raw !== undefined && { raw: r.body.raw }) };
      if (r.origin !== undefined) options.origin = r.origin;
      return { path, body: r.body.body, options, via: r.viaProxy ? 'proxy' : 'socket' } as const;
    });
}

const routes = registeredRoutes(ctx.runtime.app);

describe('fuzzing every route', () => {
  it('covers the whole route table', () => {
    expect(routes.length).toBeGreaterThan(50);
  });

  it.each(routes.map((route) => [routeKey(route), route] as const))('%s', async (_key, route) => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(requestArbitrary(route), async ({ path, body, options, via }) => {
        const client: TestClient = via === 'proxy' ? proxied : ctx.client;
        const response = await client.request(route.method, path, body, options);
        statuses.add(response.status);
        expectNoServerFault(path, response);
      }),
      { numRuns: RUNS_PER_ROUTE },
    );
    // A fuzzer stopped at the door proves nothing: some requests must get past the role check.
    expect([...statuses].some((status) => status !== 401 && status !== 403), [...statuses].join()).toBe(true);
  });
});

/** UTF-8 cannot carry a lone surrogate: the database keeps U+FFFD in its place. */
const wellFormed = (text: string) => text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

describe('fuzzing a booking end to end', () => {
  it('stores whatever text it accepts and reads it back unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ name: hostileString, notes: hostileString }), async ({ name, notes }) => {
        const body = { ...guest(), name, notes };
        const created = await ctx.client.post(`/api/performances/${performance.id}/reservations`, body);
        expectNoServerFault('/api/', created);
        if (created.status !== 201) return;
        const detail = await ctx.client.get(`/api/admin/reservations/${created.body.reservation_id}`, { cookie: adminCookie });
        expect(detail.status).toBe(200);
        expect(detail.body.name).toBe(wellFormed(name.trim()));
        expect(detail.body.notes).toBe(notes.trim() === '' ? null : wellFormed(notes.trim()));
      }),
      { numRuns: 60 },
    );
  });
});
