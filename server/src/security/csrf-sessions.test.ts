import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { performances, staffTokens } from '../db/schema.js';
import { generateToken, hashToken } from '../lib/tokens.js';
import { TABLES } from '../ops/move-to-postgres.js';
import {
  aConfirmedReservation,
  aPendingReservation,
  aPerformance,
  aUser,
  createTestContext,
  guest,
  PASSWORD,
  tokenFromUrl,
  type TestContext,
} from '../test/harness.js';
import { fillPath, isUnsafe, registeredRoutes, routeKey } from './route-table.js';

/*
 * CSRF over every unsafe route in the route table: a request that would succeed from our own
 * origin is refused, and writes nothing, when it carries the session cookie with a foreign,
 * opaque or missing Origin. Session and login gaps not covered by auth/auth.test.ts and
 * users/users-routes.test.ts (expiry, logout, deactivation, password change, throttles) follow.
 */

let ctx: TestContext;
let admin: string;
let door: string;
beforeAll(async () => {
  ctx = await createTestContext();
  admin = await ctx.client.login((await aUser(ctx, 'admin')).email, PASSWORD);
  door = await ctx.client.login((await aUser(ctx, 'door')).email, PASSWORD);
});
afterAll(() => ctx.close());
// "Forgot password" answers before it writes its link (same timing for every address): each
// case's writes are over before the next one takes its snapshot.
afterEach(() => ctx.services.staffLinks.settled());

interface ValidRequest {
  params?: Record<string, string>;
  body?: unknown;
  cookie?: () => string;
  /** The status the request gets from the trusted origin. */
  status: number;
}

const soon = () => new Date(Date.now() + 3_600_000);

