import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { performances, shows, venues } from '../db/schema.js';

export type ShowRow = typeof shows.$inferSelect;
export type VenueRow = typeof venues.$inferSelect;
export type PerformanceRow = typeof performances.$inferSelect;

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
 * Seat figures of one performance row, as correlated subqueries: each reads only that
 * performance's reservations through the (performance_id, status) index, so a page of the
 * programme costs the same with ten reservations in the database or a hundred thousand.
 * Pending reservations count only while their confirmation link can still be used (the
 * expiry job deletes them soon after, but until it runs they must not look like demand).
 */
const seatFigures = (performanceId: typeof performances.id) => ({
  confirmedSeats: sql<number>`(select coalesce(sum(r.party_size), 0)::int from reservations r
    where r.performance_id = ${performanceId} and r.status = 'confirmed')`,
  pendingSeats: sql<number>`(select coalesce(sum(r.party_size), 0)::int from reservations r
    where r.performance_id = ${performanceId} and r.status = 'pending' and exists (
      select 1 from reservation_tokens t where t.reservation_id = r.id and t.purpose = 'confirmation'
        and t.revoked_at is null and t.used_at is null and t.expires_at > now()))`,
  checkedInSeats: sql<number>`(select coalesce(sum(r.party_size), 0)::int from reservations r
    join check_ins c on c.reservation_id = r.id
    where r.performance_id = ${performanceId} and r.status <> 'cancelled')`,
  heldSeats: sql<number>`(select coalesce(sum(w.party_size), 0)::int from waitlist_entries w
    where w.performance_id = ${performanceId} and w.status = 'offered')`,
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
