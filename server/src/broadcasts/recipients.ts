import type { Locale } from '../../../shared/src/locale.js';
import type { Rate } from '../lib/durations.js';

/** Someone a whole-performance email concerns: a reservation's guest or a waiting-list entry. */
export interface Guest {
  email: string | null;
  name: string;
  /** The language of their emails. */
  locale: Locale;
  /** Null for a waiting-list entry. */
  reservationId: number | null;
  /** Seats the reservation holds; 0 for a waiting-list entry. */
  partySize: number;
  /** A confirmed reservation: it has a ticket whose links the email may carry. */
  ticket: boolean;
}

/** One email: an address and what to say to it. */
export interface Addressee {
  recipient: string;
  name: string;
  /** The language of the address's first booking or entry, as its name is. */
  locale: Locale;
  partySize: number;
  /** Set when the address belongs to exactly one reservation (and nothing else). */
  reservationId: number | null;
  /** That reservation has a ticket: the mail worker adds its links at send time. */
  ticketLinks: boolean;
}

/**
 * One email per distinct address (a family booking twice, a guest also on the waiting list):
 * the database refuses a second row per address anyway, so the grouping decides what that one
 * email says. Ticket links go only into an email that speaks for a single reservation; an
 * address with two reservations gets the news without links rather than one ticket of two.
 * Guests without an address (box-office tickets) are counted, for staff to phone.
 */
export function addressees(guests: Guest[]): { addressees: Addressee[]; withoutEmail: number } {
  const byAddress = new Map<string, Guest[]>();
  let withoutEmail = 0;
  for (const guest of guests) {
    const address = guest.email?.trim().toLowerCase();
    if (!address) {
      withoutEmail += 1;
      continue;
    }
    byAddress.set(address, [...(byAddress.get(address) ?? []), guest]);
  }
  const result = [...byAddress.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([recipient, group]): Addressee => {
      const only = group.length === 1 ? group[0]! : undefined;
      return {
        recipient,
        name: group[0]!.name,
        locale: group[0]!.locale,
        partySize: group.reduce((sum, guest) => sum + guest.partySize, 0),
        reservationId: only?.reservationId ?? null,
        ticketLinks: only !== undefined && only.reservationId !== null && only.ticket,
      };
    });
  return { addressees: result, withoutEmail };
}

/**
 * When the n-th email of a message may leave, at `pace` (MESSAGE_PACE, e.g. 60/minute): the
 * first `limit` at once, the next `limit` one window later, and so on. The outbox delivers
 * each row from its `next_attempt_at`, so a thousand guests do not hit the SMTP server at once.
 */
export function paced(start: Date, index: number, pace: Rate): Date {
  return new Date(start.getTime() + Math.floor(index / pace.limit) * pace.windowMs);
}
