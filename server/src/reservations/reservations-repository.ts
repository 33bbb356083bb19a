import { and, asc, count, desc, eq, ilike, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { ReservationSort } from '../../../shared/src/reservation-change-contracts.js';
import { searchFragments } from '../../../shared/src/search-key.js';
import type { Executor } from '../db/client.js';
import { auditLog, checkIns, mailOutbox, performances, reservations, shows, users, venues, type ReservationSource, type ReservationStatus } from '../db/schema.js';

export interface ReservationFilter {
  performanceId?: number | undefined;
  q?: string | undefined;
  status?: ReservationStatus | undefined;
  source?: ReservationSource | undefined;
  checkedIn?: boolean | undefined;
}

/** `%` and `_` typed by staff are literal characters, not wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * A query matches the stored search text (shared/src/search-key.ts): folded name and email, the
 * phone's digits, the code without its dash. Any of the query's fragments may match; a query
 * with nothing left to match after folding (only accents) matches nothing.
 */
function matchesQuery(q: string): SQL {
  const fragments = searchFragments(q);
  if (fragments.length === 0) return sql`false`;
  return or(...fragments.map((fragment) => ilike(reservations.searchText, likePattern(fragment))))!;
}

/** Accents as the search folds them, for sorting by name (what PGlite and PostgreSQL both have: no unaccent). */
const ACCENTED = 'ÀÁÂÃÄÅàáâãäåÈÉÊËèéêëÌÍÎÏìíîïÒÓÔÕÖòóôõöÙÚÛÜùúûüÇçÑñÝýÿ';
const PLAIN = 'AAAAAAaaaaaaEEEEeeeeIIIIiiiiOOOOOoooooUUUUuuuuCcNnYyy';
const nameKey = sql`lower(translate(${reservations.name}, ${ACCENTED}, ${PLAIN}))`;

const ORDER: Record<ReservationSort, SQL[]> = {
  newest: [desc(reservations.createdAt), desc(reservations.id)],
  name: [asc(nameKey), asc(reservations.id)],
  party_size: [desc(reservations.partySize), asc(nameKey), asc(reservations.id)],
};

function where(filter: ReservationFilter): SQL | undefined {
  return and(
    filter.performanceId !== undefined ? eq(reservations.performanceId, filter.performanceId) : undefined,
    filter.q ? matchesQuery(filter.q) : undefined,
    filter.status ? eq(reservations.status, filter.status) : undefined,
    filter.source ? eq(reservations.source, filter.source) : undefined,
    filter.checkedIn === true ? isNotNull(checkIns.id) : filter.checkedIn === false ? isNull(checkIns.id) : undefined,
  );
}

export async function searchReservations(db: Executor, filter: ReservationFilter, page: { limit: number; offset: number }, sort: ReservationSort = 'newest') {
  const condition = where(filter);
  const [items, totals] = await Promise.all([
    db
      .select({ reservation: reservations, checkedInAt: checkIns.checkedInAt })
      .from(reservations)
      .leftJoin(checkIns, eq(checkIns.reservationId, reservations.id))
      .where(condition)
      .orderBy(...ORDER[sort])
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(reservations).leftJoin(checkIns, eq(checkIns.reservationId, reservations.id)).where(condition),
  ]);
  return { items, total: totals[0]?.n ?? 0 };
}

export async function findReservationDetail(db: Executor, id: number) {
  const rows = await db
    .select({
      reservation: reservations,
      performance: { id: performances.id, showId: performances.showId, startsAt: performances.startsAt, showTitle: shows.title, venueName: venues.name },
      createdBy: users.email,
    })
    .from(reservations)
    .innerJoin(performances, eq(performances.id, reservations.performanceId))
    .innerJoin(shows, eq(shows.id, performances.showId))
    .innerJoin(venues, eq(venues.id, performances.venueId))
    .leftJoin(users, eq(users.id, reservations.createdByUserId))
    .where(eq(reservations.id, id))
    .limit(1);
  return rows[0];
}

export async function findCheckInDetail(db: Executor, reservationId: number) {
  const rows = await db
    .select({ checkedInAt: checkIns.checkedInAt, method: checkIns.method, staff: users.email, staffName: users.displayName })
    .from(checkIns)
    .leftJoin(users, eq(users.id, checkIns.staffUserId))
    .where(eq(checkIns.reservationId, reservationId))
    .limit(1);
  return rows[0];
}

export function mailsOfReservation(db: Executor, reservationId: number) {
  return db
    .select({
      id: mailOutbox.id,
      kind: mailOutbox.kind,
      status: mailOutbox.status,
      attempts: mailOutbox.attempts,
      createdAt: mailOutbox.createdAt,
      sentAt: mailOutbox.sentAt,
      lastError: mailOutbox.lastError,
    })
    .from(mailOutbox)
    .where(eq(mailOutbox.reservationId, reservationId))
    .orderBy(asc(mailOutbox.id));
}

export function historyOfReservation(db: Executor, reservationId: number) {
  return db
    .select({ at: auditLog.at, action: auditLog.action, summary: auditLog.summary, details: auditLog.details, actor: users.email })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(eq(auditLog.entityType, 'reservation'), eq(auditLog.entityId, reservationId)))
    .orderBy(asc(auditLog.at), asc(auditLog.id));
}

/** What an attendee export names its file and sheet after. */
export async function performanceForExport(db: Executor, performanceId: number) {
  const rows = await db
    .select({ id: performances.id, startsAt: performances.startsAt, showSlug: shows.slug, showTitle: shows.title })
    .from(performances)
    .innerJoin(shows, eq(shows.id, performances.showId))
    .where(eq(performances.id, performanceId))
    .limit(1);
  return rows[0];
}

/** Everyone expected at the door, for the attendee exports and the printed list. */
export function attendeesOfPerformance(db: Executor, performanceId: number) {
  return db
    .select({ reservation: reservations, checkedInAt: checkIns.checkedInAt })
    .from(reservations)
    .leftJoin(checkIns, eq(checkIns.reservationId, reservations.id))
    .where(and(eq(reservations.performanceId, performanceId), eq(reservations.status, 'confirmed')))
    .orderBy(asc(reservations.name), asc(reservations.id));
}

