import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldErrorsSchema } from '../../shared/src/field-errors-schema.js';
import { checkIns, reservations } from './db/schema.js';
import {
  aConfirmedReservation,
  aPendingReservation,
  aPerformance,
  aUser,
  createTestContext,
  guest,
  loggedIn,
  PASSWORD,
  type TestContext,
  type TestResponse,
} from './test/harness.js';

/*
 * Hostile and clumsy input on every public endpoint (and the door's check-in endpoints):
 * each answer must be a 4xx with a `{status, detail}` JSON body, never a 5xx and never
 * anything that looks like a stack trace.
 */

let ctx: TestContext;
let doorCookie: string;
let performanceId: number;
let showId: number;
let showSlug: string;
let confirmationToken: string;
let checkInToken: string;
let pendingToken: string;
beforeAll(async () => {
  ctx = await createTestContext();
  doorCookie = (await loggedIn(ctx, 'door')).cookie;
  const { performance, show } = await aPerformance(ctx, { capacity: 500 });
  performanceId = performance.id;
  showId = show.id;
  showSlug = show.slug;
  const ticket = await aConfirmedReservation(ctx, performance.id, 1);
  confirmationToken = ticket.rawConfirmationToken;
  checkInToken = ticket.rawCheckInToken;
  pendingToken = (await aPendingReservation(ctx, performance.id, 1)).rawConfirmationToken;
});
afterAll(async () => {
  // The log line every 500 leaves behind: none of the requests in this file may produce one.
  const unhandled = ctx.logs.records().filter((record) => record.msg === 'unhandled error');
  await ctx.close();
  expect(unhandled).toEqual([]);
});

const STACK_FRAME = /\bat\s+(?:async\s+)?\S+\s+\(.*:\d+:\d+\)|\bat\s+(?:file:\/\/|\/)\S*:\d+:\d+/;

function expectNoInternals(response: TestResponse) {
  expect(response.text).not.toMatch(STACK_FRAME);
  expect(response.text).not.toContain('Error:');
  expect(response.text).not.toMatch(/node_modules|\.ts:\d+|postgres|pglite|drizzle/i);
}

function expectClientError(response: TestResponse, status: number, code: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.body).toMatchObject({ status: code, detail: expect.any(String) });
  expect(response.body.detail.length).toBeGreaterThan(0);
  expectNoInternals(response);
}

const reservationsPath = (id: number | string = performanceId) => `/api/performances/${id}/reservations`;

/** A body just over the 64 KiB limit, still well-formed JSON. */
const OVERSIZED = JSON.stringify({ ...guest(), notes: 'x'.repeat(64 * 1024) });

/** The endpoints that read a JSON body (closures: the cookie exists only after beforeAll). */
const JSON_ENDPOINTS = [
  { name: 'POST reservations', path: () => reservationsPath(), options: () => ({}) },
  { name: 'POST confirm', path: () => '/api/reservations/confirm', options: () => ({}) },
  { name: 'POST login', path: () => '/api/auth/login', options: () => ({}) },
  { name: 'POST password reset', path: () => '/api/auth/password-reset', options: () => ({}) },
  { name: 'POST password reset confirm', path: () => '/api/auth/password-reset/confirm', options: () => ({}) },
  { name: 'POST check-in preview', path: () => '/api/check-ins/preview', options: () => ({ cookie: doorCookie }) },
  { name: 'POST check-in confirm', path: () => '/api/check-ins/confirm', options: () => ({ cookie: doorCookie }) },
  { name: 'POST check-in confirm by code', path: () => '/api/check-ins/confirm-code', options: () => ({ cookie: doorCookie }) },
];

describe('GET /api/shows/:id', () => {
  it.each([
    ['unknown numeric id', '2147483647'],
    ['zero', '0'],
    ['negative', '-1'],
    ['huge number', '99999999999999999999'],
    ['decimal', '1.5'],
    ['unknown slug', 'no-such-show'],
    ['over-long slug', 'a'.repeat(5000)],
    ['percent-encoded garbage', '%ZZ'],
    ['an encoded NUL byte', 'amleto%00'],
    ['a double-encoded NUL byte', 'amleto%2500'],
    ['unicode', encodeURIComponent('spettacolo-è-😀')],
    ['sql-ish', encodeURIComponent("1' or '1'='1")],
  ])('%s is 404 not_found', async (_name, id) => {
    expectClientError(await ctx.client.get(`/api/shows/${id}`), 404, 'not_found');
  });

  it('works by id and by slug, with and without trailing slash', async () => {
    for (const path of [`/api/shows/${showId}`, `/api/shows/${showId}/`, `/api/shows/${showSlug}`, `/api/shows/${showSlug}/`]) {
      const response = await ctx.client.get(path);
      expect(response.status, path).toBe(200);
      expect(response.body.id).toBe(showId);
    }
  });
});

