import { and, asc, eq, inArray, isNull, lte, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { mailOutbox, type MailKind } from '../db/schema.js';

export type OutboxRow = typeof mailOutbox.$inferSelect;

/**
 * Queues an email in the caller's transaction; `notBefore` schedules it (reminders). A guest
 * without an address (a box-office ticket for a caller with a phone only) gets none: `null`.
 */
export async function enqueueMail(
  db: Executor,
  values: { kind: MailKind; recipient: string | null; reservationId: number | null; payload: Record<string, unknown>; notBefore?: Date },
): Promise<number | null> {
  const { notBefore, recipient, ...row } = values;
  if (!recipient) return null;
  const rows = await db
    .insert(mailOutbox)
    .values({ ...row, recipient, ...(notBefore && { nextAttemptAt: notBefore }) })
    .returning({ id: mailOutbox.id });
  return rows[0]!.id;
}

/** Drops a reservation's emails of one kind still waiting in the queue (a reminder for a cancelled ticket). */
export async function dropQueuedMail(db: Executor, reservationId: number, kind: MailKind): Promise<void> {
  await db
    .delete(mailOutbox)
    .where(and(eq(mailOutbox.reservationId, reservationId), eq(mailOutbox.kind, kind), eq(mailOutbox.status, 'pending')));
}

/**
 * A guest's address was corrected: their emails still waiting go to the new one; with the
 * address removed they are dropped (a performance message's row keeps its own recipient: it
 * was written to everyone on a list at that moment).
 */
export async function readdressQueuedMail(db: Executor, reservationId: number, recipient: string | null): Promise<void> {
  const queued = and(eq(mailOutbox.reservationId, reservationId), eq(mailOutbox.status, 'pending'), isNull(mailOutbox.performanceMessageId));
  if (recipient) await db.update(mailOutbox).set({ recipient }).where(queued);
  else await db.update(mailOutbox).set({ status: 'dropped', payload: {}, lastError: 'the guest has no email address any more' }).where(queued);
}

/**
 * A performance moved: its queued reminders follow it (new due time, new time in the text).
 * `leadMs` is how long before the start reminders go out.
 */
export async function rescheduleReminders(db: Executor, performanceId: number, startsAt: Date, leadMs: number): Promise<void> {
  await db
    .update(mailOutbox)
    .set({
      nextAttemptAt: new Date(startsAt.getTime() - leadMs),
      payload: sql`jsonb_set(${mailOutbox.payload}, '{startsAt}', to_jsonb(${startsAt.toISOString()}::text))`,
    })
    .where(
      and(
        eq(mailOutbox.kind, 'reservation_reminder'),
        eq(mailOutbox.status, 'pending'),
        sql`${mailOutbox.reservationId} in (select id from reservations where performance_id = ${performanceId})`,
      ),
    );
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

/** Never to be sent: what it was about went away before delivery (the ticket was cancelled). */
export async function markDropped(db: Executor, id: number, reason: string) {
  await db.update(mailOutbox).set({ status: 'dropped', payload: {}, lockedUntil: null, lastError: reason }).where(eq(mailOutbox.id, id));
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

