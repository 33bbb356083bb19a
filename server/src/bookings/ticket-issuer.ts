import { sealGuest } from '../../../shared/src/guest-seal.js';
import type { Executor } from '../db/client.js';
import { recordDoorChange } from '../door/door-changes-repository.js';
import type { Env } from '../env.js';
import { hashToken } from '../lib/tokens.js';
import { dropQueuedMail, enqueueMail } from '../mail/mail-repository.js';
import { guestMailFields } from '../mail/mail-payloads.js';
import {
  insertToken,
  lastTicketGeneration,
  liveCheckInToken,
  revokeTokens,
  updateLiveToken,
  type PerformanceForBooking,
  type ReservationRow,
  type TokenRow,
} from './booking-repository.js';
import { checkInUrl } from './links.js';
import { TicketKeys } from './ticket-keys.js';

export interface IssuedTicket {
  rawCheckInToken: string;
  qrCodeUrl: string;
}

type TicketHolder = ReservationRow & { code: string };

/**
 * Everything that follows from a reservation holding seats: its check-in token (derived from
 * the ticket keys; hash, generation and key id stored, guest name sealed for the door
 * manifest), a door change so devices learn it, the "your ticket" email and the reminder the
 * day before.
 *
 * No raw token is written anywhere, the outbox included: the queued emails carry
 * `ticketLinks: true` and the mail worker derives the links when it sends (ticket-links.ts).
 * A reminder queued weeks ahead therefore holds nothing a database reader could use, and
 * always carries the ticket that is valid when it goes out.
 */
export class TicketIssuer {
  readonly keys: TicketKeys;

  constructor(private readonly env: Env) {
    this.keys = new TicketKeys(env.TICKET_KEYS);
  }

  /**
   * A new ticket: the next generation, signed with the active key. Any earlier ticket is
   * revoked (its QR code and links stop working). The caller holds the reservation's lock.
   */
  async issue(tx: Executor, reservation: TicketHolder, performance: PerformanceForBooking, now: Date): Promise<IssuedTicket> {
    await revokeTokens(tx, reservation.id, now, 'check_in');
    await dropQueuedMail(tx, reservation.id, 'reservation_reminder');
    await dropQueuedMail(tx, reservation.id, 'reservation_ticket');
    const generation = (await lastTicketGeneration(tx, reservation.id)) + 1;
    const keyId = this.keys.activeId;
    const raw = this.keys.derive(reservation.id, generation, keyId)!;
    await insertToken(tx, {
      reservationId: reservation.id,
      purpose: 'check_in',
      tokenHash: hashToken(raw),
      expiresAt: this.expiryFor(performance),
      sealedGuest: await sealGuest(raw, { name: reservation.name, code: reservation.code }),
      generation,
      keyId,
    });
    await recordDoorChange(tx, performance.id, reservation.id);
    await this.queueTicketMail(tx, reservation, performance);
    await this.queueReminder(tx, reservation, performance, now);
    return { rawCheckInToken: raw, qrCodeUrl: checkInUrl(this.env.SITE_BASE_URL, raw) };
  }

  /**
   * The same ticket again by email: the QR code the guest printed or saved keeps working.
   * A ticket that cannot be derived (issued before derivable tickets, or its key retired)
   * cannot be repeated: it is replaced instead, and the answer says so.
   */
  async resend(tx: Executor, reservation: TicketHolder, performance: PerformanceForBooking, now: Date): Promise<{ reissued: boolean }> {
    const live = await liveCheckInToken(tx, reservation.id);
    if (!live || this.rawOf(live) === undefined) {
      await this.issue(tx, reservation, performance, now);
      return { reissued: true };
    }
    await dropQueuedMail(tx, reservation.id, 'reservation_ticket');
    await this.queueTicketMail(tx, reservation, performance);
    return { reissued: false };
  }

  /**
   * The reservation moved to another performance, or its guest's name changed: the same
   * ticket follows it (new expiry, name sealed again, reminder at the new time) and the door
   * of `performance` learns it. The caller records the change for a performance it left.
   */
  async retarget(tx: Executor, reservation: TicketHolder, performance: PerformanceForBooking, now: Date): Promise<void> {
    const live = await liveCheckInToken(tx, reservation.id);
    if (!live) return;
    const raw = this.rawOf(live);
    await updateLiveToken(tx, live.id, {
      expiresAt: this.expiryFor(performance),
      ...(raw !== undefined && { sealedGuest: await sealGuest(raw, { name: reservation.name, code: reservation.code }) }),
    });
    await recordDoorChange(tx, performance.id, reservation.id);
    await dropQueuedMail(tx, reservation.id, 'reservation_reminder');
    await this.queueReminder(tx, reservation, performance, now);
  }

  /** The raw token of a stored ticket, or undefined when it cannot be derived. */
  rawOf(token: Pick<TokenRow, 'reservationId' | 'generation' | 'keyId'>): string | undefined {
    if (token.generation === null || token.keyId === null) return undefined;
    return this.keys.derive(token.reservationId, token.generation, token.keyId);
  }

  private expiryFor(performance: PerformanceForBooking): Date {
    return new Date(performance.startsAt.getTime() + this.env.CHECK_IN_GRACE);
  }

  /** What the ticket and the reminder say: the evening, the code, and links added at send time. */
  private common(reservation: TicketHolder, performance: PerformanceForBooking) {
    return { ...guestMailFields(reservation, performance), code: reservation.code, ticketLinks: true as const };
  }

  private async queueTicketMail(tx: Executor, reservation: TicketHolder, performance: PerformanceForBooking): Promise<void> {
    await enqueueMail(tx, 'reservation_ticket', this.common(reservation, performance), { recipient: reservation.email, reservationId: reservation.id });
  }

  /** Due `REMINDER_BEFORE` ahead of the start; booked within that window, the ticket email is the reminder. */
  private async queueReminder(tx: Executor, reservation: TicketHolder, performance: PerformanceForBooking, now: Date): Promise<void> {
    const remindAt = new Date(performance.startsAt.getTime() - this.env.REMINDER_BEFORE);
    if (remindAt <= now) return;
    await enqueueMail(
      tx,
      'reservation_reminder',
      { ...this.common(reservation, performance), reservationId: reservation.id },
      { recipient: reservation.email, reservationId: reservation.id, notBefore: remindAt },
    );
  }
}
