import { and, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { eraseGuestDataInAudit } from './audit-retention.js';
import { mailOutbox, performances, reservations, reservationTokens, waitlistEntries } from '../db/schema.js';

/**
 * Personal data retention (a residual risk the seeds left open): some time after a
 * performance, its guests' names, emails, phones and notes are erased. Reservations, party
 * sizes, statuses and check-ins stay, so attendance statistics survive. Idempotent: several
 * instances may run it at once.
 */
export class RetentionService {
  constructor(
    private readonly db: Db,
    private readonly retentionDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async anonymizeExpired(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - this.retentionDays * 86_400_000);
    return this.db.transaction(async (tx) => {
      const old = tx.select({ id: performances.id }).from(performances).where(lt(performances.startsAt, cutoff));
      const rows = await tx
        .update(reservations)
        .set({
          name: 'Anonymized guest',
          email: sql`'anonymized-' || ${reservations.id} || '@invalid'`,
          phone: null,
          notes: null,
          // Found by its code alone from now on (the code names nobody).
          searchText: sql`coalesce(lower(replace(${reservations.code}, '-', '')), '')`,
          anonymizedAt: this.now(),
        })
        .where(and(isNull(reservations.anonymizedAt), inArray(reservations.performanceId, old)))
        .returning({ id: reservations.id });
      const ids = rows.map((r) => r.id);
      if (ids.length > 0) {
        // Copies of the name and address in the mail outbox and the sealed door blobs go too.
        await tx
          .update(mailOutbox)
          .set({ recipient: sql`'anonymized-' || ${mailOutbox.reservationId} || '@invalid'`, payload: {} })
          .where(inArray(mailOutbox.reservationId, ids));
        await tx.update(reservationTokens).set({ sealedGuest: null }).where(inArray(reservationTokens.reservationId, ids));
        // A change's audit row quotes the values before and after (names, emails, phones), an undo its reason.
        await eraseGuestDataInAudit(tx, ids);
      }
      // The waiting list of those performances holds names and addresses too.
      await tx
        .update(waitlistEntries)
        .set({ name: 'Anonymized guest', email: sql`'anonymized-waitlist-' || ${waitlistEntries.id} || '@invalid'`, anonymizedAt: this.now() })
        .where(and(isNull(waitlistEntries.anonymizedAt), inArray(waitlistEntries.performanceId, old)));
      // Their emails (opt-in, offers) belong to no reservation: old ones lose their address by age.
      await tx
        .update(mailOutbox)
        .set({ recipient: sql`'anonymized-mail-' || ${mailOutbox.id} || '@invalid'`, payload: {} })
        .where(and(isNull(mailOutbox.reservationId), lt(mailOutbox.createdAt, cutoff), sql`${mailOutbox.recipient} not like 'anonymized-%'`));
      return ids.length;
    });
  }
}
