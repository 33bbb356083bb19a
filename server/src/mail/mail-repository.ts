import { and, asc, eq, inArray, isNull, lte, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { mailOutbox, type MailKind } from '../db/schema.js';

export type OutboxRow = typeof mailOutbox.$inferSelect;

export async function enqueueMail(
  db: Executor,
  values: { kind: MailKind; recipient: string; reservationId: number | null; payload: Record<string, unknown> },
): Promise<number> {
  const rows = await db.insert(mailOutbox).values(values).returning({ id: mailOutbox.id });
  return rows[0]!.id;
}

/**
 * Claims due messages for this worker. SKIP LOCKED lets several server processes poll the
 * same table without taking the same row; the lease (`locked_until`) hands a row back if a
 * process dies mid-delivery.
 */
export async function claimDueMail(db: Executor, now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
  const due = db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(
      and(
        eq(mailOutbox.status, 'pending'),
        lte(mailOutbox.nextAttemptAt, now),
        or(isNull(mailOutbox.lockedUntil), lt(mailOutbox.lockedUntil, now)),
      ),
    )
    .orderBy(asc(mailOutbox.id))
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(mailOutbox)
    .set({ lockedUntil: new Date(now.getTime() + leaseMs), attempts: sql`${mailOutbox.attempts} + 1` })
    .where(inArray(mailOutbox.id, due))
    .returning();
}

/** Delivered: the payload (which holds raw tokens) is erased; subject and message id stay for history. */
export async function markSent(db: Executor, id: number, sentAt: Date, subject: string, messageId: string | null) {
  await db
    .update(mailOutbox)
    .set({ status: 'sent', sentAt, subject, messageId, payload: {}, lockedUntil: null, lastError: null })
    .where(eq(mailOutbox.id, id));
}

export async function markFailedAttempt(
  db: Executor,
  id: number,
  values: { nextAttemptAt: Date; lastError: string; giveUp: boolean },
) {
  await db
    .update(mailOutbox)
    .set({
      status: values.giveUp ? 'failed' : 'pending',
      // A message given up on keeps no raw token; staff resend it, which issues a new one.
      ...(values.giveUp && { payload: {} }),
      nextAttemptAt: values.nextAttemptAt,
      lastError: values.lastError,
      lockedUntil: null,
    })
    .where(eq(mailOutbox.id, id));
}

