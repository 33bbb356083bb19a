import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { checkIns, performances, reservations } from '../db/schema.js';

export const upcomingFrom = (since: Date) => gt(performances.startsAt, since);

/** Confirmed seats per day of confirmation, in the theatre's time zone. */
export function confirmationsPerDay(db: Executor, performanceId: number, timeZone: string) {
  const day = sql<string>`to_char(${reservations.confirmedAt} at time zone ${timeZone}, 'YYYY-MM-DD')`;
  return db
    .select({ date: day, seats: sql<number>`sum(${reservations.partySize})::int` })
    .from(reservations)
    .where(and(eq(reservations.performanceId, performanceId), eq(reservations.status, 'confirmed')))
    // By position: the time zone is a bind parameter, and `$1` in the select list does not match
    // `$4` in GROUP BY for PostgreSQL, which then refuses the query.
    .groupBy(sql`1`)
    .orderBy(sql`1`);
}

/** Seats admitted per 10-minute slot of the evening. */
export function arrivalsPerSlot(db: Executor, performanceId: number) {
  const slot = sql<Date>`to_timestamp(floor(extract(epoch from ${checkIns.checkedInAt}) / 600) * 600)`;
  return db
    .select({ at: slot, seats: sql<number>`sum(${reservations.partySize})::int` })
    .from(checkIns)
    .innerJoin(reservations, eq(reservations.id, checkIns.reservationId))
    .where(eq(reservations.performanceId, performanceId))
    .groupBy(slot)
    .orderBy(asc(slot));
}
