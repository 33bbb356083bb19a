import { z } from 'zod';
import { FORMATS, withCode } from './field-errors.js';
import { DEFAULT_LOCALE, LOCALES } from './locale.js';
import { USER_ROLES, WAITLIST_STATUSES } from './statuses.js';

/*
 * Request contracts shared by the server (authoritative validation) and the UIs (the same
 * rules shown before submitting). Objects are strict: an unknown field is a validation error,
 * so a client can never smuggle `status` or a token into a reservation. A refusal is reported
 * as a field error code (shared/src/field-errors.ts), never as text: a rule of our own carries
 * its code with `withCode`.
 */

export const LIMITS = {
  name: 120,
  email: 254,
  phone: 32,
  notes: 1000,
  token: 64,
  title: 200,
  slug: 120,
  description: 5000,
  venueName: 120,
  password: { min: 10, max: 256 },
} as const;

/** Ids are PostgreSQL `integer`s: a larger number would reach the database and fail there (a 500). */
export const MAX_ID = 2_147_483_647;
export const idSchema = z.number().int().min(1).max(MAX_ID);

/** PostgreSQL `text` cannot hold U+0000: refused here, it is a 400 instead of a failed query (a 500). */
export const noNul = (value: string) => !value.includes('\u0000');
/** How a refused character is reported (U+0000, a line break in an email subject). */
export const BAD_CHARACTER = withCode({ code: 'bad_character' });

const trimmed = (max: number) => z.string().trim().max(max).refine(noNul, BAD_CHARACTER);
const required = (max: number) => trimmed(max).min(1);
const optionalText = (max: number) =>
  trimmed(max)
    .nullish()
    .transform((value) => (value ? value : null));

export const emailSchema = z
  .string()
  .trim()
  // Empty is `required`, not `invalid_email`: the same code as every other required field.
  .min(1)
  .max(LIMITS.email)
  .pipe(z.email())
  .transform((value) => value.toLowerCase());

export const phoneSchema = trimmed(LIMITS.phone)
  .regex(FORMATS.phone)
  .nullish()
  .transform((value) => (value ? value : null));

/**
 * The most MAX_PARTY_SIZE may be set to. The route declarations (shared/src/api/) state it as the
 * bound of `party_size`; the server checks each request against the theatre's own setting.
 */
export const PARTY_SIZE_CEILING = 100;

/** Seats of one reservation: the theatre's largest party is its own rule, with its own code. */
export const partySize = (maxPartySize: number) =>
  z
    .number()
    .int()
    .min(1)
    .refine((seats) => seats <= maxPartySize, withCode({ code: 'party_too_large', max: maxPartySize }))
    // The refinement above is invisible to JSON Schema: the bound is stated for /api/openapi.json.
    .meta({ maximum: maxPartySize });

export function reservationCreateSchema(maxPartySize: number) {
  return z.strictObject({
    name: required(LIMITS.name),
    email: emailSchema,
    phone: phoneSchema,
    notes: optionalText(LIMITS.notes),
    party_size: partySize(maxPartySize),
    /** The language of the guest's emails: the page's. Left out, the request's Accept-Language decides. */
    locale: z.enum(LOCALES).optional(),
  });
}
export type ReservationCreateInput = z.infer<ReturnType<typeof reservationCreateSchema>>;

/*
 * The guest's answers. Their requests are the booking above and `tokenBodySchema` (links carry a
 * token in the fragment; the pages POST it). The public site reads these as types only.
 */

/** `201` to a booking: pending until the guest clicks the emailed link. */
export const reservationCreatedSchema = z.strictObject({
  reservation_id: z.number(),
  status: z.literal('pending'),
  party_size: z.number(),
});
export type ReservationCreated = z.infer<typeof reservationCreatedSchema>;

/**
 * A performance as a ticket, an offer, the box office or the door names it (the door's list of
 * nights, a refusal naming another night): no seat figures.
 */
export const performanceSummarySchema = z.strictObject({
  id: z.number().int(),
  show_title: z.string(),
  venue_name: z.string(),
  starts_at: z.iso.datetime({ offset: true }),
});
export type PerformanceSummary = z.infer<typeof performanceSummarySchema>;

/** What every answer that issues a ticket carries: enough for the ticket page to show it at once. */
export const guestTicketSchema = z.strictObject({
  reservation_id: z.number(),
  status: z.literal('confirmed'),
  party_size: z.number(),
  /** The check-in URL the QR code holds. */
  qr_code_url: z.string(),
  /** The same QR code, as a PNG data URL. */
  qr_code_image: z.string(),
  /** Printed on the ticket, as on a paper one: the door staff read the name and type the code. */
  name: z.string(),
  code: z.string(),
});
export type GuestTicket = z.infer<typeof guestTicketSchema>;

