import type { Db } from '../db/client.js';
import { eraseGuestDataInAudit } from './audit-retention.js';
import { anonymizeReservationsBefore, anonymizeWaitlistsBefore, eraseCopiesOfGuests, eraseOldUnlinkedMail } from './retention-repository.js';

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
    const now = this.now();
    const cutoff = new Date(now.getTime() - this.retentionDays * 86_400_000);
    return this.db.transaction(async (tx) => {
      const ids = await anonymizeReservationsBefore(tx, cutoff, now);
      if (ids.length > 0) {
        await eraseCopiesOfGuests(tx, ids);
        // A change's audit row quotes the values before and after (names, emails, phones), an undo its reason.
        await eraseGuestDataInAudit(tx, ids);
      }
      await anonymizeWaitlistsBefore(tx, cutoff, now);
      await eraseOldUnlinkedMail(tx, cutoff);
      return ids.length;
    });
  }
}
