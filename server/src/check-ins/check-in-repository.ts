import { and, desc, eq, inArray, max, sql } from 'drizzle-orm';
import type { CheckInMethod } from '../../../shared/src/statuses.js';
import type { Executor } from '../db/client.js';
import { auditLog, checkIns, devices, performances, reservations, shows, users, venues } from '../db/schema.js';

/** The audit action of an undone check-in; its time is also what the sync reads back (see sync-service.ts). */
export const CHECK_IN_UNDO_ACTION = 'check_in.undo';

export interface CheckInRecord {
  checkedInAt: Date;
  staffEmail: string | null;
  staffName: string | null;
  deviceName: string | null;
}

export async function findCheckIn(db: Executor, reservationId: number): Promise<CheckInRecord | undefined> {
  const rows = await db
    .select({ checkedInAt: checkIns.checkedInAt, staffEmail: users.email, staffName: users.displayName, deviceName: devices.name })
    .from(checkIns)
    .leftJoin(users, eq(users.id, checkIns.staffUserId))
    .leftJoin(devices, eq(devices.id, checkIns.deviceId))
    .where(eq(checkIns.reservationId, reservationId))
    .limit(1);
  return rows[0];
}

/**
 * Inserts the check-in unless one exists. The unique index on reservation_id decides races
 * between two staff phones: exactly one insert returns a row.
 */
export async function insertCheckInOnce(
  db: Executor,
  values: { reservationId: number; staffUserId: number; checkedInAt: Date; method: CheckInMethod; deviceId?: string; eventId?: string },
): Promise<boolean> {
  const rows = await db
    .insert(checkIns)
    .values(values)
    .onConflictDoNothing({ target: checkIns.reservationId })
    .returning({ id: checkIns.id });
  return rows.length === 1;
}

export async function findPerformanceSummary(db: Executor, performanceId: number) {
  const rows = await db
    .select({
      id: performances.id,
      startsAt: performances.startsAt,
      cancelledAt: performances.cancelledAt,
      showTitle: shows.title,
      venueName: venues.name,
    })
    .from(performances)
    .innerJoin(shows, eq(shows.id, performances.showId))
    .innerJoin(venues, eq(venues.id, performances.venueId))
    .where(eq(performances.id, performanceId))
    .limit(1);
  return rows[0];
}

/** Removes the check-in and returns it as it was, with who made it; undefined when there was none. */
export async function deleteCheckIn(db: Executor, reservationId: number) {
  const [row] = await db.delete(checkIns).where(eq(checkIns.reservationId, reservationId)).returning();
  if (!row) return undefined;
  const [staff] = row.staffUserId ? await db.select({ name: users.displayName, email: users.email }).from(users).where(eq(users.id, row.staffUserId)) : [];
  const [device] = row.deviceId ? await db.select({ name: devices.name }).from(devices).where(eq(devices.id, row.deviceId)) : [];
  return { ...row, staff: staff ? staff.name || staff.email : null, deviceName: device?.name ?? null };
}

/**
 * Reservations with this code (as stored: `ABCD-EFGH`), the performance scanned first. Codes are
 * random and not unique by constraint; two would only ever share one by chance.
 */
export function reservationsByCode(db: Executor, code: string, performanceId: number) {
  return db
    .select()
    .from(reservations)
    .where(eq(reservations.code, code))
    .orderBy(desc(sql`${reservations.performanceId} = ${performanceId}`), desc(reservations.id))
    .limit(2);
}

/** When each reservation's check-in was last undone (reservations never undone are absent). */
export async function lastUndoneAt(db: Executor, reservationIds: number[]): Promise<Map<number, Date>> {
  if (reservationIds.length === 0) return new Map();
  const rows = await db
    .select({ reservationId: auditLog.entityId, at: max(auditLog.at) })
    .from(auditLog)
    .where(and(eq(auditLog.action, CHECK_IN_UNDO_ACTION), eq(auditLog.entityType, 'reservation'), inArray(auditLog.entityId, reservationIds)))
    .groupBy(auditLog.entityId);
  return new Map(rows.flatMap((r) => (r.reservationId !== null && r.at ? [[r.reservationId, r.at] as const] : [])));
}
