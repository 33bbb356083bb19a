import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInAnswerSchema, checkInRefusalDataSchema } from '../../../shared/src/check-in-contracts.js';
import { auditLog, checkIns, performances, reservationTokens } from '../db/schema.js';
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
/** A start within the hour: the door window (3 h before to 6 h after) is open now. */
const soon = () => new Date(Date.now() + 3_600_000);
const checkInsOf = (reservationId: number) => ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, reservationId));

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
      checked_in_device: null,
    });
    expect(checkInAnswerSchema.parse(response.body)).toBeTruthy();
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
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
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
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
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
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
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

describe('check-in without a performance named: the night of the ticket and its door window (the shared decision)', () => {
  it('refuses before the doors open, with when they do, and writes nothing', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: new Date(Date.now() + 5 * 3_600_000) });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const response = await confirm(ticket.rawCheckInToken);
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('too_early');
    expect(Date.parse(checkInRefusalDataSchema.too_early.parse(response.body).opens_at)).toBe(performance.startsAt.getTime() - ctx.env.DOOR_OPENS_BEFORE);
    expect(await checkInsOf(ticket.reservation.id)).toHaveLength(0);
  });

  it('refuses once the evening is over, and writes nothing', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    // Booked while it was ahead; the ticket itself has not expired (its expiry was set then).
    await ctx.services.database.db.update(performances).set({ startsAt: new Date(Date.now() - ctx.env.CHECK_IN_GRACE - 60_000) }).where(eq(performances.id, performance.id));
    const response = await confirm(ticket.rawCheckInToken);
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('too_late');
    expect(await checkInsOf(ticket.reservation.id)).toHaveLength(0);
  });

  it('admits from the moment the doors open until the grace after the start', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: new Date(Date.now() + ctx.env.DOOR_OPENS_BEFORE - 60_000) });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    expect((await confirm(ticket.rawCheckInToken)).status).toBe(200);
    expect(await checkInsOf(ticket.reservation.id)).toHaveLength(1);
  });

  it('refuses a cancelled reservation as not confirmed, and a cancelled performance as such', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const cancelled = await aConfirmedReservation(ctx, performance.id);
    await ctx.services.bookings.cancel(cancelled.reservation.id, null);
    const refused = await confirm(cancelled.rawCheckInToken);
    expect([refused.status, refused.body.status]).toEqual([409, 'reservation_not_confirmed']);
    expect(await checkInsOf(cancelled.reservation.id)).toHaveLength(0);
  });

  it('previews a ticket whatever the hour (a lookup admits nobody), but not a cancelled one', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const early = await preview(ticket.rawCheckInToken);
    expect(early.status).toBe(200);
    expect(early.body.checked_in).toBe(false);
    await ctx.services.bookings.cancel(ticket.reservation.id, null);
    const refused = await preview(ticket.rawCheckInToken);
    expect([refused.status, refused.body.status]).toEqual([409, 'reservation_not_confirmed']);
  });
});

