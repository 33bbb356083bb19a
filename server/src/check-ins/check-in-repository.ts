import { eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { checkIns, devices, performances, shows, users, venues } from '../db/schema.js';

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
  values: { reservationId: number; staffUserId: number; checkedInAt: Date; method: string; deviceId?: string; eventId?: string },
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
