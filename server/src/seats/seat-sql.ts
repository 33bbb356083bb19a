import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/*
 * The seat rule's SQL, in one place (shared/src/availability.ts does the arithmetic on what
 * these count). Each figure is a correlated subquery on one performance: it reads only that
 * performance's rows through the (performance_id, status) indexes, so a page of the programme
 * costs the same with ten reservations in the database or a hundred thousand. The tables are
 * aliased, so a figure may sit in a query that reads `reservations` itself.
 *
 * `performanceId` is the outer query's column (`performances.id`) or a plain id.
 */
type PerformanceRef = AnyColumn | number;

/** Seats of confirmed reservations: the seats sold. */
export const confirmedSeatsOf = (performanceId: PerformanceRef) =>
  sql<number>`(select coalesce(sum(r.party_size), 0)::int from reservations r
    where r.performance_id = ${performanceId} and r.status = 'confirmed')`;

/**
 * Seats held by open waiting-list offers. An offer taken becomes `accepted` (its seats are then
 * a confirmed reservation's) and one that lapsed becomes `expired`, so `offered` is exactly
 * "held now" once the expiry job has run; until it runs the seats stay held, which errs safe.
 */
export const heldSeatsOf = (performanceId: PerformanceRef) =>
  sql<number>`(select coalesce(sum(w.party_size), 0)::int from waitlist_entries w
    where w.performance_id = ${performanceId} and w.status = 'offered')`;

/**
 * A pending reservation is live while one of its confirmation links can still be used: not
 * revoked, not used, not expired at `at` (the database's clock unless the caller has its own).
 * The expiry job deletes the others soon after; until it runs they must not look like demand.
 */
export const confirmationLinkLive = (reservationId: AnyColumn | SQL, at: Date | SQL = sql`now()`) =>
  sql`exists (select 1 from reservation_tokens t where t.reservation_id = ${reservationId}
    and t.purpose = 'confirmation' and t.revoked_at is null and t.used_at is null
    and t.expires_at > ${at instanceof Date ? sql`${at.toISOString()}::timestamptz` : at})`;

/** Seats of live pending reservations (see `confirmationLinkLive`): demand, not yet sold. */
export const livePendingSeatsOf = (performanceId: PerformanceRef, at?: Date | SQL) =>
  sql<number>`(select coalesce(sum(r.party_size), 0)::int from reservations r
    where r.performance_id = ${performanceId} and r.status = 'pending' and ${confirmationLinkLive(sql`r.id`, at)})`;