describe('check-in by a door that names its performance (the shared decision, online)', () => {
  const scanFor = (token: string, performanceId: number) => ctx.client.post('/api/check-ins/confirm', { token, performance_id: performanceId }, { cookie: door.cookie });

  it('admits a ticket of the performance scanned, inside the door window', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const response = await scanFor(ticket.rawCheckInToken, performance.id);
    expect(response.status).toBe(200);
    expect(checkInAnswerSchema.parse(response.body)).toMatchObject({ reservation_id: ticket.reservation.id, checked_in: true, party_size: 2 });
  });

  it('refuses a ticket of another night with that night, and writes nothing', async () => {
    const tonight = await aPerformance(ctx, { startsAt: soon() });
    const tomorrow = await aPerformance(ctx, { startsAt: new Date(Date.now() + 25 * 3_600_000) });
    const ticket = await aConfirmedReservation(ctx, tomorrow.performance.id);
    const response = await scanFor(ticket.rawCheckInToken, tonight.performance.id);
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('wrong_performance');
    // Another night's ticket whose own doors are open is still not for this door.
    const alsoTonight = await aPerformance(ctx, { startsAt: soon() });
    const neighbour = await aConfirmedReservation(ctx, alsoTonight.performance.id);
    expect((await scanFor(neighbour.rawCheckInToken, tonight.performance.id)).body.status).toBe('wrong_performance');
    expect(await checkInsOf(neighbour.reservation.id)).toHaveLength(0);
    expect(checkInRefusalDataSchema.wrong_performance.parse(response.body).performance).toMatchObject({
      id: tomorrow.performance.id,
      show_title: tomorrow.show.title,
      starts_at: tomorrow.performance.startsAt.toISOString(),
    });
    expect(await ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id))).toHaveLength(0);
  });

  it('refuses outside the door window: too early (with when the doors open) and too late', async () => {
    const early = await aPerformance(ctx, { startsAt: new Date(Date.now() + 5 * 3_600_000) });
    const earlyTicket = await aConfirmedReservation(ctx, early.performance.id);
    const tooEarly = await scanFor(earlyTicket.rawCheckInToken, early.performance.id);
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.status).toBe('too_early');
    expect(Date.parse(checkInRefusalDataSchema.too_early.parse(tooEarly.body).opens_at)).toBe(early.performance.startsAt.getTime() - 3 * 3_600_000);

    // Booked while it was ahead, then the evening went by.
    const over = await aPerformance(ctx, { startsAt: soon() });
    const lateTicket = await aConfirmedReservation(ctx, over.performance.id);
    await ctx.services.database.db.update(performances).set({ startsAt: new Date(Date.now() - 7 * 3_600_000) }).where(eq(performances.id, over.performance.id));
    const tooLate = await scanFor(lateTicket.rawCheckInToken, over.performance.id);
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.status).toBe('too_late');
    expect(await ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, lateTicket.reservation.id))).toHaveLength(0);
  });

  it('says who admitted a ticket before, with the device, in the shape of the contract', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    expect((await scanFor(ticket.rawCheckInToken, performance.id)).status).toBe(200);
    const again = await scanFor(ticket.rawCheckInToken, performance.id);
    expect(again.status).toBe(409);
    expect(again.body.status).toBe('already_checked_in');
    expect(checkInRefusalDataSchema.already_checked_in.parse(again.body)).toMatchObject({ reservation_id: ticket.reservation.id, checked_in_device: null });
  });

  it('rejects a performance id that is not a positive integer', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    for (const bad of [0, -1, 1.5, '7', 2 ** 31]) {
      const response = await ctx.client.post('/api/check-ins/confirm', { token: ticket.rawCheckInToken, performance_id: bad }, { cookie: door.cookie });
      expect(response.status).toBe(400);
      expect(response.body.status).toBe('validation_error');
    }
  });
});

describe('an online check-in whose answer was lost, sent again by the sync', () => {
  it('is recognised as the same scan: accepted, one check-in, no conflict and no reassignment', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: new Date(Date.now() + 3_600_000) });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const device = (await ctx.client.post('/api/door/devices', { name: 'Door L' }, { cookie: door.cookie })).body as { id: string };
    const eventId = crypto.randomUUID();
    const scannedAt = new Date(Date.now() - 2_000).toISOString();
    const online = await ctx.client.post(
      '/api/check-ins/confirm',
      { token: ticket.rawCheckInToken, performance_id: performance.id, device_id: device.id, event_id: eventId },
      { cookie: door.cookie },
    );
    expect(online.status).toBe(200);
    expect(online.body.checked_in_device).toBe('Door L');

    // The phone never heard: its queued scan (scanned before the server's time) comes by the sync.
    const sync = await ctx.client.post(
      '/api/door/sync',
      { device_id: device.id, events: [{ id: eventId, performance_id: performance.id, token_hash: hashToken(ticket.rawCheckInToken), scanned_at: scannedAt, clock_offset_ms: 0 }] },
      { cookie: door.cookie },
    );
    expect(sync.status).toBe(200);
    expect(sync.body.results).toMatchObject([{ id: eventId, result: 'accepted' }]);
    expect(sync.body.conflicts).toEqual([]);
    const { db } = ctx.services.database;
    const rows = await db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ method: 'online', deviceId: device.id, eventId });
    const history = await db.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.entityType, 'reservation'), eq(auditLog.entityId, ticket.reservation.id)));
    expect(history.map((h) => h.action).filter((a) => a.startsWith('check_in.'))).toEqual(['check_in.create']);
  });

  it('takes device and event together only, and refuses a revoked device', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: new Date(Date.now() + 3_600_000) });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const half = await ctx.client.post('/api/check-ins/confirm', { token: ticket.rawCheckInToken, device_id: crypto.randomUUID() }, { cookie: door.cookie });
    expect(half.status).toBe(400);
    expect(half.body.status).toBe('validation_error');

    const device = (await ctx.client.post('/api/door/devices', { name: 'Door R' }, { cookie: door.cookie })).body as { id: string };
    await ctx.services.door.revokeDevice(device.id, door.user);
    const revoked = await ctx.client.post('/api/check-ins/confirm', { token: ticket.rawCheckInToken, device_id: device.id, event_id: crypto.randomUUID() }, { cookie: door.cookie });
    expect(revoked.status).toBe(410);
    expect(revoked.body.status).toBe('device_revoked');
    expect(await ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id))).toHaveLength(0);
  });
});