describe('GET /api/performances/:id', () => {
  it.each([
    ['non-numeric', 'abc'],
    ['zero', '0'],
    ['leading zero', '01'],
    ['negative', '-1'],
    ['decimal', '1.5'],
    ['exponent', '1e3'],
    ['hex', '0x10'],
    ['space', '%201'],
    ['just over the integer range', '2147483648'],
    ['huge', '99999999999999999999999'],
    ['unknown', '2147483647'],
    ['percent-encoded garbage', '%ZZ'],
    ['an encoded NUL byte', '1%00'],
  ])('%s is 404 not_found', async (_name, id) => {
    expectClientError(await ctx.client.get(`/api/performances/${id}`), 404, 'not_found');
  });

  it('works with and without trailing slash', async () => {
    for (const path of [`/api/performances/${performanceId}`, `/api/performances/${performanceId}/`]) {
      const response = await ctx.client.get(path);
      expect(response.status, path).toBe(200);
      expect(response.body.id).toBe(performanceId);
    }
  });
});

describe('POST /api/performances/:id/reservations', () => {
  const tooLongEmail = `${'a'.repeat(64)}@${'b'.repeat(186)}.com`;

  it.each<[string, Record<string, unknown>, string[]]>([
    ['no fields at all', {}, ['email', 'name', 'party_size']],
    ['name of the wrong type', guest({ name: 123 as unknown as string }), ['name']],
    ['empty name', guest({ name: '' }), ['name']],
    ['blank name', guest({ name: '    ' }), ['name']],
    ['over-long name', guest({ name: 'x'.repeat(121) }), ['name']],
    ['a NUL byte in the name', guest({ name: 'Maria\u0000Rossi' }), ['name']],
    ['a NUL byte in the notes and phone', guest({ notes: 'ok\u0000', phone: '\u0000' }), ['notes', 'phone']],
    ['a NUL byte in the email', guest({ email: 'maria\u0000@example.com' }), ['email']],
    ['null name', { ...guest(), name: null }, ['name']],
    ['email without domain', guest({ email: 'maria@' }), ['email']],
    ['email without local part', guest({ email: '@example.com' }), ['email']],
    ['email with spaces', guest({ email: 'maria rossi@example.com' }), ['email']],
    ['not an email', guest({ email: 'not-an-email' }), ['email']],
    ['over-long email', guest({ email: tooLongEmail }), ['email']],
    ['email as a number', { ...guest(), email: 42 }, ['email']],
    ['email as a list', { ...guest(), email: ['maria@example.com'] }, ['email']],
    ['phone with letters', guest({ phone: 'call me maybe' }), ['phone']],
    ['over-long phone', guest({ phone: '1'.repeat(33) }), ['phone']],
    ['phone as a number', { ...guest(), phone: 3331234567 }, ['phone']],
    ['over-long notes', guest({ notes: 'x'.repeat(1001) }), ['notes']],
    ['notes as an object', { ...guest(), notes: { text: 'x' } }, ['notes']],
    ['party_size 0', guest({ party_size: 0 }), ['party_size']],
    ['party_size 11', guest({ party_size: 11 }), ['party_size']],
    ['party_size 1.5', guest({ party_size: 1.5 }), ['party_size']],
    ['party_size "2"', { ...guest(), party_size: '2' }, ['party_size']],
    ['party_size -1', guest({ party_size: -1 }), ['party_size']],
    ['party_size null', { ...guest(), party_size: null }, ['party_size']],
    ['party_size true', { ...guest(), party_size: true }, ['party_size']],
    ['party_size as a list', { ...guest(), party_size: [2] }, ['party_size']],
    ['party_size huge', guest({ party_size: 1e308 }), ['party_size']],
    ['status smuggled in', { ...guest(), status: 'confirmed' }, ['status']],
    ['source smuggled in', { ...guest(), source: 'admin' }, ['source']],
    ['ids smuggled in', { ...guest(), id: 1, performance_id: 2 }, ['id', 'performance_id']],
    ['a token smuggled in', { ...guest(), token: 'x'.repeat(43) }, ['token']],
    ['fields named like Object.prototype members', { ...guest(), toString: 'x', constructor: 'y', hasOwnProperty: 1 }, ['constructor', 'hasOwnProperty', 'toString']],
  ])('%s is 400 validation_error', async (_name, body, fields) => {
    const response = await ctx.client.post(reservationsPath(), body);
    expectClientError(response, 400, 'validation_error');
    expect(Object.keys(response.body.errors).sort()).toEqual(fields);
    // Each field says why with a code the apps translate, never with English text.
    const errors = fieldErrorsSchema.parse(response.body.errors);
    for (const list of Object.values(errors)) expect(list.length).toBeGreaterThan(0);
  });

  it('rejects a __proto__ key as an unknown field', async () => {
    const response = await ctx.client.post(reservationsPath(), undefined, {
      raw: `{"name":"Maria","email":"maria@example.com","party_size":2,"__proto__":{"status":"confirmed"}}`,
    });
    expectClientError(response, 400, 'validation_error');
    expect(Object.keys(response.body.errors)).toEqual(['__proto__']);
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"hello"'],
    ['a number', '42'],
    ['null', 'null'],
    ['deeply nested arrays', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
  ])('a body that is %s is 400 validation_error', async (_name, raw) => {
    expectClientError(await ctx.client.post(reservationsPath(), undefined, { raw }), 400, 'validation_error');
  });

  it('writes nothing for any rejected booking', async () => {
    const { performance } = await aPerformance(ctx);
    const attempts = [
      { ...guest(), status: 'confirmed' },
      guest({ party_size: 0 }),
      guest({ email: 'nope' }),
      { ...guest(), party_size: '2' },
    ];
    for (const body of attempts) expect((await ctx.client.post(reservationsPath(performance.id), body)).status).toBe(400);
    const rows = await ctx.services.database.db.select().from(reservations).where(eq(reservations.performanceId, performance.id));
    expect(rows).toHaveLength(0);
  });

  it.each([
    ['non-numeric id', 'abc'],
    ['zero id', '0'],
    ['huge id', '99999999999'],
    ['unknown id', '2147483647'],
  ])('a %s is 404 not_found', async (_name, id) => {
    expectClientError(await ctx.client.post(reservationsPath(id), guest()), 404, 'not_found');
  });

  it('works with and without trailing slash', async () => {
    for (const path of [reservationsPath(), `${reservationsPath()}/`]) {
      const response = await ctx.client.post(path, guest({ party_size: 1 }));
      expect(response.status, path).toBe(201);
      expect(response.body.status).toBe('pending');
    }
  });
});

describe('malformed bodies on every JSON endpoint', () => {
  const CASES = JSON_ENDPOINTS.flatMap((endpoint) => [
    ...['{"name":', '{name: "x"}', "{'token': 'x'}", '{"token": "x",}', 'undefined', '\u0000', '<xml/>'].map(
      (raw) => [endpoint.name, `malformed JSON ${JSON.stringify(raw)}`, endpoint, { raw }, 400, 'invalid_json'] as const,
    ),
    [endpoint.name, 'text/plain', endpoint, { raw: '{"token":"x"}', headers: { 'content-type': 'text/plain' } }, 415, 'unsupported_media_type'] as const,
    [endpoint.name, 'a form post', endpoint, { raw: 'token=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'] as const,
    [endpoint.name, 'multipart', endpoint, { raw: '--b\r\n\r\nx\r\n--b--', headers: { 'content-type': 'multipart/form-data; boundary=b' } }, 415, 'unsupported_media_type'] as const,
    [endpoint.name, 'no body and no content type', endpoint, {}, 415, 'unsupported_media_type'] as const,
    [endpoint.name, 'a body over 64 KB', endpoint, { raw: OVERSIZED }, 413, 'payload_too_large'] as const,
    [endpoint.name, 'an empty JSON body', endpoint, { raw: '' }, 400, 'validation_error'] as const,
  ]);

  it.each(CASES)('%s: %s', async (_endpoint, _case, endpoint, options, status, code) => {
    const response = await ctx.client.post(endpoint.path(), undefined, { ...endpoint.options(), ...options });
    expectClientError(response, status, code);
  });
});

describe('confirmation, QR and check-in tokens', () => {
  const BAD_TOKENS: [string, () => string][] = [
    ['a short token', () => 'abc'],
    ['a token one character short', () => checkInToken.slice(0, 42)],
    ['a token one character long', () => `${confirmationToken}A`],
    ['a 64-character token', () => 'A'.repeat(64)],
    ['an unknown well-formed token', () => 'A'.repeat(43)],
    ['a token with characters outside base64url', () => `${'!'.repeat(42)}=`],
    ['a token with a path in it', () => '../../etc/passwd'],
    ['a token with spaces', () => `  ${'x'.repeat(39)}  `],
  ];

  /** Each endpoint with the one kind of token it accepts. */
  const ENDPOINTS: [string, 'confirmation' | 'check_in', (token: string) => Promise<TestResponse>][] = [
    ['GET confirm', 'confirmation', (token) => ctx.client.get(`/api/reservations/confirm?token=${encodeURIComponent(token)}`)],
    ['POST confirm', 'confirmation', (token) => ctx.client.post('/api/reservations/confirm', { token })],
    ['GET qr-code', 'check_in', (token) => ctx.client.get(`/api/reservations/qr-code?token=${encodeURIComponent(token)}`)],
    ['POST check-in preview', 'check_in', (token) => ctx.client.post('/api/check-ins/preview', { token }, { cookie: doorCookie })],
    ['POST check-in confirm', 'check_in', (token) => ctx.client.post('/api/check-ins/confirm', { token }, { cookie: doorCookie })],
  ];

  it.each(ENDPOINTS.flatMap(([endpoint, , send]) => BAD_TOKENS.map(([name, token]) => [endpoint, name, send, token] as const)))(
    '%s with %s is 404 invalid_token',
    async (_endpoint, _name, send, token) => {
      expectClientError(await send(token()), 404, 'invalid_token');
    },
  );

  it.each(ENDPOINTS)('%s (accepts a %s token): the other kind of token is 404 invalid_token', async (_endpoint, accepts, send) => {
    // The confirmation link may only confirm; the check-in token may only show the QR or open the door.
    if (accepts === 'confirmation') {
      expectClientError(await send(checkInToken), 404, 'invalid_token');
    } else {
      expectClientError(await send(confirmationToken), 404, 'invalid_token');
      expectClientError(await send(pendingToken), 404, 'invalid_token');
    }
  });

  it('the wrong kind of token never records a check-in', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    expectClientError(await ctx.client.post('/api/check-ins/confirm', { token: ticket.rawConfirmationToken }, { cookie: doorCookie }), 404, 'invalid_token');
    const rows = await ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id));
    expect(rows).toHaveLength(0);
  });

  it.each<[string, string]>([
    ['GET confirm', '/api/reservations/confirm'],
    ['GET qr-code', '/api/reservations/qr-code'],
  ])('%s with a missing, empty, repeated-junk or over-long token is 400 validation_error', async (_name, path) => {
    for (const query of ['', '?', '?token=', '?tok=abc', `?token=${'A'.repeat(65)}`, `?token=${'A'.repeat(10_000)}`]) {
      const response = await ctx.client.get(`${path}${query}`);
      expectClientError(response, 400, 'validation_error');
      expect(response.body.errors).toBeDefined();
    }
  });

  it.each<[string, string]>([
    ['GET confirm', '/api/reservations/confirm'],
    ['GET qr-code', '/api/reservations/qr-code'],
  ])('%s with query keys named like Object.prototype members is 400', async (_name, path) => {
    for (const key of ['__proto__', 'constructor', 'toString']) {
      expectClientError(await ctx.client.get(`${path}?${key}=x`), 400, 'validation_error');
      // Parameters other than `token` are ignored (trackers append their own), so this is a lookup.
      expectClientError(await ctx.client.get(`${path}?token=${'A'.repeat(43)}&${key}=x`), 404, 'invalid_token');
    }
  });

  it.each<[string, (body: unknown) => Promise<TestResponse>]>([
    ['POST confirm', (body) => ctx.client.post('/api/reservations/confirm', body)],
    ['POST check-in preview', (body) => ctx.client.post('/api/check-ins/preview', body, { cookie: doorCookie })],
    ['POST check-in confirm', (body) => ctx.client.post('/api/check-ins/confirm', body, { cookie: doorCookie })],
  ])('%s with a missing, mistyped, unknown-field or over-long token is 400 validation_error', async (_name, send) => {
    const bodies: [unknown, string[]][] = [
      [{}, ['token']],
      [{ token: '' }, ['token']],
      [{ token: 123 }, ['token']],
      [{ token: null }, ['token']],
      [{ token: true }, ['token']],
      [{ token: [checkInToken] }, ['token']],
      [{ token: { $ne: '' } }, ['token']],
      [{ token: 'A'.repeat(65) }, ['token']],
      [{ token: 'A'.repeat(50_000) }, ['token']],
      [{ token: checkInToken, status: 'confirmed' }, ['status']],
      [{ token: checkInToken, reservation_id: 1 }, ['reservation_id']],
      [[checkInToken], ['non_field_errors']],
    ];
    for (const [body, fields] of bodies) {
      const response = await send(body);
      expectClientError(response, 400, 'validation_error');
      expect(Object.keys(response.body.errors).sort(), JSON.stringify(body).slice(0, 80)).toEqual(fields);
    }
  });

  it('token endpoints work with and without trailing slash (the emailed links end in /)', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: new Date(Date.now() + 3_600_000) });
    const a = await aPendingReservation(ctx, performance.id, 1);
    const b = await aPendingReservation(ctx, performance.id, 1);
    const byGet = await ctx.client.get(`/api/reservations/confirm/?token=${a.rawConfirmationToken}`);
    expect(byGet.status).toBe(200);
    const byPost = await ctx.client.post('/api/reservations/confirm/', { token: b.rawConfirmationToken });
    expect(byPost.status).toBe(200);
    const checkIn = new URL(byPost.body.qr_code_url).searchParams.get('token')!;

    for (const path of ['/api/reservations/qr-code', '/api/reservations/qr-code/']) {
      const response = await ctx.client.get(`${path}?token=${checkIn}`);
      expect(response.status, path).toBe(200);
      expect(response.body.reservation_id).toBe(b.reservation.id);
    }
    for (const path of ['/api/check-ins/preview', '/api/check-ins/preview/']) {
      const response = await ctx.client.post(path, { token: checkIn }, { cookie: doorCookie });
      expect(response.status, path).toBe(200);
    }
    expect((await ctx.client.post('/api/check-ins/confirm/', { token: checkIn }, { cookie: doorCookie })).status).toBe(200);
    expectClientError(await ctx.client.post('/api/check-ins/confirm', { token: checkIn }, { cookie: doorCookie }), 409, 'already_checked_in');
  });
});

