import { z } from 'zod';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '../../../shared/src/locale.js';
import { LIVE_RESERVATION_STATUSES } from '../../../shared/src/statuses.js';
import type { MailKind } from '../db/schema.js';

/*
 * What the outbox stores for each kind of email: one schema per kind. `enqueueMail` is typed by
 * them (a payload that does not fit its kind does not compile), and the worker reads each stored
 * payload through its kind's schema before rendering (an unreadable one is marked failed, it
 * does not crash a pass). Templates render at delivery time, so a template fix also reaches
 * messages still waiting in the queue; the schemas therefore also read rows written by earlier
 * versions (reminders wait for weeks): fields added since are optional or have a default.
 */

const instant = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a date');
/** Rows queued before emails had a language were all Italian-first. */
const locale = z.enum(LOCALES).default(DEFAULT_LOCALE);

/**
 * The guest's ticket links. Never queued: the mail worker derives them from the live ticket
 * when it sends a message whose payload says `ticketLinks: true` (bookings/ticket-links.ts).
 * Messages queued before derivable tickets carry them in the payload instead.
 */
export interface TicketLinks {
  ticketUrl: string;
  qrCodeUrl: string;
  cancelUrl: string;
}
const ticketLinkFields = {
  ticketLinks: z.literal(true).optional(),
  ticketUrl: z.string().optional(),
  qrCodeUrl: z.string().optional(),
  cancelUrl: z.string().optional(),
};
/** Written by earlier versions for the calendar UID; the host now comes from SITE_BASE_URL. */
const legacySiteHost = { siteHost: z.string().optional() };

/** Who the email is for and which evening it is about: the fields every guest email shares. */
const guestFields = z.object({
  locale,
  name: z.string(),
  showTitle: z.string(),
  venueName: z.string(),
  startsAt: instant,
  partySize: z.number().int().min(0),
});
export type GuestMailFields = z.output<typeof guestFields>;

/** What a reservation was before a change: a date (performance) and a number of seats. */
const reservationTerms = z.object({ startsAt: instant, venueName: z.string(), partySize: z.number().int().min(0) });
export type ReservationTerms = z.output<typeof reservationTerms>;

/**
 * A change email queued by an earlier version kept the new terms under `after`; they are the
 * guest fields now.
 */
function liftLegacyAfter(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('after' in value) || 'startsAt' in value) return value;
  const { after, ...rest } = value as { after: unknown };
  return typeof after === 'object' && after !== null ? { ...after, ...rest } : value;
}

const performanceMail = z.object({
  locale,
  name: z.string(),
  performanceId: z.number().int(),
  showTitle: z.string(),
  venueName: z.string(),
  /** The performance's time: for a move, the new one. */
  startsAt: instant,
  /** A move: the time the guest booked for. */
  previousStartsAt: instant.optional(),
  /** The seats this address holds (waiting-list guests hold none). */
  partySize: z.number().int().min(0).optional(),
  /** The staff's subject (a message) and words (a message or a cancellation). */
  subject: z.string().optional(),
  body: z.string().optional(),
  /** For the .ics of a move: the same calendar event as the ticket page's "add to calendar". */
  reservationId: z.number().int().optional(),
  ...legacySiteHost,
  ...ticketLinkFields,
});

const staffLink = z.object({
  locale,
  /** The staff member's display name, or their email when they have none. */
  name: z.string(),
  /** Who invited them (invitations only). */
  invitedBy: z.string().optional(),
  link: z.string(),
  expiresAt: instant,
});

const SCHEMAS = {
  reservation_confirmation: guestFields.extend({ confirmUrl: z.string(), expiresAt: instant }),
  reservation_ticket: guestFields.extend({
    /** Reservation code for admission without the phone (older queued messages may lack it). */
    code: z.string().optional(),
    ...ticketLinkFields,
  }),
  reservation_cancelled: guestFields.extend({
    /** The reservation had been confirmed (it had a QR code to void); older rows lack it. */
    hadTicket: z.boolean().optional(),
  }),
  reservation_reminder: guestFields.extend({
    code: z.string().optional(),
    /** For the .ics attachment's UID: the same event as "add to calendar" on the ticket page. */
    reservationId: z.number().int(),
    ...legacySiteHost,
    ...ticketLinkFields,
  }),
  /**
   * The box office moved a reservation or changed its seats: the guest fields are the new
   * terms, `before` the old ones. Sent with `ticketLinks: true` for a confirmed reservation.
   */
  reservation_changed: z.preprocess(
    liftLegacyAfter,
    guestFields.extend({
      before: reservationTerms,
      status: z.enum(LIVE_RESERVATION_STATUSES),
      code: z.string().nullish(),
      reservationId: z.number().int(),
      ...legacySiteHost,
      ...ticketLinkFields,
    }),
  ),
  waitlist_confirmation: guestFields.extend({ confirmUrl: z.string(), expiresAt: instant }),
  waitlist_offer: guestFields.extend({ offerUrl: z.string(), expiresAt: instant }),
  performance_cancelled: performanceMail,
  performance_moved: performanceMail,
  performance_message: performanceMail,
  staff_invitation: staffLink,
  staff_password_reset: staffLink,
} satisfies Record<MailKind, z.ZodType>;

/** A payload as the worker reads it back (defaults applied), and as the templates get it. */
export type StoredPayload<K extends MailKind> = z.output<(typeof SCHEMAS)[K]>;

/** What a caller queues for kind `K`: ticket links are never among it (they hold raw tokens). */
export type MailPayload<K extends MailKind> = Omit<StoredPayload<K>, keyof TicketLinks>;

export type PerformanceMailPayload = StoredPayload<'performance_message'>;
export type StaffLinkPayload = StoredPayload<'staff_invitation'>;

const MAIL_PAYLOADS: { [K in MailKind]: z.ZodType<StoredPayload<K>> } = SCHEMAS;

/** A stored payload that its kind's schema cannot read: sending it again would fail the same way. */
export class UnreadablePayload extends Error {}

/** Reads a stored payload for its kind; the error names the fields, never their values. */
export function parseMailPayload<K extends MailKind>(kind: K, payload: unknown): StoredPayload<K> {
  const result = MAIL_PAYLOADS[kind].safeParse(payload);
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(payload)'))].join(', ');
    throw new UnreadablePayload(`unreadable ${kind} payload: ${fields}`);
  }
  return result.data;
}

/**
 * The one builder of what every guest email says about the evening: the guest's name and
 * language, the show, the venue, the start and the seats.
 */
export function guestMailFields(
  guest: { name: string; partySize: number; locale: Locale },
  performance: { showTitle: string; venueName: string; startsAt: Date },
): GuestMailFields {
  return {
    locale: guest.locale,
    name: guest.name,
    showTitle: performance.showTitle,
    venueName: performance.venueName,
    startsAt: performance.startsAt.toISOString(),
    partySize: guest.partySize,
  };
}

/** The links a ticket email needs, from the payload the worker completed at send time. */
export function requireTicketLinks(payload: Partial<TicketLinks>): TicketLinks {
  const { ticketUrl, qrCodeUrl, cancelUrl } = payload;
  if (!ticketUrl || !qrCodeUrl || !cancelUrl) throw new UnreadablePayload('the ticket links are missing');
  return { ticketUrl, qrCodeUrl, cancelUrl };
}
