import { and, asc, count, eq, ilike, isNotNull, isNull, or, type SQL } from 'drizzle-orm';
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

function where(filter: ReservationFilter): SQL | undefined {
  return and(
    filter.performanceId !== undefined ? eq(reservations.performanceId, filter.performanceId) : undefined,
    filter.q ? or(ilike(reservations.name, likePattern(filter.q)), ilike(reservations.email, likePattern(filter.q))) : undefined,
    filter.status ? eq(reservations.status, filter.status) : undefined,
    filter.source ? eq(reservations.source, filter.source) : undefined,
    filter.checkedIn === true ? isNotNull(checkIns.id) : filter.checkedIn === false ? isNull(checkIns.id) : undefined,
  );
}

export async function searchReservations(db: Executor, filter: ReservationFilter, page: { limit: number; offset: number }) {
  const condition = where(filter);
  const [items, totals] = await Promise.all([
    db
      .select({ reservation: reservations, checkedInAt: checkIns.checkedInAt })
      .from(reservations)
      .leftJoin(checkIns, eq(checkIns.reservationId, reservations.id))
      .where(condition)
      .orderBy(asc(reservations.name), asc(reservations.id))
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
      performance: { id: performances.id, startsAt: performances.startsAt, showTitle: shows.title, venueName: venues.name },
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
    .select({ at: auditLog.at, action: auditLog.action, summary: auditLog.summary, actor: users.email })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(eq(auditLog.entityType, 'reservation'), eq(auditLog.entityId, reservationId)))
    .orderBy(asc(auditLog.at), asc(auditLog.id));
}

/** Everyone expected at the door, for the CSV export and the printed list. */
export function attendeesOfPerformance(db: Executor, performanceId: number) {
  return db
    .select({ reservation: reservations, checkedInAt: checkIns.checkedInAt })
    .from(reservations)
    .leftJoin(checkIns, eq(checkIns.reservationId, reservations.id))
    .where(and(eq(reservations.performanceId, performanceId), eq(reservations.status, 'confirmed')))
    .orderBy(asc(reservations.name), asc(reservations.id));
}

