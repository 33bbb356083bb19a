import { createHash, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIns, reservations, reservationTokens } from '../db/schema.js';
import { aConfirmedReservation, aPendingReservation, aPerformance, createTestContext, loggedIn, type TestContext, type TestResponse } from '../test/harness.js';

/*
 * The two token purposes never stand in for each other, on any route that takes a token, and
 * tokens are found by their SHA-256 alone. Single routes are also covered in bookings/ and
 * check-ins/; this file holds the whole table in one place.
 */

let ctx: TestContext;
let door: string;
beforeAll(async () => {
  ctx = await createTestContext();
  door = (await loggedIn(ctx, 'door')).cookie;
});
afterAll(() => ctx.close());

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const soon = () => new Date(Date.now() + 3_600_000);

type TokenCall = (token: string) => Promise<TestResponse>;

/** Every route that takes a check-in token (the QR, the ticket link). */
const CHECK_IN_TOKEN_ROUTES: Record<string, TokenCall> = {
  'GET /api/reservations/qr-code': (token) => ctx.client.get(`/api/reservations/qr-code?token=${token}`),
  'GET /api/reservations/calendar.ics': (token) => ctx.client.get(`/api/reservations/calendar.ics?token=${token}`),
  'POST /api/reservations/cancel': (token) => ctx.client.post('/api/reservations/cancel', { token }),
  'POST /api/check-ins/preview': (token) => ctx.client.post('/api/check-ins/preview', { token }, { cookie: door }),
  'POST /api/check-ins/confirm': (token) => ctx.client.post('/api/check-ins/confirm', { token }, { cookie: door }),
};

/** Every route that takes a confirmation token (the email link). */
const CONFIRMATION_TOKEN_ROUTES: Record<string, TokenCall> = {
  'GET /api/reservations/confirm': (token) => ctx.client.get(`/api/reservations/confirm?token=${token}`),
  'POST /api/reservations/confirm': (token) => ctx.client.post('/api/reservations/confirm', { token }),
};

async function reservationState(id: number) {
  const { db } = ctx.services.database;
  const [row] = await db.select().from(reservations).where(eq(reservations.id, id));
  const tokens = await db.select().from(reservationTokens).where(eq(reservationTokens.reservationId, id));
  const admitted = await db.select().from(checkIns).where(eq(checkIns.reservationId, id));
  return { status: row!.status, tokens: tokens.map((t) => [t.purpose, t.usedAt, t.revokedAt]), admitted: admitted.length };
}

describe('token purposes', () => {
  it.each(Object.entries(CHECK_IN_TOKEN_ROUTES))('%s refuses a confirmation token, and changes nothing', async (_route, call) => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    // A confirmed reservation: its confirmation token is real, used, and of the wrong purpose here.
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const before = await reservationState(ticket.reservation.id);
    const response = await call(ticket.rawConfirmationToken);
    expect(response.status, response.text).toBe(404);
    expect(response.body.status).toBe('invalid_token');
    expect(await reservationState(ticket.reservation.id)).toEqual(before);
    // The right token works on the same route: the refusal was about the purpose.
    expect((await call(ticket.rawCheckInToken)).status).toBe(200);
  });

  it.each(Object.entries(CONFIRMATION_TOKEN_ROUTES))('%s refuses a check-in token, and changes nothing', async (_route, call) => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const before = await reservationState(ticket.reservation.id);
    const response = await call(ticket.rawCheckInToken);
    expect(response.status, response.text).toBe(404);
    expect(response.body.status).toBe('invalid_token');
    expect(await reservationState(ticket.reservation.id)).toEqual(before);
    const pending = await aPendingReservation(ctx, performance.id);
    expect((await call(pending.rawConfirmationToken)).status).toBe(200);
  });

  it('the door manifest and offline sync know check-in token hashes only', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const manifest = await ctx.client.get(`/api/door/performances/${performance.id}/manifest`, { cookie: door });
    expect(manifest.text).toContain(sha256(ticket.rawCheckInToken));
    expect(manifest.text).not.toContain(sha256(ticket.rawConfirmationToken));

    const device = (await ctx.client.post('/api/door/devices', { name: 'Porta' }, { cookie: door })).body.id;
    const scan = { id: randomUUID(), performance_id: performance.id, token_hash: sha256(ticket.rawConfirmationToken), scanned_at: new Date().toISOString(), clock_offset_ms: 0 };
    const synced = await ctx.client.post('/api/door/sync', { device_id: device, events: [scan] }, { cookie: door });
    expect(synced.status).toBe(200);
    expect(synced.body.results.map((r: { result: string }) => r.result)).toEqual(['unknown']);
    expect((await reservationState(ticket.reservation.id)).admitted).toBe(0);
  });
});

describe('tokens are compared by hash', () => {
  it('stores only the SHA-256 of each token', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const rows = await ctx.services.database.db.select().from(reservationTokens).where(eq(reservationTokens.reservationId, ticket.reservation.id));
    expect(rows.map((r) => r.tokenHash).sort()).toEqual([sha256(ticket.rawConfirmationToken), sha256(ticket.rawCheckInToken)].sort());
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(ticket.rawCheckInToken);
    expect(stored).not.toContain(ticket.rawConfirmationToken);
  });

  it('finds a token by its hash alone: a changed hash locks the token out, a planted hash lets its preimage in', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const { db } = ctx.services.database;
    const where = and(eq(reservationTokens.reservationId, ticket.reservation.id), eq(reservationTokens.purpose, 'check_in'));
    const chosen = 'K'.repeat(43);

    await db.update(reservationTokens).set({ tokenHash: sha256(chosen) }).where(where);
    const old = await ctx.client.post('/api/check-ins/preview', { token: ticket.rawCheckInToken }, { cookie: door });
    expect(old.status).toBe(404);
    expect(old.body.status).toBe('invalid_token');
    const planted = await ctx.client.post('/api/check-ins/preview', { token: chosen }, { cookie: door });
    expect(planted.status).toBe(200);
    expect(planted.body.reservation_id).toBe(ticket.reservation.id);
  });

  it('refuses the stored hash itself, a one-character change, and a different letter case', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const raw = ticket.rawCheckInToken;
    const swapped = raw.replace(/[a-z]/, (ch) => ch.toUpperCase());
    const oneOff = `${raw.slice(0, -1)}${raw.endsWith('A') ? 'B' : 'A'}`;
    for (const token of [sha256(raw), oneOff, swapped, `${raw} `, `${raw}=`]) {
      const response = await ctx.client.post('/api/check-ins/preview', { token }, { cookie: door });
      expect(response.status, token).toBe(404);
      expect(response.body.status).toBe('invalid_token');
    }
  });
});
