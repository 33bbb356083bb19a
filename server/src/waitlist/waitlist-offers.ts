import { availableSeats } from '../../../shared/src/availability.js';
import { insertAudit } from '../audit/audit-repository.js';
import { loadPerformanceForBooking } from '../bookings/booking-repository.js';
import { waitlistOfferUrl } from '../bookings/links.js';
import type { Executor } from '../db/client.js';
import type { Env } from '../env.js';
import { generateToken, hashToken } from '../lib/tokens.js';
import { enqueueMail } from '../mail/mail-repository.js';
import { guestMailFields } from '../mail/mail-payloads.js';
import type { PerformanceForBooking } from '../bookings/booking-repository.js';
import type { SeatsChanged } from '../seats/seats-changed.js';
import { insertWaitlistToken, lockWaitingEntries, retireOfferTokens, updateEntry, type WaitlistEntryRow } from './waitlist-repository.js';

/**
 * Hands free seats to the waiting list. Always runs inside the transaction that freed them, with
 * the performance row locked (the lock every confirmation takes): the seats counted here cannot
 * be taken by anyone else before the offer holds them.
 *
 * Lock order everywhere in the list: performance, then entries. Confirmations and cancellations
 * lock their reservation, then the performance; nothing locks an entry before a performance.
 */
export class WaitlistOffers implements SeatsChanged {
  constructor(private readonly env: Env) {}

  /** Seats freed by someone else's change (a cancellation, a smaller party, more seats): offered on. */
  async seatsFreed(tx: Executor, performanceId: number, now: Date): Promise<number> {
    return (await this.offerFreedSeats(tx, performanceId, now)).length;
  }

  /** Offers what is free now to the entries next in line that fit (first come, first served). */
  async offerFreedSeats(tx: Executor, performanceId: number, now: Date): Promise<WaitlistEntryRow[]> {
    const performance = await loadPerformanceForBooking(tx, performanceId, { lock: true });
    if (!performance || !this.openForOffers(performance, now)) return [];
    let free = availableSeats(performance);
    if (free === 0) return [];
    const offered: WaitlistEntryRow[] = [];
    for (const entry of await lockWaitingEntries(tx, performanceId)) {
      if (free === 0) break;
      // A party that does not fit keeps its place; smaller parties behind it may fit.
      if (entry.partySize > free) continue;
      offered.push(await this.offer(tx, entry, performance, now, null));
      free -= entry.partySize;
    }
    return offered;
  }

  /**
   * Holds the entry's seats and emails the link that takes them. The caller has checked that
   * they fit and holds the performance lock.
   */
  async offer(tx: Executor, entry: WaitlistEntryRow, performance: PerformanceForBooking, now: Date, actorUserId: number | null) {
    // An offer never outlives booking: it ends at the performance's start at the latest.
    const expiresAt = new Date(Math.min(now.getTime() + this.env.WAITLIST_OFFER_TTL, performance.startsAt.getTime()));
    const updated = await updateEntry(tx, entry.id, { status: 'offered', offeredAt: now, offerExpiresAt: expiresAt, updatedAt: now });
    // A new offer (staff offering again after one lapsed) makes the older links dead.
    await retireOfferTokens(tx, entry.id, now);
    const raw = generateToken();
    await insertWaitlistToken(tx, { entryId: entry.id, purpose: 'offer', tokenHash: hashToken(raw), expiresAt });
    await enqueueMail(
      tx,
      'waitlist_offer',
      { ...guestMailFields(entry, performance), offerUrl: waitlistOfferUrl(this.env.SITE_BASE_URL, raw), expiresAt: expiresAt.toISOString() },
      { recipient: entry.email, reservationId: null },
    );
    await insertAudit(tx, {
      actorUserId,
      action: 'waitlist.offer',
      entityType: 'performance',
      entityId: performance.id,
      summary: `entry ${entry.id}: ${entry.partySize} seats held until ${expiresAt.toISOString()}`,
      details: { waitlist_entry: entry.id, seats: entry.partySize, held_until: expiresAt.toISOString() },
    });
    return updated;
  }

  openForOffers(performance: PerformanceForBooking, now: Date): boolean {
    return performance.bookingOpen && performance.startsAt > now;
  }
}
