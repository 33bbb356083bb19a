import { and, count, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { AuditDetails } from '../../../shared/src/audit-details.js';
import type { Executor } from '../db/client.js';
import { auditLog, devices, performances, reservations, shows, users, venues } from '../db/schema.js';

export interface AuditEntry {
  actorUserId: number | null;
  action: string;
  entityType: string;
  entityId: number | null;
  /** Plain English for the record: what a reader sees if the details cannot be worded. */
  summary?: string;
  /** The facts of the entry (shared/src/audit-details.ts); the subjects' names are added here. */
  details?: AuditDetails;
  /** The service's clock, when a rule reads the time back (the undo of a check-in); else the database's. */
  at?: Date;
}

/**
 * Writes an audit row, in the caller's transaction. The names of who and what it is about (the
 * actor's display name, the reservation's code, the performance's show and time, a device's
 * name) are looked up here, once for every caller, and copied into the details: the trail must
 * read the same after a show is renamed or an account deleted. A caller's own values win (a
 * deleted row can no longer be looked up: its caller passes the names).
 */
export async function insertAudit(db: Executor, entry: AuditEntry): Promise<void> {
  const subjects = await auditSubjects(db, entry);
  const details: AuditDetails = { ...subjects, ...entry.details };
  await db.insert(auditLog).values({
    actorUserId: entry.actorUserId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    summary: entry.summary ?? '',
    details,
    ...(entry.at && { at: entry.at }),
  });
}

export async function auditSubjects(db: Executor, entry: AuditEntry): Promise<AuditDetails> {
  const subjects: AuditDetails = {};
  if (entry.actorUserId !== null && !entry.details?.actor) {
    const [actor] = await db.select({ name: users.displayName, email: users.email }).from(users).where(eq(users.id, entry.actorUserId));
    if (actor) subjects.actor = { name: actor.name || actor.email };
  }
  if (entry.entityId === null) {
    const deviceId = entry.details?.device?.id;
    if (entry.entityType === 'device' && deviceId && !entry.details?.device?.name) {
      const [device] = await db.select({ name: devices.name }).from(devices).where(eq(devices.id, deviceId));
      if (device) subjects.device = { id: deviceId, name: device.name };
    }
    return subjects;
  }
  const id = entry.entityId;
  switch (entry.entityType) {
    case 'reservation': {
      if (entry.details?.reservation && entry.details.performance) break;
      const [row] = await db
        .select({
          code: reservations.code,
          seats: reservations.partySize,
          performanceId: performances.id,
          startsAt: performances.startsAt,
          showId: shows.id,
          showTitle: shows.title,
        })
        .from(reservations)
        .innerJoin(performances, eq(performances.id, reservations.performanceId))
        .innerJoin(shows, eq(shows.id, performances.showId))
        .where(eq(reservations.id, id));
      if (row) {
        subjects.reservation = { id, code: row.code, seats: row.seats };
        subjects.performance = { id: row.performanceId, starts_at: row.startsAt.toISOString(), show_id: row.showId, show_title: row.showTitle };
      }
      break;
    }
    case 'performance': {
      if (entry.details?.performance) break;
      const [row] = await db
        .select({ startsAt: performances.startsAt, showId: shows.id, showTitle: shows.title, venue: venues.name })
        .from(performances)
        .innerJoin(shows, eq(shows.id, performances.showId))
        .innerJoin(venues, eq(venues.id, performances.venueId))
        .where(eq(performances.id, id));
      if (row) subjects.performance = { id, starts_at: row.startsAt.toISOString(), show_id: row.showId, show_title: row.showTitle, venue: row.venue };
      break;
    }
    case 'show': {
      if (entry.details?.show) break;
      const [row] = await db.select({ title: shows.title }).from(shows).where(eq(shows.id, id));
      if (row) subjects.show = { id, title: row.title };
      break;
    }
    case 'venue': {
      if (entry.details?.venue) break;
      const [row] = await db.select({ name: venues.name }).from(venues).where(eq(venues.id, id));
      if (row) subjects.venue = { id, name: row.name };
      break;
    }
    case 'user': {
      if (entry.details?.user) break;
      const [row] = await db.select({ name: users.displayName, email: users.email, role: users.role }).from(users).where(eq(users.id, id));
      if (row) subjects.user = { id, name: row.name || row.email, email: row.email, role: row.role };
      break;
    }
  }
  return subjects;
}

export interface AuditFilter {
  action?: string | undefined;
  entityType?: string | undefined;
  entityId?: number | undefined;
  actorUserId?: number | undefined;
  /** From this instant (inclusive) … */
  from?: Date | undefined;
  /** … to this one (exclusive). */
  to?: Date | undefined;
}

function where(filter: AuditFilter): SQL | undefined {
  return and(
    filter.action ? eq(auditLog.action, filter.action) : undefined,
    filter.entityType ? eq(auditLog.entityType, filter.entityType) : undefined,
    filter.entityId !== undefined ? eq(auditLog.entityId, filter.entityId) : undefined,
    filter.actorUserId !== undefined ? eq(auditLog.actorUserId, filter.actorUserId) : undefined,
    filter.from ? gte(auditLog.at, filter.from) : undefined,
    filter.to ? lt(auditLog.at, filter.to) : undefined,
  );
}

export async function listAudit(db: Executor, filter: AuditFilter, page: { limit: number; offset: number }) {
  const condition = where(filter);
  const [items, totals] = await Promise.all([
    db
      .select({ entry: auditLog, actorEmail: users.email, actorName: users.displayName })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorUserId))
      .where(condition)
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(auditLog).where(condition),
  ]);
  return { items, total: totals[0]?.n ?? 0 };
}

export type AuditListRow = Awaited<ReturnType<typeof listAudit>>['items'][number];
