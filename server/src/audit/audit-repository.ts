import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { auditLog, users } from '../db/schema.js';

export interface AuditEntry {
  actorUserId: number | null;
  action: string;
  entityType: string;
  entityId: number | null;
  summary?: string;
  /** The service's clock, when a rule reads the time back (the undo of a check-in); else the database's. */
  at?: Date;
}

export async function insertAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({ ...entry, summary: entry.summary ?? '' });
}

export interface AuditFilter {
  action?: string | undefined;
  entityType?: string | undefined;
  entityId?: number | undefined;
  actorUserId?: number | undefined;
}

function where(filter: AuditFilter): SQL | undefined {
  return and(
    filter.action ? eq(auditLog.action, filter.action) : undefined,
    filter.entityType ? eq(auditLog.entityType, filter.entityType) : undefined,
    filter.entityId !== undefined ? eq(auditLog.entityId, filter.entityId) : undefined,
    filter.actorUserId !== undefined ? eq(auditLog.actorUserId, filter.actorUserId) : undefined,
  );
}

export async function listAudit(db: Executor, filter: AuditFilter, page: { limit: number; offset: number }) {
  const condition = where(filter);
  const [items, totals] = await Promise.all([
    db
      .select({ entry: auditLog, actorEmail: users.email })
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