/** The confirmation link clicked: the ticket, and the seats still free. */
export const reservationConfirmedSchema = guestTicketSchema.extend({ available_seats: z.number() });
export type ReservationConfirmed = z.infer<typeof reservationConfirmedSchema>;

/** The ticket again, from the check-in token of the ticket email; never the email or phone. */
export const ticketSchema = z.strictObject({
  reservation_id: z.number(),
  party_size: z.number(),
  name: z.string(),
  /** Null only on tickets confirmed before reservations had codes. */
  code: z.string().nullable(),
  qr_code_url: z.string(),
  qr_code_image: z.string(),
  printable: z.boolean(),
  performance: performanceSummarySchema,
});
export type Ticket = z.infer<typeof ticketSchema>;

/** Joining a performance's waiting list: who to write to, and how many seats they need. */
export function waitlistJoinSchema(maxPartySize: number) {
  return reservationCreateSchema(maxPartySize).pick({ name: true, email: true, party_size: true, locale: true });
}
export type WaitlistJoinInput = z.infer<ReturnType<typeof waitlistJoinSchema>>;

/**
 * One entry of a performance's waiting list as the box office sees it
 * (`GET /api/admin/performances/:id/waitlist`: offered first, then the line, then the rest).
 */
export const waitlistEntrySchema = z.strictObject({
  id: z.number().int(),
  performance_id: z.number().int(),
  name: z.string(),
  email: z.string(),
  party_size: z.number().int(),
  status: z.enum(WAITLIST_STATUSES),
  created_at: z.string(),
  /** When the guest confirmed their place in line (null: not yet). */
  joined_at: z.string().nullable(),
  offered_at: z.string().nullable(),
  offer_expires_at: z.string().nullable(),
  /** The reservation an accepted offer became. */
  reservation_id: z.number().int().nullable(),
});
export type WaitlistEntry = z.infer<typeof waitlistEntrySchema>;
export const waitlistEntryListSchema = z.strictObject({ entries: z.array(waitlistEntrySchema) });
export type WaitlistEntryList = z.infer<typeof waitlistEntryListSchema>;

/** `201` to joining: the entry waits for its opt-in link. */
export const waitlistJoinedSchema = z.strictObject({
  entry_id: z.number(),
  status: z.literal('pending'),
  party_size: z.number(),
});
export type WaitlistJoined = z.infer<typeof waitlistJoinedSchema>;

/** The opt-in link clicked: the place in line (`position` is 0 unless the entry is waiting). */
export const waitlistPlaceSchema = z.strictObject({
  status: z.enum(WAITLIST_STATUSES),
  party_size: z.number(),
  position: z.number(),
  performance: performanceSummarySchema,
});
export type WaitlistPlace = z.infer<typeof waitlistPlaceSchema>;

/** An offer link opened: the seats held for the visitor, and until when. */
export const waitlistOfferSchema = z.strictObject({
  status: z.literal('offered'),
  party_size: z.number(),
  offer_expires_at: z.string().nullable(),
  performance: performanceSummarySchema,
});
export type WaitlistOffer = z.infer<typeof waitlistOfferSchema>;

/** "No thanks": the held seats go to the next in line. */
export const waitlistDeclinedSchema = z.strictObject({ status: z.literal('removed') });
export type WaitlistDeclined = z.infer<typeof waitlistDeclinedSchema>;

export const tokenBodySchema = z.strictObject({
  token: z.string().min(1).max(LIMITS.token),
});

export const loginSchema = z.strictObject({
  email: z.string().trim().min(1).max(LIMITS.email).refine(noNul, BAD_CHARACTER),
  password: z.string().min(1).max(LIMITS.password.max),
});

const isoDateTime = z.iso.datetime({ offset: true });
const seats = z.number().int().min(0).max(100_000);

export const venueCreateSchema = z.strictObject({
  name: required(LIMITS.venueName),
  capacity: seats,
});
export const venueUpdateSchema = venueCreateSchema.partial();

/** A venue as the admin lists it (`GET/POST/PATCH /api/admin/venues`). */
export const venueSchema = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  capacity: z.number().int(),
});
export type Venue = z.infer<typeof venueSchema>;

