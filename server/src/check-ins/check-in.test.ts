import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIns, reservationTokens } from '../db/schema.js';
import { hashToken } from '../lib/tokens.js';
import {
  aConfirmedReservation,
  aPendingReservation,
  aPerformance,
  createTestContext,
  loggedIn,
  type TestContext,
} from '../test/harness.js';

let ctx: TestContext;
let door: Awaited<ReturnType<typeof loggedIn>>;
beforeAll(async () => {
  ctx = await createTestContext();
  door = await loggedIn(ctx, 'door');
});
afterAll(() => ctx.close());

const preview = (token: string, cookie = door.cookie) => ctx.client.post('/api/check-ins/preview/', { token }, { cookie });
const confirm = (token: string, cookie = door.cookie) => ctx.client.post('/api/check-ins/confirm/', { token }, { cookie });

describe('check-in preview', () => {
  it('returns only what the door needs', async () => {
    const { performance, show } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id, 3);
    const response = await preview(ticket.rawCheckInToken);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      reservation_id: ticket.reservation.id,
      party_size: 3,
      name: 'Maria Rossi',
      performance: {
        id: performance.id,
        show_title: show.title,
        venue_name: expect.any(String),
        starts_at: performance.startsAt.toISOString(),
      },
      checked_in: false,
      checked_in_at: null,
      checked_in_by: null,
    });
    expect(response.text).not.toContain('@example.com');
  });

  it('rejects invalid tokens and confirmation tokens, even for a confirmed reservation', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    for (const token of ['invalid-token', ticket.rawConfirmationToken]) {
      const response = await preview(token);
      expect(response.status).toBe(404);
      expect(response.body.status).toBe('invalid_token');
    }
    const pending = await aPendingReservation(ctx, performance.id);
    expect((await preview(pending.rawConfirmationToken)).body.status).toBe('invalid_token');
  });

  it('rejects an expired check-in token', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    await ctx.services.database.db
      .update(reservationTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(reservationTokens.tokenHash, hashToken(ticket.rawCheckInToken)));
    expect((await preview(ticket.rawCheckInToken)).body.status).toBe('invalid_token');
  });

  it('requires an authenticated staff user', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const anonymous = await ctx.client.post('/api/check-ins/preview', { token: ticket.rawCheckInToken });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.status).toBe('not_authenticated');
  });

  it('is throttled per staff user', async () => {
    const tight = ctx.withEnv({ THROTTLE_CHECK_IN_PREVIEW: '1/minute' });
    const { performance } = await aPerformance(ctx);
    const a = await aConfirmedReservation(ctx, performance.id);
    const b = await aConfirmedReservation(ctx, performance.id);
    const staff = await loggedIn(ctx, 'door');
    const first = await tight.client.post('/api/check-ins/preview', { token: a.rawCheckInToken }, { cookie: staff.cookie });
    const second = await tight.client.post('/api/check-ins/preview', { token: b.rawCheckInToken }, { cookie: staff.cookie });
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(second.body.status).toBe('rate_limited');
  });
});

describe('check-in confirm', () => {
  it('records exactly one check-in with the staff user and time', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const response = await confirm(ticket.rawCheckInToken);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ reservation_id: ticket.reservation.id, party_size: 2, checked_in: true, checked_in_by: door.user.displayName });

    const rows = await ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.staffUserId).toBe(door.user.id);
    expect(Math.abs(rows[0]!.checkedInAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('answers 409 already_checked_in with when and by whom the second time', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const first = await confirm(ticket.rawCheckInToken);
    const other = await loggedIn(ctx, 'box_office');
    const second = await confirm(ticket.rawCheckInToken, other.cookie);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      status: 'already_checked_in',
      checked_in_at: first.body.checked_in_at,
      checked_in_by: door.user.displayName,
    });
    const rows = await ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id));
    expect(rows).toHaveLength(1);
  });

  it('lets only one of many simultaneous scans of one ticket through', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const results = await Promise.all(Array.from({ length: 8 }, () => confirm(ticket.rawCheckInToken)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.status === 'already_checked_in')).toHaveLength(7);
  });

  it('rejects confirmation tokens and records nothing', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const response = await confirm(ticket.rawConfirmationToken);
    expect(response.status).toBe(404);
    expect(response.body.status).toBe('invalid_token');
    const rows = await ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id));
    expect(rows).toHaveLength(0);
  });

  it('is refused to a content editor', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const editor = await loggedIn(ctx, 'content');
    const response = await confirm(ticket.rawCheckInToken, editor.cookie);
    expect(response.status).toBe(403);
    expect(response.body.status).toBe('forbidden');
  });
});
