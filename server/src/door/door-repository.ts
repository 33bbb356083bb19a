import { and, asc, eq, gt, gte, ilike, inArray, isNotNull, isNull, lt, lte, max, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { checkIns, devices, doorChanges, performances, reservations, reservationTokens, scanEvents, shows, users, venues } from '../db/schema.js';

export async function doorPerformances(db: Executor, from: Date, until: Date) {
  return db
    .select({ id: performances.id, startsAt: performances.startsAt, showTitle: shows.title, venueName: venues.name })
    .from(performances)
    .innerJoin(shows, eq(shows.id, performances.showId))
    .innerJoin(venues, eq(venues.id, performances.venueId))
    // Through `lt`, not raw SQL: postgres.js (as Drizzle sets it up) cannot bind a bare Date in sql``.
    .where(and(gt(performances.startsAt, from), lt(performances.startsAt, until)))
    .orderBy(asc(performances.startsAt));
}

export async function performanceForDoor(db: Executor, performanceId: number) {
  const rows = await db
    .select({ id: performances.id, startsAt: performances.startsAt, cancelledAt: performances.cancelledAt, showTitle: shows.title, venueName: venues.name })
    .from(performances)
    .innerJoin(shows, eq(shows.id, performances.showId))
    .innerJoin(venues, eq(venues.id, performances.venueId))
    .where(eq(performances.id, performanceId));
  return rows[0];
}

export async function latestChangeSeq(db: Executor, performanceId: number): Promise<number> {
  const rows = await db.select({ seq: max(doorChanges.seq) }).from(doorChanges).where(eq(doorChanges.performanceId, performanceId));
  return rows[0]?.seq ?? 0;
}

export async function reservationsChangedSince(db: Executor, performanceId: number, since: number): Promise<number[]> {
  const rows = await db
    .selectDistinct({ id: doorChanges.reservationId })
    .from(doorChanges)
    .where(and(eq(doorChanges.performanceId, performanceId), gt(doorChanges.seq, since)));
  return rows.map((r) => r.id);
}

/**
 * Confirmed reservations with their live ticket hash and check-in, one row each: the body of
 * a manifest. With `ids`, only those reservations (a delta).
 */
export async function ticketsOfPerformance(db: Executor, performanceId: number, ids?: number[]) {
  return db
    .select({
      reservationId: reservations.id,
      partySize: reservations.partySize,
      code: reservations.code,
      tokenHash: reservationTokens.tokenHash,
      sealedGuest: reservationTokens.sealedGuest,
      checkedInAt: checkIns.checkedInAt,
      staffName: users.displayName,
      staffEmail: users.email,
      deviceName: devices.name,
    })
    .from(reservations)
    .innerJoin(
      reservationTokens,
      and(
        eq(reservationTokens.reservationId, reservations.id),
        eq(reservationTokens.purpose, 'check_in'),
        isNull(reservationTokens.revokedAt),
      ),
    )
    .leftJoin(checkIns, eq(checkIns.reservationId, reservations.id))
    .leftJoin(users, eq(users.id, checkIns.staffUserId))
    .leftJoin(devices, eq(devices.id, checkIns.deviceId))
    .where(
      and(
        eq(reservations.performanceId, performanceId),
        eq(reservations.status, 'confirmed'),
        ids ? inArray(reservations.id, ids.length > 0 ? ids : [-1]) : undefined,
      ),
    )
    .orderBy(asc(reservations.id));
}

/**
 * Check-in tokens of this performance that no longer work, one row each: those of cancelled
 * reservations and those replaced by a newer ticket. A token revoked before its reservation
 * was cancelled had been replaced first, and says so. With `ids`, only those reservations.
 */
export function refusedTicketsOfPerformance(db: Executor, performanceId: number, ids?: number[]) {
  return db
    .select({
      reservationId: reservations.id,
      tokenHash: reservationTokens.tokenHash,
      why: sql<'cancelled' | 'replaced'>`case when ${reservations.status} <> 'cancelled' or ${reservationTokens.revokedAt} < ${reservations.cancelledAt}
        then 'replaced' else 'cancelled' end`,
    })
    .from(reservationTokens)
    .innerJoin(reservations, eq(reservations.id, reservationTokens.reservationId))
    .where(
      and(
        eq(reservations.performanceId, performanceId),
        eq(reservationTokens.purpose, 'check_in'),
        or(isNotNull(reservationTokens.revokedAt), eq(reservations.status, 'cancelled')),
        ids ? inArray(reservations.id, ids.length > 0 ? ids : [-1]) : undefined,
      ),
    )
    .orderBy(asc(reservations.id), asc(reservationTokens.id));
}

/** The other performances of a show starting between `from` and `until`. */
export function otherPerformancesOfShow(db: Executor, performanceId: number, from: Date, until: Date) {
  const self = db.select({ showId: performances.showId }).from(performances).where(eq(performances.id, performanceId));
  return db
    .select({ id: performances.id, startsAt: performances.startsAt })
    .from(performances)
    .where(and(inArray(performances.showId, self), ne(performances.id, performanceId), gte(performances.startsAt, from), lte(performances.startsAt, until)))
    .orderBy(asc(performances.startsAt), asc(performances.id));
}

/** Live check-in token hashes (and codes) of the confirmed reservations of these performances. */
export function liveTicketHashes(db: Executor, performanceIds: number[]) {
  return db
    .select({ performanceId: reservations.performanceId, reservationId: reservations.id, tokenHash: reservationTokens.tokenHash, code: reservations.code })
    .from(reservations)
    .innerJoin(
      reservationTokens,
      and(eq(reservationTokens.reservationId, reservations.id), eq(reservationTokens.purpose, 'check_in'), isNull(reservationTokens.revokedAt)),
    )
    .where(and(inArray(reservations.performanceId, performanceIds.length > 0 ? performanceIds : [-1]), eq(reservations.status, 'confirmed')))
    .orderBy(asc(reservations.performanceId), asc(reservations.id));
}

export async function insertDevice(db: Executor, values: { id: string; name: string; registeredByUserId: number }) {
  return (await db.insert(devices).values(values).returning())[0]!;
}

export async function findDevice(db: Executor, id: string) {
  return (await db.select().from(devices).where(eq(devices.id, id)).limit(1))[0];
}

export function listDevices(db: Executor) {
  return db
    .select({ device: devices, registeredBy: users.email })
    .from(devices)
    .leftJoin(users, eq(users.id, devices.registeredByUserId))
    .orderBy(asc(devices.createdAt));
}

/** Names of the devices not revoked: the names a new phone should not be offered. */
export async function activeDeviceNames(db: Executor): Promise<string[]> {
  return (await db.select({ name: devices.name }).from(devices).where(isNull(devices.revokedAt))).map((d) => d.name);
}

export async function touchDevice(db: Executor, id: string, at: Date) {
  await db.update(devices).set({ lastSeenAt: at }).where(eq(devices.id, id));
}

export async function revokeDevice(db: Executor, id: string, at: Date) {
  return (await db.update(devices).set({ revokedAt: at }).where(eq(devices.id, id)).returning())[0];
}

export const scanEventsById = (db: Executor, ids: string[]) =>
  db.select().from(scanEvents).where(inArray(scanEvents.id, ids.length > 0 ? ids : ['']));

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** Confirmed guests of a performance whose name contains `q`, for admission by name. */
export function guestsByName(db: Executor, performanceId: number, q: string, limit: number) {
  return db
    .select({
      reservationId: reservations.id,
      name: reservations.name,
      code: reservations.code,
      partySize: reservations.partySize,
      checkedInAt: checkIns.checkedInAt,
    })
    .from(reservations)
    .leftJoin(checkIns, eq(checkIns.reservationId, reservations.id))
    .where(and(eq(reservations.performanceId, performanceId), eq(reservations.status, 'confirmed'), ilike(reservations.name, likePattern(q))))
    .orderBy(asc(reservations.name))
    .limit(limit);
}
