import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInAnswerSchema, checkInRefusalDataSchema, checkInUndoAnswerSchema } from '../../../shared/src/check-in-contracts.js';
import { syncResponseSchema } from '../../../shared/src/door-contracts.js';
import { hashPrefix, parseManifest, type DeltaManifest, type FullManifest } from '../../../shared/src/manifest.js';
import { auditLog, checkIns, performances, scanEvents } from '../db/schema.js';
import { hashToken } from '../lib/tokens.js';
import { aConfirmedReservation, aPerformance, createTestContext, loggedIn, type TestContext } from '../test/harness.js';
import { aScanEvent } from '../test/scan-events.js';

/*
 * DELETE /api/admin/check-ins/:id undoes a check-in: the row goes, the door devices learn it
 * through the manifest delta, the history keeps who, when, what and why. Scans made before the
 * undo never bring the check-in back; a scan made after it admits again, online or offline.
 */

let ctx: TestContext;
let door: Awaited<ReturnType<typeof loggedIn>>;
let boxOffice: Awaited<ReturnType<typeof loggedIn>>;
let admin: Awaited<ReturnType<typeof loggedIn>>;
beforeAll(async () => {
  ctx = await createTestContext();
  [door, boxOffice, admin] = await Promise.all([loggedIn(ctx, 'door'), loggedIn(ctx, 'box_office'), loggedIn(ctx, 'admin')]);
});
afterAll(() => ctx.close());

const soon = () => new Date(Date.now() + 3_600_000);
const undo = (reservationId: number | string, body: unknown = { reason: 'Scanned the wrong ticket' }, cookie = boxOffice.cookie) =>
  ctx.client.request('DELETE', `/api/admin/check-ins/${reservationId}`, body, { cookie });
const confirm = (token: string, performanceId: number, extra: Record<string, unknown> = {}) =>
  ctx.client.post('/api/check-ins/confirm', { token, performance_id: performanceId, ...extra }, { cookie: door.cookie });
const sync = (deviceId: string, events: unknown[]) => ctx.client.post('/api/door/sync', { device_id: deviceId, events }, { cookie: door.cookie });
const checkInRows = (reservationId: number) => ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, reservationId));

async function registerDevice(name: string): Promise<string> {
  const response = await ctx.client.post('/api/door/devices', { name }, { cookie: door.cookie });
  expect(response.status).toBe(201);
  return response.body.id;
}

async function manifest(performanceId: number, since?: number) {
  const response = await ctx.client.get(`/api/door/performances/${performanceId}/manifest${since ? `?since=${since}` : ''}`, { cookie: door.cookie });
  expect(response.status).toBe(200);
  return parseManifest(response.text);
}

/** A guest of a performance whose doors are open, admitted online. */
async function admitted(partySize = 2) {
  const { performance } = await aPerformance(ctx, { startsAt: soon() });
  const ticket = await aConfirmedReservation(ctx, performance.id, partySize);
  expect((await confirm(ticket.rawCheckInToken, performance.id)).status).toBe(200);
  return { performance, ticket, reservationId: ticket.reservation.id };
}

