import { sealGuest } from '../../../shared/src/guest-seal.js';
import type { Executor } from '../db/client.js';
import { recordDoorChange } from '../door/door-changes-repository.js';
import type { Env } from '../env.js';
import { generateToken, hashToken } from '../lib/tokens.js';
import { dropQueuedMail, enqueueMail } from '../mail/mail-repository.js';
import type { TicketPayload } from '../mail/mail-templates.js';
import type { ReminderPayload } from '../mail/waitlist-templates.js';
import { insertToken, revokeTokens, type PerformanceForBooking, type ReservationRow } from './booking-repository.js';
import { cancelUrl, checkInUrl, ticketUrl } from './links.js';

export interface IssuedTicket {
  rawCheckInToken: string;
  qrCodeUrl: string;
}

/**
 * Everything that follows from a reservation holding seats: its check-in token (hash stored,
 * guest name sealed for the door manifest), a door change so devices learn the new hash, the
 * "your ticket" email, and the reminder the day before.
 *
 * The reminder is queued now, in the outbox, due `REMINDER_BEFORE` ahead of the performance:
 * only now does the server hold the raw check-in token the reminder's links need (the database
 * keeps hashes). The outbox delivers it once across restarts and instances; cancelling the
 * reservation or issuing a new ticket drops it.
 */
export class TicketIssuer {
  constructor(private readonly env: Env) {}

  /** Issues a new ticket, revoking any earlier one (its QR code and links stop working). */
  async issue(tx: Executor, reservation: ReservationRow & { code: string }, performance: PerformanceForBooking, now: Date): Promise<IssuedTicket> {
    await revokeTokens(tx, reservation.id, now, 'check_in');
    await dropQueuedMail(tx, reservation.id, 'reservation_reminder');
    const raw = generateToken();
    await insertToken(tx, {
      reservationId: reservation.id,
      purpose: 'check_in',
      tokenHash: hashToken(raw),
      expiresAt: new Date(performance.startsAt.getTime() + this.env.CHECK_IN_GRACE),
      sealedGuest: await sealGuest(raw, { name: reservation.name, code: reservation.code }),
    });
    await recordDoorChange(tx, performance.id, reservation.id);

    const site = this.env.SITE_BASE_URL;
    const common = {
      name: reservation.name,
      showTitle: performance.showTitle,
      venueName: performance.venueName,
      startsAt: performance.startsAt.toISOString(),
      partySize: reservation.partySize,
    };
    const qrCodeUrl = checkInUrl(site, raw);
    const ticket: TicketPayload = { ...common, ticketUrl: ticketUrl(site, raw), qrCodeUrl, code: reservation.code };
    await enqueueMail(tx, { kind: 'reservation_ticket', recipient: reservation.email, reservationId: reservation.id, payload: { ...ticket } });

    const remindAt = new Date(performance.startsAt.getTime() - this.env.REMINDER_BEFORE);
    // Booked within the reminder window: the ticket email that goes out now is the reminder.
    if (remindAt > now) {
      const reminder: ReminderPayload = {
        ...common,
        ticketUrl: ticketUrl(site, raw),
        cancelUrl: cancelUrl(site, raw),
        reservationId: reservation.id,
        siteHost: new URL(site).hostname,
        code: reservation.code,
      };
      await enqueueMail(tx, {
        kind: 'reservation_reminder',
        recipient: reservation.email,
        reservationId: reservation.id,
        payload: { ...reminder },
        notBefore: remindAt,
      });
    }
    return { rawCheckInToken: raw, qrCodeUrl };
  }
}
