import type { Db } from '../db/client.js';
import type { TicketLinks } from '../mail/mail-payloads.js';
import { findReservation, liveCheckInToken } from './booking-repository.js';
import { cancelUrl, checkInUrl, ticketUrl } from './links.js';
import type { TicketIssuer } from './ticket-issuer.js';

/**
 * The links of a reservation's ticket as they are *now*, for the mail worker at send time:
 * derived from the live ticket, so the outbox never holds a raw token. Undefined when there is
 * nothing to send any more (the reservation was cancelled, or its ticket cannot be derived).
 */
export class TicketLinksResolver {
  constructor(
    private readonly db: Db,
    private readonly tickets: TicketIssuer,
    private readonly siteBaseUrl: string,
  ) {}

  async linksFor(reservationId: number): Promise<TicketLinks | undefined> {
    const [reservation, live] = await Promise.all([findReservation(this.db, reservationId), liveCheckInToken(this.db, reservationId)]);
    if (!reservation || reservation.status !== 'confirmed' || !live) return undefined;
    const raw = this.tickets.rawOf(live);
    if (raw === undefined) return undefined;
    return {
      ticketUrl: ticketUrl(this.siteBaseUrl, raw),
      qrCodeUrl: checkInUrl(this.siteBaseUrl, raw),
      cancelUrl: cancelUrl(this.siteBaseUrl, raw),
    };
  }
}