describe('undoing a check-in', () => {
  it('removes it, tells the door through the delta, and keeps who, when, what and why in the history', async () => {
    const { performance, ticket, reservationId } = await admitted();
    const before = (await checkInRows(reservationId))[0]!;
    const full = (await manifest(performance.id)) as FullManifest;
    expect(full.entries.find((e) => e.r === reservationId)?.c).not.toBeNull();

    const response = await undo(reservationId, { reason: '  Guest left to fetch a coat  ' });
    expect(response.status).toBe(200);
    expect(checkInUndoAnswerSchema.parse(response.body)).toMatchObject({
      reservation_id: reservationId,
      checked_in_at: before.checkedInAt.toISOString(),
      method: 'online',
      reason: 'Guest left to fetch a coat',
    });
    expect(await checkInRows(reservationId)).toEqual([]);

    const [row] = await ctx.services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'check_in.undo'), eq(auditLog.entityId, reservationId)));
    expect(row).toMatchObject({ actorUserId: boxOffice.user.id, entityType: 'reservation' });
    expect(row!.at.toISOString()).toBe(response.body.undone_at);
    expect(row!.summary).toContain(before.checkedInAt.toISOString());
    expect(row!.summary).toContain(door.user.displayName);
    expect(row!.summary).toContain('Guest left to fetch a coat');

    const delta = (await manifest(performance.id, full.seq)) as DeltaManifest;
    expect(delta.type).toBe('delta');
    expect(delta.upserts).toMatchObject([{ r: reservationId, h: hashToken(ticket.rawCheckInToken), c: null }]);
    expect(delta.revoked).toEqual([]);

    // The admin's page of the reservation: not checked in, and the undo in its history.
    const detail = await ctx.client.get(`/api/admin/reservations/${reservationId}`, { cookie: boxOffice.cookie });
    expect(detail.body.check_in).toBeNull();
    expect(detail.body.history.map((h: { action: string }) => h.action)).toContain('check_in.undo');
  });

  it('is for the box office and admins only', async () => {
    const { reservationId } = await admitted();
    for (const [who, status, code] of [
      [door, 403, 'forbidden'],
      [await loggedIn(ctx, 'content'), 403, 'forbidden'],
    ] as const) {
      const response = await undo(reservationId, undefined, who.cookie);
      expect(response.status).toBe(status);
      expect(response.body.status).toBe(code);
    }
    const anonymous = await ctx.client.request('DELETE', `/api/admin/check-ins/${reservationId}`, { reason: 'x' });
    expect(anonymous.status).toBe(401);
    expect(await checkInRows(reservationId)).toHaveLength(1);
    expect((await undo(reservationId, undefined, admin.cookie)).status).toBe(200);
  });

  it('answers 404 when there is no check-in to undo (never made, undone already) or no such reservation', async () => {
    const { reservationId } = await admitted();
    expect((await undo(reservationId)).status).toBe(200);
    const again = await undo(reservationId);
    expect(again.status).toBe(404);
    expect(again.body.status).toBe('not_checked_in');

    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const never = await aConfirmedReservation(ctx, performance.id);
    expect((await undo(never.reservation.id)).body.status).toBe('not_checked_in');
    for (const id of [2_147_483_647, 0, -1, 'abc', '1.5', 2_147_483_648]) {
      const response = await undo(id);
      expect(response.status, String(id)).toBe(404);
      expect(response.body.status).toBe('not_found');
    }
  });

  it('requires a reason of at most 500 characters, and changes nothing without one', async () => {
    const { reservationId } = await admitted();
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(501) }, { reason: 7 }, { reason: 'ok', extra: 1 }, { reason: 'nul\u0000' }]) {
      const response = await undo(reservationId, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.status).toBe('validation_error');
    }
    const malformed = await ctx.client.request('DELETE', `/api/admin/check-ins/${reservationId}`, undefined, { cookie: boxOffice.cookie, raw: '{"reason":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.status).toBe('invalid_json');
    const noBody = await ctx.client.request('DELETE', `/api/admin/check-ins/${reservationId}`, undefined, { cookie: boxOffice.cookie });
    expect(noBody.status).toBe(415);
    expect(noBody.body.status).toBe('unsupported_media_type');
    expect(await checkInRows(reservationId)).toHaveLength(1);
    expect((await undo(reservationId, { reason: 'x'.repeat(500) })).status).toBe(200);
  });
});

