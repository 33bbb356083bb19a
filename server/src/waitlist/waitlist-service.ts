import { availableSeats } from '../../../shared/src/availability.js';
import type {
  GuestTicket,
  WaitlistDeclined,
  WaitlistEntry,
  WaitlistEntryList,
  WaitlistJoined,
  WaitlistJoinInput,
  WaitlistOffer,
  WaitlistPlace,
} from '../../../shared/src/contracts.js';
import { DEFAULT_LOCALE } from '../../../shared/src/locale.js';
import { isLiveWaitlistStatus } from '../../../shared/src/statuses.js';
import { insertAudit } from '../audit/audit-repository.js';
import type { SessionUser } from '../auth/sessions.js';
import { loadPerformanceForBooking, type PerformanceForBooking } from '../bookings/booking-repository.js';
import { guestTicket, performanceSummary, type BookingService } from '../bookings/booking-service.js';
import { qrCodeDataUrl, waitlistJoinUrl } from '../bookings/links.js';
import type { Db, Executor } from '../db/client.js';
import type { WaitlistTokenPurpose } from '../db/schema.js';
import type { Env } from '../env.js';
import { AppError, invalidToken, notFound } from '../lib/errors.js';
import { generateToken, hashToken, looksLikeToken } from '../lib/tokens.js';
import { enqueueMail } from '../mail/mail-repository.js';
import { guestMailFields } from '../mail/mail-payloads.js';
import type { WaitlistOffers } from './waitlist-offers.js';
import {
  countEntriesByStatus,
  expireLapsedOffers,
  findEntry,
  findWaitlistToken,
  insertEntry,
  insertWaitlistToken,
  listEntries,
  lockEntry,
  markWaitlistTokenUsed,
  performancesWithLapsedOffers,
  updateEntry,
  type WaitlistEntryRow,
  type WaitlistTokenRow,
} from './waitlist-repository.js';

/**
 * The waiting list of sold-out performances: double opt-in, offers that hold seats for a while,
 * taking an offer (a confirmed reservation), and the expiry that passes seats down the line.
 * Every step that moves seats locks the performance row first (see WaitlistOffers).
 */