/** For each unsafe route, fresh data and a request that succeeds when it comes from our origin. */
const VALID: Record<string, () => Promise<ValidRequest>> = {
  'POST /api/auth/login': async () => ({ body: { email: (await aUser(ctx, 'door')).email, password: PASSWORD }, status: 200 }),
  'POST /api/auth/logout': async () => {
    const own = await ctx.client.login((await aUser(ctx, 'door')).email, PASSWORD);
    return { cookie: () => own, status: 204 };
  },
  'POST /api/performances/:id/reservations': async () => ({ params: { id: String((await aPerformance(ctx)).performance.id) }, body: guest(), status: 201 }),
  'POST /api/reservations/confirm': async () => {
    const { performance } = await aPerformance(ctx);
    return { body: { token: (await aPendingReservation(ctx, performance.id)).rawConfirmationToken }, status: 200 };
  },
  'POST /api/reservations/cancel': async () => {
    const { performance } = await aPerformance(ctx);
    return { body: { token: (await aConfirmedReservation(ctx, performance.id)).rawCheckInToken }, status: 200 };
  },
  'POST /api/check-ins/preview': async () => checkIn(),
  'POST /api/check-ins/confirm': async () => checkIn(),
  'POST /api/check-ins/confirm-code': async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const { reservation } = await aConfirmedReservation(ctx, performance.id);
    return { body: { code: reservation.code, performance_id: performance.id }, cookie: () => door, status: 200 };
  },
  'DELETE /api/admin/check-ins/:id': async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    await ctx.client.post('/api/check-ins/confirm', { token: ticket.rawCheckInToken }, { cookie: door });
    return { params: { id: String(ticket.reservation.id) }, body: { reason: 'CSRF test' }, status: 200 };
  },
  'POST /api/door/devices': async () => ({ body: { name: 'Porta CSRF' }, cookie: () => door, status: 201 }),
  'POST /api/door/devices/:deviceId/revoke': async () => ({ params: { deviceId: await aDevice() }, status: 204 }),
  'POST /api/door/sync': async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const event = { id: randomUUID(), performance_id: performance.id, token_hash: hashToken(ticket.rawCheckInToken), scanned_at: new Date().toISOString(), clock_offset_ms: 0 };
    return { body: { device_id: await aDevice(), events: [event] }, cookie: () => door, status: 200 };
  },
  'POST /api/admin/reservations': async () => ({ body: { ...guest(), performance_id: (await aPerformance(ctx)).performance.id }, status: 201 }),
  'POST /api/admin/reservations/:id/cancel': async () => ({ params: { id: await aReservation() }, status: 200 }),
  'POST /api/admin/reservations/:id/resend': async () => ({ params: { id: await aReservation() }, status: 202 }),
  'POST /api/admin/reservations/:id/reissue': async () => ({ params: { id: await aReservation() }, status: 200 }),
  'PATCH /api/admin/reservations/:id': async () => ({ params: { id: await aReservation() }, body: { notes: 'Sedia a rotelle.' }, status: 200 }),
  'POST /api/admin/users': async () => ({ body: { email: `csrf-${randomUUID()}@azionelab.test`, role: 'door', password: 'a long enough password' }, status: 201 }),
  'PATCH /api/admin/users/:id': async () => ({ params: { id: String((await aUser(ctx, 'door')).id) }, body: { role: 'admin' }, status: 200 }),
  'POST /api/admin/users/:id/unlock': async () => ({ params: { id: String((await aUser(ctx, 'door')).id) }, status: 200 }),
  'POST /api/admin/users/:id/sessions/end': async () => {
    const user = await aUser(ctx, 'door');
    await ctx.client.login(user.email, PASSWORD);
    return { params: { id: String(user.id) }, status: 200 };
  },
  'DELETE /api/auth/sessions': async () => {
    const user = await aUser(ctx, 'door');
    const own = await ctx.client.login(user.email, PASSWORD);
    await ctx.client.login(user.email, PASSWORD);
    return { cookie: () => own, status: 200 };
  },
  'DELETE /api/auth/sessions/:id': async () => {
    const user = await aUser(ctx, 'door');
    const own = await ctx.client.login(user.email, PASSWORD);
    await ctx.client.login(user.email, PASSWORD);
    const list = await ctx.client.get('/api/auth/sessions', { cookie: own });
    const other = (list.body.sessions as { id: string; current: boolean }[]).find((session) => !session.current)!;
    return { params: { id: other.id }, cookie: () => own, status: 204 };
  },
  'POST /api/admin/users/:id/password': async () => ({ params: { id: String((await aUser(ctx, 'door')).id) }, body: { password: 'a new long password' }, status: 204 }),
  'POST /api/admin/users/:id/invitation': async () => {
    const invited = await ctx.client.post('/api/admin/users', { email: `csrf-${randomUUID()}@azionelab.test`, role: 'door' }, { cookie: admin });
    return { params: { id: String(invited.body.id) }, status: 202 };
  },
  'POST /api/auth/password-reset': async () => ({ body: { email: (await aUser(ctx, 'door')).email }, status: 202 }),
  'POST /api/auth/password-reset/confirm': async () => {
    const raw = generateToken();
    const user = await aUser(ctx, 'door');
    await ctx.services.database.db.insert(staffTokens).values({ userId: user.id, purpose: 'password_reset', tokenHash: hashToken(raw), expiresAt: soon() });
    return { body: { token: raw, password: 'a new long password' }, status: 200 };
  },
  'POST /api/admin/venues': async () => ({ body: { name: 'Sala CSRF', capacity: 10 }, status: 201 }),
  'PATCH /api/admin/venues/:id': async () => ({ params: { id: String((await aPerformance(ctx)).venue.id) }, body: { capacity: 1 }, status: 200 }),
  'DELETE /api/admin/venues/:id': async () => {
    const venue = await ctx.client.post('/api/admin/venues', { name: 'Sala da cancellare', capacity: 1 }, { cookie: admin });
    return { params: { id: String(venue.body.id) }, status: 204 };
  },
  'POST /api/admin/shows': async () => ({ body: { title: 'Spettacolo CSRF', published: true }, status: 201 }),
  'PATCH /api/admin/shows/:id': async () => ({ params: { id: String((await aPerformance(ctx)).show.id) }, body: { published: false }, status: 200 }),
  'DELETE /api/admin/shows/:id': async () => ({ params: { id: String((await aPerformance(ctx)).show.id) }, status: 204 }),
  'POST /api/admin/performances': async () => {
    const { show, venue } = await aPerformance(ctx);
    // A date ahead of any run of this test: one in the past needs `allow_past`.
    return { body: { show_id: show.id, venue_id: venue.id, starts_at: new Date(Date.now() + 30 * 86_400_000).toISOString() }, status: 201 };
  },
  'PATCH /api/admin/performances/:id': async () => ({ params: { id: String((await aPerformance(ctx)).performance.id) }, body: { booking_open: false }, status: 200 }),
  'DELETE /api/admin/performances/:id': async () => ({ params: { id: String((await aPerformance(ctx)).performance.id) }, status: 204 }),
  'POST /api/admin/performances/:id/move': async () => ({
    params: { id: String((await aPerformance(ctx)).performance.id) },
    body: { starts_at: new Date(Date.now() + 40 * 86_400_000).toISOString() },
    status: 200,
  }),
  'POST /api/admin/performances/:id/cancel': async () => {
    const { performance } = await aPerformance(ctx);
    await aConfirmedReservation(ctx, performance.id);
    return { params: { id: String(performance.id) }, body: { message: 'Annullata (CSRF test).' }, status: 200 };
  },
  'POST /api/admin/performances/:id/messages': async () => {
    const { performance } = await aPerformance(ctx);
    await aConfirmedReservation(ctx, performance.id);
    return { params: { id: String(performance.id) }, body: { subject: 'CSRF', body: 'Test', audience: 'confirmed' }, status: 201 };
  },
  'POST /api/admin/performances/:id/messages/preview': async () => ({
    params: { id: String((await aPerformance(ctx)).performance.id) },
    body: { subject: 'CSRF', body: 'Test', audience: 'confirmed' },
    status: 200,
  }),

  'POST /api/performances/:id/waitlist': async () => ({ params: { id: String((await soldOut()).performance.id) }, body: { ...guest(), party_size: 1 }, status: 201 }),
  'POST /api/waitlist/confirm': async () => {
    const { performance } = await soldOut();
    const to = `waiting-${randomUUID()}@example.com`;
    await ctx.services.waitlist.join(performance.id, { name: 'Luca', email: to, party_size: 1 });
    return { body: { token: await tokenMailedTo(to) }, status: 200 };
  },
  'POST /api/waitlist/offer': async () => ({ body: { token: await anOfferToken() }, status: 200 }),
  'POST /api/waitlist/accept': async () => ({ body: { token: await anOfferToken() }, status: 200 }),
  'POST /api/waitlist/decline': async () => ({ body: { token: await anOfferToken() }, status: 200 }),
  'POST /api/admin/waitlist/:id/offer': async () => {
    const { entryId, performanceId } = await aWaitingEntry();
    // Seats added behind the service's back, so that no automatic offer beats the manual one.
    await ctx.services.database.db.update(performances).set({ additionalSeats: 1 }).where(eq(performances.id, performanceId));
    return { params: { id: String(entryId) }, status: 200 };
  },
  'DELETE /api/admin/waitlist/:id': async () => ({ params: { id: String((await aWaitingEntry()).entryId) }, status: 200 }),
};