describe('after an undo', () => {
  it('a scan made after it admits again, online', async () => {
    const { performance, ticket, reservationId } = await admitted();
    expect((await undo(reservationId)).status).toBe(200);
    const again = await confirm(ticket.rawCheckInToken, performance.id);
    expect(again.status).toBe(200);
    expect(checkInAnswerSchema.parse(again.body)).toMatchObject({ reservation_id: reservationId, checked_in: true });
    expect(await checkInRows(reservationId)).toMatchObject([{ method: 'online' }]);
  });

  it('a scan made after it admits again through the sync (offline), and the delta says so', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 3);
    const deviceId = await registerDevice('Door U1');
    const first = aScanEvent(performance.id, ticket.rawCheckInToken, new Date(Date.now() - 60_000));
    expect((await sync(deviceId, [first])).body.results).toMatchObject([{ result: 'accepted' }]);
    const seq = ((await manifest(performance.id)) as FullManifest).seq;

    expect((await undo(ticket.reservation.id)).status).toBe(200);
    const later = aScanEvent(performance.id, ticket.rawCheckInToken, new Date(Date.now() + 1_000));
    const response = await sync(deviceId, [later]);
    expect(syncResponseSchema.parse(response.body).results).toMatchObject([{ id: later.id, result: 'accepted', reservation_id: ticket.reservation.id }]);
    expect(await checkInRows(ticket.reservation.id)).toMatchObject([{ method: 'offline', eventId: later.id }]);
    const delta = (await manifest(performance.id, seq)) as DeltaManifest;
    expect(delta.upserts.find((e) => e.r === ticket.reservation.id)?.c).toMatchObject({ at: new Date(later.scanned_at).toISOString(), device: 'Door U1' });
  });

  it('old scans sent again, late or for the first time, do not bring the check-in back', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const [phone, other] = [await registerDevice('Door U2'), await registerDevice('Door U3')];
    const first = aScanEvent(performance.id, ticket.rawCheckInToken, new Date(Date.now() - 120_000));
    expect((await sync(phone, [first])).body.results).toMatchObject([{ result: 'accepted' }]);
    expect((await undo(ticket.reservation.id)).status).toBe(200);

    // The same batch again (its answer was lost): the stored answer, nothing recorded.
    expect((await sync(phone, [first])).body.results).toMatchObject([{ id: first.id, result: 'accepted' }]);
    // A scan made before the undo by a phone that was offline until now, earlier even than the check-in.
    const offlineEarlier = aScanEvent(performance.id, ticket.rawCheckInToken, new Date(Date.now() - 180_000));
    const offlineLater = aScanEvent(performance.id, ticket.rawCheckInToken, new Date(Date.now() - 60_000));
    const late = await sync(other, [offlineEarlier, offlineLater]);
    expect(late.body.results).toMatchObject([
      { id: offlineEarlier.id, result: 'accepted', reservation_id: ticket.reservation.id },
      { id: offlineLater.id, result: 'accepted', reservation_id: ticket.reservation.id },
    ]);
    expect(late.body.conflicts).toEqual([]);
    expect(await checkInRows(ticket.reservation.id)).toEqual([]);
    const stored = await ctx.services.database.db.select().from(scanEvents).where(eq(scanEvents.reservationId, ticket.reservation.id));
    expect(stored).toHaveLength(3);

    // A new admission after the undo is not taken over by a scan that predates it.
    const now = aScanEvent(performance.id, ticket.rawCheckInToken, new Date(Date.now() + 1_000));
    expect((await sync(phone, [now])).body.results).toMatchObject([{ result: 'accepted' }]);
    const beforeUndo = aScanEvent(performance.id, ticket.rawCheckInToken, new Date(Date.now() - 90_000));
    expect((await sync(other, [beforeUndo])).body.results).toMatchObject([{ id: beforeUndo.id, result: 'accepted' }]);
    expect(await checkInRows(ticket.reservation.id)).toMatchObject([{ eventId: now.id, deviceId: phone }]);
    const reassigned = await ctx.services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, ticket.reservation.id), eq(auditLog.action, 'check_in.reassign')));
    expect(reassigned).toEqual([]);
  });

  it('an online check-in whose answer was lost, sent again by the sync after the undo, stays undone', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const deviceId = await registerDevice('Door U4');
    const eventId = randomUUID();
    const scannedAt = new Date(Date.now() - 1_000);
    expect((await confirm(ticket.rawCheckInToken, performance.id, { device_id: deviceId, event_id: eventId })).status).toBe(200);
    expect((await undo(ticket.reservation.id)).status).toBe(200);

    const event = { id: eventId, performance_id: performance.id, token_hash: hashToken(ticket.rawCheckInToken), scanned_at: scannedAt.toISOString(), clock_offset_ms: 0 };
    expect((await sync(deviceId, [event])).body.results).toMatchObject([{ id: eventId, result: 'accepted' }]);
    expect(await checkInRows(ticket.reservation.id)).toEqual([]);
  });

  it('waits for a sync batch deciding the same ticket, and the other way round (the reservation lock)', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const deviceId = await registerDevice('Door U5');
    expect((await confirm(ticket.rawCheckInToken, performance.id)).status).toBe(200);
    const before = aScanEvent(performance.id, ticket.rawCheckInToken, new Date(Date.now() - 30_000));
    const [undone, synced] = await Promise.all([undo(ticket.reservation.id), sync(deviceId, [before])]);
    expect(undone.status).toBe(200);
    expect(synced.status).toBe(200);
    // Whichever went first, the scan that predates the undo is no check-in now.
    expect(await checkInRows(ticket.reservation.id)).toEqual([]);
  });
});