describe('POST /api/auth/login', () => {
  it.each<[string, unknown, string[]]>([
    ['no fields', {}, ['email', 'password']],
    ['email of the wrong type', { email: 1, password: PASSWORD }, ['email']],
    ['blank email', { email: '   ', password: PASSWORD }, ['email']],
    ['a NUL byte in the email', { email: 'admin\u0000@azionelab.test', password: PASSWORD }, ['email']],
    ['over-long email', { email: `${'a'.repeat(250)}@x.it`, password: PASSWORD }, ['email']],
    ['password of the wrong type', { email: 'a@b.it', password: 12345678901 }, ['password']],
    ['empty password', { email: 'a@b.it', password: '' }, ['password']],
    ['over-long password', { email: 'a@b.it', password: 'x'.repeat(257) }, ['password']],
    ['unknown field', { email: 'a@b.it', password: PASSWORD, role: 'admin' }, ['role']],
    ['an array body', ['a@b.it', PASSWORD], ['non_field_errors']],
  ])('%s is 400 validation_error', async (_name, body, fields) => {
    const response = await ctx.client.post('/api/auth/login', body);
    expectClientError(response, 400, 'validation_error');
    expect(Object.keys(response.body.errors).sort()).toEqual(fields);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('works with and without trailing slash', async () => {
    const user = await aUser(ctx, 'door');
    for (const path of ['/api/auth/login', '/api/auth/login/']) {
      const response = await ctx.client.post(path, { email: user.email, password: PASSWORD });
      expect(response.status, path).toBe(200);
      const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!;
      expect((await ctx.client.get('/api/auth/me/', { cookie })).status).toBe(200);
      expect((await ctx.client.post('/api/auth/logout/', undefined, { cookie })).status).toBe(204);
    }
  });
});

describe('everything else', () => {
  it.each([
    ['GET', '/api/nothing-here'],
    ['GET', '/api/performances'],
    ['DELETE', `/api/performances/1`],
    ['PUT', '/api/auth/login'],
    ['GET', '/api/auth/login'],
    ['DELETE', '/api/reservations/confirm'],
    // (GET /api/check-ins/preview is a person opening a QR code: a redirect to the ticket page.)
    ['GET', '/api/check-ins/confirm'],
    ['GET', '/api/performances/1/reservations'],
  ])('%s %s is a 4xx JSON error', async (method, path) => {
    const response = await ctx.client.request(method, path, undefined, { cookie: doorCookie });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).toMatchObject({ status: expect.any(String), detail: expect.any(String) });
    expectNoInternals(response);
  });
});
