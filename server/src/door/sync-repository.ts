import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/client.js';
import { checkIns, devices, performances, reservations, reservationTokens, scanEvents, users } from '../db/schema.js';

/*
 * The queries of the door sync (sync-service.ts): a device's batch of scans, decided under the
 * locks taken here, and the conflicts it leaves for staff.
 */

export type CheckInRow = typeof checkIns.$inferSelect;
export type ScanEventRow = typeof scanEvents.$inferSelect;
type ReservationRow = typeof reservations.$inferSelect;

/**
 * One device's batches run one after the other: a batch sent twice at once (a retry racing the
 * original) waits here, then finds its events stored and gets their answers, instead of failing
 * on the event ids with a 409 (found by the reliability suite).
 */
export async function lockDevice(db: Executor, deviceId: string): Promise<void> {
  await db.select({ id: devices.id }).from(devices).where(eq(devices.id, deviceId)).for('update');
}

/** In id order: concurrent batches from other devices wait here instead of deadlocking. */
export async function lockReservationsInOrder(db: Executor, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.select({ id: reservations.id }).from(reservations).where(inArray(reservations.id, ids)).orderBy(asc(reservations.id)).for('update');
}

export async function checkInsOf(db: Executor, reservationIds: number[]): Promise<CheckInRow[]> {
  if (reservationIds.length === 0) return [];
  return db.select().from(checkIns).where(inArray(checkIns.reservationId, reservationIds));
}

/** What the door window of each scanned performance needs. */
export function performanceTimes(db: Executor, ids: number[]) {
  return db
    .select({ id: performances.id, startsAt: performances.startsAt, cancelledAt: performances.cancelledAt })
    .from(performances)
    .where(inArray(performances.id, ids.length > 0 ? ids : [-1]));
}

/** Check-in tokens with these hashes, with their reservations (a confirmation token's hash matches nothing). */
export function ticketsByHash(db: Executor, tokenHashes: string[]): Promise<{ hash: string; revokedAt: Date | null; reservation: ReservationRow }[]> {
  return db
    .select({ hash: reservationTokens.tokenHash, revokedAt: reservationTokens.revokedAt, reservation: reservations })
    .from(reservationTokens)
    .innerJoin(reservations, eq(reservations.id, reservationTokens.reservationId))
    .where(and(inArray(reservationTokens.tokenHash, tokenHashes), eq(reservationTokens.purpose, 'check_in')));
}

/** Reservations of these performances by the SHA-256 (hex) of their code as stored (`ABCD-EFGH`). */
export function reservationsByCodeHash(db: Executor, performanceIds: number[], codeHashes: string[]): Promise<{ hash: string; reservation: ReservationRow }[]> {
  const codeHash = sql<string>`encode(sha256(convert_to(${reservations.code}, 'UTF8')), 'hex')`;
  return db
    .select({ hash: codeHash, reservation: reservations })
    .from(reservations)
    .where(and(inArray(reservations.performanceId, performanceIds), inArray(codeHash, codeHashes)));
}

/** An offline scan admits: the check-in, as written. */
export async function insertOfflineCheckIn(
  db: Executor,
  values: { reservationId: number; checkedInAt: Date; staffUserId: number; deviceId: string; eventId: string },
): Promise<CheckInRow> {
  const [row] = await db.insert(checkIns).values({ ...values, method: 'offline' }).returning();
  return row!;
}

/** An earlier scan that arrived late takes the check-in over. */
export async function reassignCheckIn(
  db: Executor,
  reservationId: number,
  values: { checkedInAt: Date; staffUserId: number; deviceId: string; eventId: string },
): Promise<void> {
  await db.update(checkIns).set({ ...values, method: 'offline' }).where(eq(checkIns.reservationId, reservationId));
}

/**
 * The scan that had won (`previousWinner`), and every scan that had lost to it, now lose to
 * `winningEventId`: a conflict always names the scan that is the check-in.
 */
export async function markDuplicatesOf(db: Executor, reservationId: number, winningEventId: string, previousWinner: string | null): Promise<void> {
  const lostBefore = or(eq(scanEvents.result, 'duplicate'), previousWinner ? eq(scanEvents.id, previousWinner) : undefined);
  await db
    .update(scanEvents)
    .set({ result: 'duplicate', winningEventId })
    .where(and(eq(scanEvents.reservationId, reservationId), lostBefore));
}

export async function insertScanEvent(db: Executor, values: typeof scanEvents.$inferInsert): Promise<void> {
  await db.insert(scanEvents).values(values);
}

export async function partySizeOf(db: Executor, reservationId: number): Promise<number | undefined> {
  const [row] = await db.select({ partySize: reservations.partySize }).from(reservations).where(eq(reservations.id, reservationId));
  return row?.partySize;
}

/** The check-in of a reservation with who made it and on which phone: what a duplicate lost to. */
export async function checkInWinner(db: Executor, reservationId: number) {
  const [won] = await db
    .select({ at: checkIns.checkedInAt, eventId: checkIns.eventId, device: devices.name, staff: users.displayName, staffEmail: users.email })
    .from(checkIns)
    .leftJoin(devices, eq(devices.id, checkIns.deviceId))
    .leftJoin(users, eq(users.id, checkIns.staffUserId))
    .where(eq(checkIns.reservationId, reservationId));
  return won;
}

/**
 * Losing scans, earliest first (500 at most), with their phone, the guest's name and the scan
 * they lost to: of one performance, or involving one device (as the loser or as the winner).
 */
export function duplicateScans(db: Executor, of: { performanceId: number } | { deviceId: string }) {
  const winnerEvent = alias(scanEvents, 'winner_event');
  const winnerDevice = alias(devices, 'winner_device');
  const involved =
    'performanceId' in of
      ? eq(scanEvents.performanceId, of.performanceId)
      : or(eq(scanEvents.deviceId, of.deviceId), eq(winnerEvent.deviceId, of.deviceId));
  return db
    .select({
      event: scanEvents,
      device: devices.name,
      guestName: reservations.name,
      winnerAt: winnerEvent.correctedAt,
      winnerDevice: winnerDevice.name,
      winnerEventId: winnerEvent.id,
    })
    .from(scanEvents)
    .innerJoin(devices, eq(devices.id, scanEvents.deviceId))
    .leftJoin(reservations, eq(reservations.id, scanEvents.reservationId))
    .leftJoin(winnerEvent, eq(winnerEvent.id, scanEvents.winningEventId))
    .leftJoin(winnerDevice, eq(winnerDevice.id, winnerEvent.deviceId))
    .where(and(eq(scanEvents.result, 'duplicate'), involved))
    .orderBy(asc(scanEvents.correctedAt))
    .limit(500);
}