/** A one-seat performance, sold out by a confirmed reservation. */
async function soldOut() {
  const { performance } = await aPerformance(ctx, { capacity: 1 });
  return { performance, booked: await aConfirmedReservation(ctx, performance.id, 1) };
}

/** The token of the newest link emailed to `to`, as the guest would find it. */
async function tokenMailedTo(to: string): Promise<string> {
  await ctx.services.mailWorker.drain();
  const mail = ctx.mail.sent.filter((m) => m.to === to).at(-1);
  return tokenFromUrl(/https?:\/\/\S+#token=[\w-]+/.exec(mail!.text)![0]);
}

/** Someone in line (opt-in confirmed) for a sold-out performance. */
async function aWaitingEntry() {
  const { performance, booked } = await soldOut();
  const to = `waiting-${randomUUID()}@example.com`;
  const entry = await ctx.services.waitlist.join(performance.id, { name: 'Luca', email: to, party_size: 1 });
  await ctx.services.waitlist.confirmJoin(await tokenMailedTo(to));
  return { entryId: entry.entry_id, performanceId: performance.id, booked, to };
}

/** A cancellation frees the seat and the first in line is offered it by email. */
async function anOfferToken(): Promise<string> {
  const { booked, to } = await aWaitingEntry();
  await ctx.services.bookings.cancel(booked.reservation.id, null);
  return tokenMailedTo(to);
}

async function checkIn(): Promise<ValidRequest> {
  const { performance } = await aPerformance(ctx, { startsAt: soon() });
  return { body: { token: (await aConfirmedReservation(ctx, performance.id)).rawCheckInToken }, cookie: () => door, status: 200 };
}

async function aDevice(): Promise<string> {
  return (await ctx.client.post('/api/door/devices', { name: 'Porta' }, { cookie: door })).body.id;
}

async function aReservation(): Promise<string> {
  const { performance } = await aPerformance(ctx);
  return String((await aConfirmedReservation(ctx, performance.id)).reservation.id);
}


/** Every row of every data table (the list the PGlite → PostgreSQL move copies), as one text. */
async function snapshot(): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES) {
    const result: unknown = await ctx.services.database.db.execute(sql.raw(`select coalesce(string_agg(t::text, '|' order by t::text), '') as all_rows from "${table}" t`));
    const rows = Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows;
    parts.push(`${table}:${String(rows[0]?.all_rows)}`);
  }
  return parts.join('\n');
}

const unsafeRoutes = () => registeredRoutes(ctx.runtime.app).filter((route) => isUnsafe(route.method)).map(routeKey);

