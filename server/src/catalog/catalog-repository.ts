import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { checkIns, performances, reservations, shows, venues, waitlistEntries } from '../db/schema.js';

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

/**
 * Confirmed and pending seats of every performance, in one grouped pass over reservations.
 * Pending reservations count only while they may still be confirmed (the expiry job deletes
 * them soon after, but until it runs they must not look like demand).
 */
function seatTotals(db: Executor) {
  return db
    .select({
      performanceId: reservations.performanceId,
      confirmed: sql<number>`coalesce(sum(${reservations.partySize}) filter (where ${reservations.status} = 'confirmed'), 0)::int`.as('confirmed'),
      pending: sql<number>`coalesce(sum(${reservations.partySize}) filter (where ${reservations.status} = 'pending' and exists (
        select 1 from reservation_tokens t where t.reservation_id = ${reservations.id} and t.purpose = 'confirmation'
          and t.revoked_at is null and t.used_at is null and t.expires_at > now())), 0)::int`.as('pending'),
      checkedIn: sql<number>`coalesce(sum(${reservations.partySize}) filter (where ${checkIns.id} is not null and ${reservations.status} <> 'cancelled'), 0)::int`.as('checked_in'),
    })
    .from(reservations)
    .leftJoin(checkIns, eq(checkIns.reservationId, reservations.id))
    .groupBy(reservations.performanceId)
    .as('seat_totals');
}

/** Seats held by open waiting-list offers, and people still waiting in line, per performance. */
function waitlistTotals(db: Executor) {
  return db
    .select({
      performanceId: waitlistEntries.performanceId,
      held: sql<number>`coalesce(sum(${waitlistEntries.partySize}) filter (where ${waitlistEntries.status} = 'offered'), 0)::int`.as('held'),
      waiting: sql<number>`(count(*) filter (where ${waitlistEntries.status} = 'waiting'))::int`.as('waiting'),
    })
    .from(waitlistEntries)
    .where(inArray(waitlistEntries.status, ['offered', 'waiting']))
    .groupBy(waitlistEntries.performanceId)
    .as('waitlist_totals');
}

export async function listPerformancesWithSeats(
  db: Executor,
  where: SQL | undefined,
  limit = 10_000,
): Promise<PerformanceWithSeats[]> {
  const totals = seatTotals(db);
  const waitlist = waitlistTotals(db);
  return db
    .select({
      id: performances.id,
      showId: performances.showId,
      venueId: performances.venueId,
      venueName: venues.name,
      startsAt: performances.startsAt,
      bookingOpen: performances.bookingOpen,
      capacity: venues.capacity,
      additionalSeats: performances.additionalSeats,
      manuallyOccupiedSeats: performances.manuallyOccupiedSeats,
      confirmedSeats: sql<number>`coalesce(${totals.confirmed}, 0)`,
      pendingSeats: sql<number>`coalesce(${totals.pending}, 0)`,
      checkedInSeats: sql<number>`coalesce(${totals.checkedIn}, 0)`,
      heldSeats: sql<number>`coalesce(${waitlist.held}, 0)`,
      waitingEntries: sql<number>`coalesce(${waitlist.waiting}, 0)`,
      showTitle: shows.title,
    })
    .from(performances)
    .innerJoin(venues, eq(venues.id, performances.venueId))
    .innerJoin(shows, eq(shows.id, performances.showId))
    .leftJoin(totals, eq(totals.performanceId, performances.id))
    .leftJoin(waitlist, eq(waitlist.performanceId, performances.id))
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