export class WaitlistService {
  constructor(
    private readonly db: Db,
    private readonly env: Env,
    private readonly bookings: BookingService,
    private readonly offers: WaitlistOffers,
    private readonly afterCommit: () => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A visitor asks for a place in line; the entry waits for the email link's confirmation. */
  async join(performanceId: number, input: WaitlistJoinInput): Promise<WaitlistJoined> {
    const entry = await this.db.transaction(async (tx) => {
      const now = this.now();
      const performance = await loadPerformanceForBooking(tx, performanceId, { lock: false });
      if (!performance || !performance.published) throw notFound('Performance not found.');
      if (!this.offers.openForOffers(performance, now)) throw new AppError('booking_closed', 'Booking is closed for this performance.');
      const available = availableSeats(performance);
      if (input.party_size <= available) {
        throw new AppError('seats_available', `${available} seats are available: book them instead.`, { data: { available_seats: available } });
      }
      const entry = await insertEntry(tx, {
        performanceId,
        name: input.name,
        email: input.email,
        partySize: input.party_size,
        locale: input.locale ?? DEFAULT_LOCALE,
      });
      const raw = generateToken();
      // Never after the start: joining the line of a performance that began helps nobody.
      const expiresAt = new Date(Math.min(now.getTime() + this.env.CONFIRMATION_TOKEN_TTL, performance.startsAt.getTime()));
      await insertWaitlistToken(tx, { entryId: entry.id, purpose: 'join', tokenHash: hashToken(raw), expiresAt });
      await enqueueMail(
        tx,
        'waitlist_confirmation',
        { ...guestMailFields(entry, performance), confirmUrl: waitlistJoinUrl(this.env.SITE_BASE_URL, raw), expiresAt: expiresAt.toISOString() },
        { recipient: entry.email, reservationId: null },
      );
      return entry;
    });
    this.afterCommit();
    return { entry_id: entry.id, status: 'pending', party_size: entry.partySize };
  }

  /**
   * The opt-in link: the entry takes its place in line. Seats may already be free (nobody else
   * was waiting): the offer round runs at once. A second click reports the entry as it is.
   */
  async confirmJoin(rawToken: string): Promise<WaitlistPlace> {
    const result = await this.underPerformanceLock(rawToken, 'join', async (tx, token, entry, performance, now) => {
      if (entry.status === 'pending') {
        if (token.usedAt) throw invalidToken('The link is invalid.');
        if (token.expiresAt <= now) throw new AppError('expired_token', 'The link has expired. Please join again.');
        await updateEntry(tx, entry.id, { status: 'waiting', joinedAt: now, updatedAt: now });
        await markWaitlistTokenUsed(tx, token.id, now);
        await this.offers.offerFreedSeats(tx, performance.id, now);
      }
      const current = (await findEntry(tx, entry.id))!;
      const position = current.status === 'waiting' ? await this.positionOf(tx, current) : 0;
      return { status: current.status, party_size: current.partySize, position, performance: performanceSummary(performance) };
    });
    this.afterCommit();
    return result;
  }

  /** What an offer link holds, without taking it (the page shows it before the visitor decides). */
  async offerDetails(rawToken: string): Promise<WaitlistOffer> {
    const found = await this.findByToken(rawToken, 'offer');
    const performance = await loadPerformanceForBooking(this.db, found.entry.performanceId, { lock: false });
    if (!performance) throw notFound('Performance not found.');
    const { entry } = found;
    this.assertOfferOpen(found.token, entry, this.now());
    return {
      status: 'offered',
      party_size: entry.partySize,
      offer_expires_at: entry.offerExpiresAt?.toISOString() ?? null,
      performance: performanceSummary(performance),
    };
  }

  /**
   * Takes the held seats: a confirmed reservation and its ticket, in the same transaction. The
   * answer is a confirmation's: the page goes on to the ticket the same way.
   */
  async accept(rawToken: string): Promise<GuestTicket> {
    const taken = await this.underPerformanceLock(rawToken, 'offer', async (tx, token, entry, performance, now) => {
      this.assertOfferOpen(token, entry, now);
      if (!this.offers.openForOffers(performance, now)) throw new AppError('booking_closed', 'Booking is closed for this performance.');
      // The entry's own hold is among the held seats: it may use what is free plus its hold
      // (less only if staff took seats away meanwhile, e.g. more seats occupied by hand).
      const freeForEntry = availableSeats({ ...performance, heldSeats: performance.heldSeats - entry.partySize });
      if (entry.partySize > freeForEntry) throw new AppError('insufficient_seats', 'The seats are no longer available.');
      const created = await this.bookings.createConfirmedIn(tx, performance, entry, now);
      await updateEntry(tx, entry.id, { status: 'accepted', reservationId: created.reservation.id, updatedAt: now });
      await markWaitlistTokenUsed(tx, token.id, now);
      return created;
    });
    this.afterCommit();
    return guestTicket(taken.reservation, taken.qrCodeUrl, await qrCodeDataUrl(taken.qrCodeUrl));
  }

  /** "No thanks": the held seats go to the next in line at once. */
  async decline(rawToken: string): Promise<WaitlistDeclined> {
    await this.underPerformanceLock(rawToken, 'offer', async (tx, token, entry, performance, now) => {
      this.assertOfferOpen(token, entry, now);
      await updateEntry(tx, entry.id, { status: 'removed', updatedAt: now });
      await markWaitlistTokenUsed(tx, token.id, now);
      await insertAudit(tx, { actorUserId: null, action: 'waitlist.decline', entityType: 'performance', entityId: performance.id, summary: `entry ${entry.id}`, details: { waitlist_entry: entry.id, seats: entry.partySize } });
      await this.offers.offerFreedSeats(tx, performance.id, now);
    });
    this.afterCommit();
    return { status: 'removed' };
  }

  /** The scheduled job: lapsed offers expire and their seats pass down the line. */
  async expireOffers(): Promise<number> {
    let expired = 0;
    for (const performanceId of await performancesWithLapsedOffers(this.db, this.now())) {
      expired += await this.db.transaction(async (tx) => {
        const now = this.now();
        if (!(await loadPerformanceForBooking(tx, performanceId, { lock: true }))) return 0;
        const count = await expireLapsedOffers(tx, performanceId, now);
        if (count > 0) await this.offers.offerFreedSeats(tx, performanceId, now);
        return count;
      });
    }
    if (expired > 0) this.afterCommit();
    return expired;
  }

  // --- Staff ---------------------------------------------------------------------------------

  async list(performanceId: number): Promise<WaitlistEntryList> {
    const entries = await listEntries(this.db, performanceId);
    return { entries: entries.map(entryJson) };
  }

  /** Removes someone from the list; seats their offer held go to the next in line. */
  async remove(entryId: number, actor: SessionUser): Promise<WaitlistEntry> {
    return this.underEntryLock(entryId, async (tx, entry, performance, now) => {
      if (!isLiveWaitlistStatus(entry.status)) throw new AppError('offer_closed', 'This entry is no longer on the list.');
      const updated = await updateEntry(tx, entry.id, { status: 'removed', updatedAt: now });
      await insertAudit(tx, { actorUserId: actor.id, action: 'waitlist.remove', entityType: 'performance', entityId: performance.id, summary: `entry ${entry.id} (${entry.status})`, details: { waitlist_entry: entry.id, seats: entry.partySize, previous_status: entry.status } });
      if (entry.status === 'offered') await this.offers.offerFreedSeats(tx, performance.id, now);
      return entryJson(updated);
    });
  }

  /** Staff offer seats to a chosen entry out of turn (a regular, someone who phoned). */
  async offerManually(entryId: number, actor: SessionUser): Promise<WaitlistEntry> {
    return this.underEntryLock(entryId, async (tx, entry, performance, now) => {
      if (entry.status !== 'waiting' && entry.status !== 'expired') throw new AppError('offer_closed', 'Only entries waiting in line can be offered seats.');
      if (!this.offers.openForOffers(performance, now)) throw new AppError('booking_closed', 'Booking is closed for this performance.');
      const available = availableSeats(performance);
      if (entry.partySize > available) {
        throw new AppError('insufficient_seats', `Only ${available} seats are available.`, { data: { available_seats: available } });
      }
      return entryJson(await this.offers.offer(tx, entry, performance, now, actor.id));
    });
  }

  // --- Locking -------------------------------------------------------------------------------

  /**
   * Finds a token's entry, then in one transaction locks the performance *first* and re-reads
   * token and entry under it (the lock order of WaitlistOffers), and runs `work`.
   */
  private async underPerformanceLock<T>(
    rawToken: string,
    purpose: WaitlistTokenPurpose,
    work: (tx: Executor, token: WaitlistTokenRow, entry: WaitlistEntryRow, performance: PerformanceForBooking, now: Date) => Promise<T>,
  ): Promise<T> {
    // An entry never changes performance: the unlocked lookup names the row to lock first.
    const { token, entry } = await this.findByToken(rawToken, purpose);
    return this.db.transaction(async (tx) => {
      const now = this.now();
      const performance = await loadPerformanceForBooking(tx, entry.performanceId, { lock: true });
      const locked = await findWaitlistToken(tx, token.tokenHash, purpose, { lock: true });
      if (!performance || !locked) throw invalidToken('The link is invalid.');
      return work(tx, locked.token, locked.entry, performance, now);
    });
  }

  private async underEntryLock<T>(
    entryId: number,
    work: (tx: Executor, entry: WaitlistEntryRow, performance: PerformanceForBooking, now: Date) => Promise<T>,
  ): Promise<T> {
    const result = await this.db.transaction(async (tx) => {
      const now = this.now();
      const found = await findEntry(tx, entryId);
      if (!found) throw notFound('Waiting list entry not found.');
      const performance = await loadPerformanceForBooking(tx, found.performanceId, { lock: true });
      const entry = await lockEntry(tx, entryId);
      if (!performance || !entry) throw notFound('Waiting list entry not found.');
      return work(tx, entry, performance, now);
    });
    this.afterCommit();
    return result;
  }

  private async findByToken(rawToken: string, purpose: WaitlistTokenPurpose) {
    if (!looksLikeToken(rawToken)) throw invalidToken('The link is invalid.');
    const found = await findWaitlistToken(this.db, hashToken(rawToken), purpose);
    if (!found) throw invalidToken('The link is invalid.');
    return found;
  }

  /** Only the entry's latest offer link works, and only while the entry holds the offer. */
  private assertOfferOpen(token: WaitlistTokenRow, entry: WaitlistEntryRow, now: Date): void {
    if (entry.status === 'accepted') throw new AppError('already_confirmed', 'You already took these seats: your ticket is in your email.');
    if (token.usedAt) throw new AppError('offer_closed', 'This offer link is no longer valid.');
    if (entry.status === 'expired' || (entry.status === 'offered' && entry.offerExpiresAt && entry.offerExpiresAt <= now)) {
      throw new AppError('offer_expired', 'The offer has expired.');
    }
    if (entry.status !== 'offered') throw new AppError('offer_closed', 'This offer is no longer open.');
  }

  private async positionOf(tx: Executor, entry: WaitlistEntryRow): Promise<number> {
    // Entries that joined earlier and still wait, plus this one.
    const ahead = await countEntriesByStatus(tx, entry.performanceId, ['waiting'], entry.joinedAt ?? undefined);
    return ahead + 1;
  }
}

/** An entry as the box office sees it. */
function entryJson(e: WaitlistEntryRow): WaitlistEntry {
  return {
    id: e.id,
    performance_id: e.performanceId,
    name: e.name,
    email: e.email,
    party_size: e.partySize,
    status: e.status,
    created_at: e.createdAt.toISOString(),
    joined_at: e.joinedAt?.toISOString() ?? null,
    offered_at: e.offeredAt?.toISOString() ?? null,
    offer_expires_at: e.offerExpiresAt?.toISOString() ?? null,
    reservation_id: e.reservationId,
  };
}