describe('a whole performance cancelled', () => {
  /** What staff's cancellation leaves behind: the performance marked, every reservation cancelled. */
  async function cancelledNight() {
    const { performance, show } = await aPerformance(ctx, { startsAt: soon() });
    const guests = [await aConfirmedReservation(ctx, performance.id, 2), await aConfirmedReservation(ctx, performance.id, 1)];
    const seq = ((await manifest(performance.id)) as FullManifest).seq;
    const cancelledAt = new Date();
    await ctx.services.database.db.update(performances).set({ cancelledAt }).where(eq(performances.id, performance.id));
    for (const guest of guests) await ctx.services.bookings.cancel(guest.reservation.id, boxOffice.user);
    return { performance, show, guests, seq, cancelledAt };
  }

  it('is in the manifest and its delta, so the door words the refusal: this performance was cancelled', async () => {
    const { performance, guests, seq, cancelledAt } = await cancelledNight();
    const full = (await manifest(performance.id)) as FullManifest;
    expect(full.performance.cancelled_at).toBe(cancelledAt.toISOString());
    expect(full.entries).toEqual([]);
    // The tickets stay "cancelled" in the refused set: older door apps know no other reason.
    expect(full.refused).toEqual(guests.map((g) => [hashPrefix(hashToken(g.rawCheckInToken)), g.reservation.id, 'cancelled']));
    const delta = (await manifest(performance.id, seq)) as DeltaManifest;
    expect(delta.performance_cancelled_at).toBe(cancelledAt.toISOString());
    expect(delta.revoked.sort()).toEqual(guests.map((g) => g.reservation.id).sort());

    const open = await aPerformance(ctx, { startsAt: soon() });
    expect(((await manifest(open.performance.id)) as FullManifest).performance.cancelled_at).toBeNull();
  });

  it('answers a scan online with performance_cancelled and the performance, and refuses it in the sync', async () => {
    const { performance, show, guests } = await cancelledNight();
    const online = await confirm(guests[0]!.rawCheckInToken, performance.id);
    expect(online.status).toBe(409);
    expect(online.body.status).toBe('performance_cancelled');
    expect(checkInRefusalDataSchema.performance_cancelled.parse(online.body).performance).toMatchObject({ id: performance.id, show_title: show.title });
    const byCode = await ctx.client.post('/api/check-ins/confirm-code', { code: guests[1]!.reservation.code, performance_id: performance.id }, { cookie: door.cookie });
    expect(byCode.body.status).toBe('performance_cancelled');

    const deviceId = await registerDevice('Door U6');
    const offline = aScanEvent(performance.id, guests[0]!.rawCheckInToken, new Date());
    expect((await sync(deviceId, [offline])).body.results).toMatchObject([{ result: 'revoked' }]);
    expect(await checkInRows(guests[0]!.reservation.id)).toEqual([]);
  });

  it('a reservation cancelled on its own says cancelled online, not unknown', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    await ctx.services.bookings.cancel(ticket.reservation.id, boxOffice.user);
    const response = await confirm(ticket.rawCheckInToken, performance.id);
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('reservation_not_confirmed');
  });
});