describe('CSRF: every unsafe route with a session cookie', () => {
  it('has a valid request for every unsafe route in the route table', () => {
    expect(unsafeRoutes().filter((key) => !(key in VALID))).toEqual([]);
    expect(Object.keys(VALID).filter((key) => !unsafeRoutes().includes(key))).toEqual([]);
  });

  it.each(Object.keys(VALID))('%s: refused from a foreign, opaque or missing Origin; accepted from ours', async (key) => {
    const [method, pattern] = key.split(' ') as [string, string];
    const valid = await VALID[key]!();
    const path = fillPath(pattern, valid.params ?? {});
    const cookie = valid.cookie?.() ?? admin;
    // Emails queued by the fixtures leave now, not while the refused requests are checked.
    await ctx.services.mailWorker.drain();
    const before = await snapshot();
    for (const origin of ['https://evil.example', 'https://tickets.azionelab.example.evil.example', 'http://tickets.azionelab.example', 'null', null]) {
      const refused = await ctx.client.request(method, path, valid.body, { cookie, origin });
      expect(refused.status, `Origin ${String(origin)}`).toBe(403);
      expect(refused.body.status).toBe('origin_not_allowed');
      expect(refused.headers.get('set-cookie')).toBeNull();
    }
    expect(await snapshot(), 'a refused request wrote something').toBe(before);

    // The same request from our own origin goes through: the refusals above were the Origin's doing.
    const accepted = await ctx.client.request(method, path, valid.body, { cookie });
    expect(accepted.status, accepted.text.slice(0, 300)).toBe(valid.status);
  });
});

describe('sessions', () => {
  const COOKIE = 'azionelab_session';
  const tokenOf = (setCookie: string | null) => /azionelab_session=([^;]*)/.exec(setCookie ?? '')?.[1];

  it('never adopts a session token the client brought to the login (no session fixation)', async () => {
    const user = await aUser(ctx, 'box_office');
    const planted = 'a'.repeat(32);
    const response = await ctx.client.post('/api/auth/login', { email: user.email, password: PASSWORD }, { cookie: `${COOKIE}=${planted}` });
    expect(response.status).toBe(200);
    const issued = tokenOf(response.headers.getSetCookie().filter((c) => c.startsWith(`${COOKIE}=`) && !/Max-Age=0/i.test(c)).join(';'));
    expect(issued).toMatch(/^[a-z2-7]{32}$/);
    expect(issued).not.toBe(planted);
    expect((await ctx.client.get('/api/auth/me', { cookie: `${COOKIE}=${planted}` })).status).toBe(401);
  });

  it('gives each login its own token, and a tampered token opens nothing', async () => {
    const user = await aUser(ctx, 'content');
    const first = await ctx.client.login(user.email, PASSWORD);
    const second = await ctx.client.login(user.email, PASSWORD);
    expect(first).not.toBe(second);
    const token = first.slice(COOKIE.length + 1);
    const flipped = `${COOKIE}=${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`;
    for (const cookie of [flipped, `${COOKIE}=${token.toUpperCase()}`, `${COOKIE}=${hashToken(token)}`]) {
      expect((await ctx.client.get('/api/auth/me', { cookie })).status, cookie).toBe(401);
    }
  });
});

describe('login brute force', () => {
  it('cannot dodge the address throttle with X-Forwarded-For when the proxy is not trusted', async () => {
    const tight = ctx.withEnv({ THROTTLE_LOGIN_IP: '3/hour' });
    const ip = '203.0.113.77';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const attempt = await tight.client.post(
        '/api/auth/login',
        { email: `guess-${i}@azionelab.test`, password: 'wrong password' },
        { ip, headers: { 'x-forwarded-for': `198.51.100.${i}` } },
      );
      statuses.push(attempt.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('behind the trusted proxy, only the address the proxy appended counts', async () => {
    const tight = ctx.withEnv({ THROTTLE_LOGIN_IP: '3/hour', TRUST_PROXY: 'true' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      // The client forges the first entries; our proxy appends the real address last.
      const forwarded = `10.0.0.${i}, 192.0.2.${i}, 203.0.113.78`;
      const attempt = await tight.client.post('/api/auth/login', { email: `guess-${i}@azionelab.test`, password: 'wrong password' }, { headers: { 'x-forwarded-for': forwarded } });
      statuses.push(attempt.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('counts wrong passwords against the account across many addresses, and then refuses the right one too', async () => {
    const user = await aUser(ctx, 'admin');
    for (let i = 0; i < 5; i += 1) {
      const attempt = await ctx.client.post('/api/auth/login', { email: ` ${user.email.toUpperCase()} `, password: `guess ${i}` }, { ip: `192.0.2.${100 + i}` });
      expect(attempt.status).toBe(401);
    }
    const blocked = await ctx.client.post('/api/auth/login', { email: user.email, password: PASSWORD }, { ip: '192.0.2.200' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.getSetCookie()).toEqual([]);
  });
});
