import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { performances, shows, venues } from '../db/schema.js';
import { confirmedSeatsOf, heldSeatsOf, livePendingSeatsOf } from '../seats/seat-sql.js';

export type ShowRow = typeof shows.$inferSelect;

export interface PerformanceWithSeats {
  id: number;
  showId: number;
  venueId: number;
  venueName: string;
  startsAt: Date;
  bookingOpen: boolean;
  /** Set when staff cancelled the whole performance (it stays listed, as cancelled). */
  cancelledAt: Date | null;
  capacity: number;
  additionalSeats: number;
  manuallyOccupiedSeats: number;
  confirmedSeats: number;
  pendingSeats: number;
  heldSeats: number;
  waitingEntries: number;
  checkedInSeats: number;
  showTitle: string;
}

/*
 * Seat figures of one performance row, as correlated subqueries (server/src/seats/seat-sql.ts
 * holds the seat rule's; the two here are only shown to staff).
 */
const seatFigures = (performanceId: typeof performances.id) => ({
  confirmedSeats: confirmedSeatsOf(performanceId),
  pendingSeats: livePendingSeatsOf(performanceId),
  checkedInSeats: sql<number>`(select coalesce(sum(r.party_size), 0)::int from reservations r
    join check_ins c on c.reservation_id = r.id
    where r.performance_id = ${performanceId} and r.status <> 'cancelled')`,
  heldSeats: heldSeatsOf(performanceId),
  waitingEntries: sql<number>`(select count(*)::int from waitlist_entries w
    where w.performance_id = ${performanceId} and w.status = 'waiting')`,
});

export async function listPerformancesWithSeats(
  db: Executor,
  where: SQL | undefined,
  limit = 10_000,
): Promise<PerformanceWithSeats[]> {
  return db
    .select({
      id: performances.id,
      showId: performances.showId,
      venueId: performances.venueId,
      venueName: venues.name,
      startsAt: performances.startsAt,
      bookingOpen: performances.bookingOpen,
      cancelledAt: performances.cancelledAt,
      capacity: venues.capacity,
      additionalSeats: performances.additionalSeats,
      manuallyOccupiedSeats: performances.manuallyOccupiedSeats,
      ...seatFigures(performances.id),
      showTitle: shows.title,
    })
    .from(performances)
    .innerJoin(venues, eq(venues.id, performances.venueId))
    .innerJoin(shows, eq(shows.id, performances.showId))
    .where(where)
    .orderBy(asc(performances.startsAt), asc(performances.id))
    .limit(limit);
}

export function publishedShows(db: Executor): Promise<ShowRow[]> {
  return db.select().from(shows).where(eq(shows.published, true)).orderBy(asc(shows.title));
}

export async function findShow(db: Executor, where: SQL): Promise<ShowRow | undefined> {
  const rows = await db.select().from(shows).where(where).limit(1);
  return rows[0];
}

export const upcomingOf = (showIds: number[], now: Date) =>
  and(inArray(performances.showId, showIds), gt(performances.startsAt, now));

export const publishedPerformance = (performanceId: number) =>
  and(eq(performances.id, performanceId), eq(shows.published, true));

export const showIdIs = (id: number) => eq(shows.id, id);
export const showSlugIs = (slug: string) => eq(shows.slug, slug);
