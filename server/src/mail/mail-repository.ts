import { and, asc, eq, inArray, isNull, lte, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { mailOutbox, type MailKind } from '../db/schema.js';
import type { MailPayload } from './mail-payloads.js';

export type OutboxRow = typeof mailOutbox.$inferSelect;

/** Where an email goes: its address, the reservation it is about, and when it may leave. */
export interface MailAddress {
  recipient: string | null;
  reservationId: number | null;
  /** Schedules it (reminders). */
  notBefore?: Date;
}

/**
 * Queues an email in the caller's transaction, its payload checked against its kind at compile
 * time (mail-payloads.ts). A guest without an address (a box-office ticket for a caller with a
 * phone only) gets none: `null`.
 */
export async function enqueueMail<K extends MailKind>(db: Executor, kind: K, payload: MailPayload<K>, to: MailAddress): Promise<number | null> {
  const { notBefore, recipient, reservationId } = to;
  if (!recipient) return null;
  const rows = await db
    .insert(mailOutbox)
    .values({ kind, recipient, reservationId, payload: outboxPayload(payload), ...(notBefore && { nextAttemptAt: notBefore }) })
    .returning({ id: mailOutbox.id });
  return rows[0]!.id;
}

/** A typed payload as the outbox's JSON column holds it (every path that writes one goes here). */
export function outboxPayload<K extends MailKind>(payload: MailPayload<K>): Record<string, unknown> {
  return { ...payload };
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

