import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { auditLog, mailOutbox, performances, reservations, reservationTokens, waitlistEntries } from '../db/schema.js';

/*
 * The writes of the retention job (retention-service.ts): guests' personal data erased some time
 * after their performance, every count and status kept.
 */

const ANONYMIZED_NAME = 'Anonymized guest';
const performancesBefore = (db: Executor, cutoff: Date) => db.select({ id: performances.id }).from(performances).where(lt(performances.startsAt, cutoff));

/** Reservations of performances before `cutoff` lose name, email, phone and notes; their ids. */
export async function anonymizeReservationsBefore(db: Executor, cutoff: Date, at: Date): Promise<number[]> {
  const rows = await db
    .update(reservations)
    .set({
      name: ANONYMIZED_NAME,
      email: sql`'anonymized-' || ${reservations.id} || '@invalid'`,
      phone: null,
      notes: null,
      // Found by its code alone from now on (the code names nobody).
      searchText: sql`coalesce(lower(replace(${reservations.code}, '-', '')), '')`,
      anonymizedAt: at,
    })
    .where(and(isNull(reservations.anonymizedAt), inArray(reservations.performanceId, performancesBefore(db, cutoff))))
    .returning({ id: reservations.id });
  return rows.map((r) => r.id);
}

/** Copies of the name and address in the mail outbox and the sealed door blobs of these reservations. */
export async function eraseCopiesOfGuests(db: Executor, reservationIds: number[]): Promise<void> {
  if (reservationIds.length === 0) return;
  await db
    .update(mailOutbox)
    .set({ recipient: sql`'anonymized-' || ${mailOutbox.reservationId} || '@invalid'`, payload: {} })
    .where(inArray(mailOutbox.reservationId, reservationIds));
  await db.update(reservationTokens).set({ sealedGuest: null }).where(inArray(reservationTokens.reservationId, reservationIds));
}

/** The waiting lists of performances before `cutoff` hold names and addresses too. */
export async function anonymizeWaitlistsBefore(db: Executor, cutoff: Date, at: Date): Promise<void> {
  await db
    .update(waitlistEntries)
    .set({ name: ANONYMIZED_NAME, email: sql`'anonymized-waitlist-' || ${waitlistEntries.id} || '@invalid'`, anonymizedAt: at })
    .where(and(isNull(waitlistEntries.anonymizedAt), inArray(waitlistEntries.performanceId, performancesBefore(db, cutoff))));
}

/** Emails of no reservation (opt-in, offers) written before `cutoff` lose their address, by age. */
export async function eraseOldUnlinkedMail(db: Executor, cutoff: Date): Promise<void> {
  await db
    .update(mailOutbox)
    .set({ recipient: sql`'anonymized-mail-' || ${mailOutbox.id} || '@invalid'`, payload: {} })
    .where(and(isNull(mailOutbox.reservationId), lt(mailOutbox.createdAt, cutoff), sql`${mailOutbox.recipient} not like 'anonymized-%'`));
}

/** Audit entries of these reservations with one of these actions: those that may quote the guest. */
export function auditEntriesOf(db: Executor, reservationIds: number[], actions: string[]) {
  return db
    .select({ id: auditLog.id, details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.entityType, 'reservation'), inArray(auditLog.entityId, reservationIds), inArray(auditLog.action, actions)));
}

export async function rewriteAuditEntry(db: Executor, id: number, values: { summary: string; details: Record<string, unknown> | null }): Promise<void> {
  await db.update(auditLog).set(values).where(eq(auditLog.id, id));
}