describe('a reservation code typed at the door, online (POST /api/check-ins/confirm-code)', () => {
  const confirmCode = (body: unknown, cookie = door.cookie) => ctx.client.post('/api/check-ins/confirm-code', body, { cookie });

  it('admits with the guest\'s name, recorded as an online check-in with the device, as the admin shows it', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 3);
    const deviceId = await registerDevice('Door C1');
    const eventId = randomUUID();
    const typed = ticket.reservation.code!.toLowerCase().replace('-', ' ');
    const response = await confirmCode({ code: typed, performance_id: performance.id, device_id: deviceId, event_id: eventId });
    expect(response.status).toBe(200);
    expect(checkInAnswerSchema.parse(response.body)).toMatchObject({ reservation_id: ticket.reservation.id, name: 'Maria Rossi', party_size: 3, checked_in: true, checked_in_device: 'Door C1' });
    expect(await checkInRows(ticket.reservation.id)).toMatchObject([{ method: 'online', deviceId, eventId }]);
    const detail = await ctx.client.get(`/api/admin/reservations/${ticket.reservation.id}`, { cookie: boxOffice.cookie });
    expect(detail.body.check_in).toMatchObject({ method: 'online' });

    // The same scan through the sync (its answer lost on the way): the same check-in.
    const code = { id: eventId, performance_id: performance.id, code_hash: await sha256(ticket.reservation.code!), scanned_at: new Date().toISOString(), clock_offset_ms: 0 };
    expect((await sync(deviceId, [code])).body.results).toMatchObject([{ id: eventId, result: 'accepted' }]);
    const again = await confirmCode({ code: ticket.reservation.code, performance_id: performance.id });
    expect(again.status).toBe(409);
    expect(again.body.status).toBe('already_checked_in');
  });

  it('says which night a code of another performance is for, and writes nothing', async () => {
    const tonight = await aPerformance(ctx, { startsAt: soon() });
    const tomorrow = await aPerformance(ctx, { startsAt: new Date(Date.now() + 25 * 3_600_000) });
    const ticket = await aConfirmedReservation(ctx, tomorrow.performance.id);
    const response = await confirmCode({ code: ticket.reservation.code, performance_id: tonight.performance.id });
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('wrong_performance');
    expect(checkInRefusalDataSchema.wrong_performance.parse(response.body).performance).toMatchObject({
      id: tomorrow.performance.id,
      starts_at: tomorrow.performance.startsAt.toISOString(),
    });
    expect(await checkInRows(ticket.reservation.id)).toEqual([]);
  });

  it('answers 404 unknown_code for a code nobody has, 400 for text that is no code, and is for door staff', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const unknown = await confirmCode({ code: 'ZZZZ-ZZZZ', performance_id: performance.id });
    expect(unknown.status).toBe(404);
    expect(unknown.body.status).toBe('unknown_code');
    for (const body of [{ code: 'K7QF-2M9', performance_id: performance.id }, { code: 'I0OL-2M9X', performance_id: performance.id }, { code: 'K7QF-2M9X' }, { code: 42, performance_id: 1 }, { code: 'K7QF-2M9X', performance_id: 1, device_id: randomUUID() }]) {
      const response = await confirmCode(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.status).toBe('validation_error');
    }
    expect((await confirmCode({ code: 'K7QF-2M9X', performance_id: performance.id }, (await loggedIn(ctx, 'content')).cookie)).status).toBe(403);
  });
});

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(digest).toString('hex');
}