export const showCreateSchema = z.strictObject({
  title: required(LIMITS.title),
  slug: trimmed(LIMITS.slug)
    .regex(FORMATS.slug)
    .optional(),
  description: trimmed(LIMITS.description).optional(),
  published: z.boolean().optional(),
});
export const showUpdateSchema = showCreateSchema.partial();

/** A show as the admin lists it, published or not (`GET/POST/PATCH /api/admin/shows`). */
export const adminShowSchema = z.strictObject({
  id: z.number().int(),
  title: z.string(),
  slug: z.string(),
  description: z.string(),
  published: z.boolean(),
});
export type AdminShow = z.infer<typeof adminShowSchema>;

export const performanceCreateSchema = z.strictObject({
  show_id: idSchema,
  venue_id: idSchema,
  starts_at: isoDateTime,
  additional_seats: seats.optional(),
  manually_occupied_seats: seats.optional(),
  booking_open: z.boolean().optional(),
  /** A date in the past is refused (`starts_in_past`) unless staff say it is an archived record. */
  allow_past: z.boolean().optional(),
});
export const performanceUpdateSchema = performanceCreateSchema.partial();

/** `GET /api/admin/performances?show_id=`: one show's performances, or all of them. */
export const performanceListQuerySchema = z.strictObject({ show_id: z.coerce.number().int().positive().max(MAX_ID).optional() });

/**
 * A performance as staff see it, with its seat counts: the programme, the dashboard, a move.
 * `bookable_capacity` is shared/src/availability.ts's `bookableCapacity` (the venue's seats,
 * plus added ones, minus those occupied by hand), so no screen computes it again.
 */
export const adminPerformanceSchema = z.strictObject({
  id: z.number().int(),
  show_id: z.number().int(),
  show_title: z.string(),
  venue_id: z.number().int(),
  venue_name: z.string(),
  starts_at: z.string(),
  capacity: z.number().int(),
  additional_seats: z.number().int(),
  manually_occupied_seats: z.number().int(),
  bookable_capacity: z.number().int(),
  booking_open: z.boolean(),
  /** When staff cancelled the whole performance; null while it goes ahead. */
  cancelled_at: z.string().nullable(),
  confirmed_seats: z.number().int(),
  pending_seats: z.number().int(),
  checked_in_seats: z.number().int(),
  /** Seats held for open waiting-list offers (counted out of the available ones). */
  held_seats: z.number().int(),
  /** Entries waiting in line (opted in, not offered yet). */
  waiting_entries: z.number().int(),
  available_seats: z.number().int(),
});
export type AdminPerformance = z.infer<typeof adminPerformanceSchema>;

/**
 * How a staff reservation is issued: `email_confirmation` is the seeds' flow (pending until the
 * guest clicks the emailed link); `confirmed_now` is a ticket issued at the desk or on the phone,
 * confirmed at once, email optional.
 */
export const RESERVATION_ISSUE_MODES = ['email_confirmation', 'confirmed_now'] as const;

export const adminReservationCreateSchema = (maxPartySize: number) =>
  reservationCreateSchema(maxPartySize)
    .extend({
      performance_id: idSchema,
      email: z
        .union([z.literal(''), emailSchema])
        .nullish()
        .transform((value) => value || null),
      issue: z.enum(RESERVATION_ISSUE_MODES).default('email_confirmation'),
      /** Staff choose the guest's language; the staff's own browser says nothing about it. */
      locale: z.enum(LOCALES).default(DEFAULT_LOCALE),
    })
    .superRefine((input, ctx) => {
      // The confirmation link needs somewhere to go; a ticket issued now does not.
      if (input.issue === 'email_confirmation' && !input.email) {
        ctx.addIssue({ code: 'custom', path: ['email'], ...withCode({ code: 'required' }) });
      }
    });
export type AdminReservationCreateInput = z.infer<ReturnType<typeof adminReservationCreateSchema>>;

export const passwordSchema = z.strictObject({
  password: z
    .string()
    .min(LIMITS.password.min)
    .max(LIMITS.password.max),
});

export const userCreateSchema = z.strictObject({
  email: emailSchema,
  display_name: trimmed(LIMITS.name).optional(),
  role: z.enum(USER_ROLES),
  /** Absent: the user is invited by email and chooses their own password. */
  password: passwordSchema.shape.password.optional(),
});

export const userUpdateSchema = z.strictObject({
  display_name: trimmed(LIMITS.name).optional(),
  role: z.enum(USER_ROLES).optional(),
  active: z.boolean().optional(),
});
