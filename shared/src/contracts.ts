import { z } from 'zod';

// A missing field reads "This field is required." everywhere instead of zod's type jargon.
z.config({
  customError: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'This field is required.' : undefined),
});

/*
 * Request contracts shared by the server (authoritative validation) and the UIs (the same
 * rules shown before submitting). Objects are strict: an unknown field is a validation error,
 * so a client can never smuggle `status` or a token into a reservation.
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
const idSchema = z.number('Enter a whole number.').int('Enter a whole number.').positive('Must be positive.').max(MAX_ID, 'Unknown id.');

/** PostgreSQL `text` cannot hold U+0000: refused here, it is a 400 instead of a failed query (a 500). */
const noNul = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'Contains a character that is not allowed.';

const trimmed = (max: number) => z.string().trim().max(max, `At most ${max} characters.`).refine(noNul, NUL_MESSAGE);
const required = (max: number) => trimmed(max).min(1, 'This field is required.');
const optionalText = (max: number) =>
  trimmed(max)
    .nullish()
    .transform((value) => (value ? value : null));

export const emailSchema = z
  .string()
  .trim()
  .max(LIMITS.email, `At most ${LIMITS.email} characters.`)
  .pipe(z.email('Enter a valid email address.'))
  .transform((value) => value.toLowerCase());

export const phoneSchema = trimmed(LIMITS.phone)
  .regex(/^[+0-9 ().-]*$/, 'Use digits, spaces and + ( ) . - only.')
  .nullish()
  .transform((value) => (value ? value : null));

export function reservationCreateSchema(maxPartySize: number) {
  return z.strictObject({
    name: required(LIMITS.name),
    email: emailSchema,
    phone: phoneSchema,
    notes: optionalText(LIMITS.notes),
    party_size: z
      .number('Enter a whole number.')
      .int('Enter a whole number.')
      .min(1, 'At least 1 seat.')
      .max(maxPartySize, `At most ${maxPartySize} seats per reservation.`),
  });
}
export type ReservationCreateInput = z.infer<ReturnType<typeof reservationCreateSchema>>;

/** Joining a performance's waiting list: who to write to, and how many seats they need. */
export function waitlistJoinSchema(maxPartySize: number) {
  return reservationCreateSchema(maxPartySize).pick({ name: true, email: true, party_size: true });
}
export type WaitlistJoinInput = z.infer<ReturnType<typeof waitlistJoinSchema>>;

export const tokenBodySchema = z.strictObject({
  token: z.string('A token is required.').min(1, 'A token is required.').max(LIMITS.token, 'The token is invalid.'),
});

export const loginSchema = z.strictObject({
  email: z.string().trim().min(1, 'This field is required.').max(LIMITS.email).refine(noNul, NUL_MESSAGE),
  password: z.string().min(1, 'This field is required.').max(LIMITS.password.max),
});

const isoDateTime = z.iso.datetime({ offset: true, message: 'Use an ISO 8601 date and time with offset.' });
const seats = z.number('Enter a whole number.').int('Enter a whole number.').min(0, 'Cannot be negative.').max(100_000);

export const venueCreateSchema = z.strictObject({
  name: required(LIMITS.venueName),
  capacity: seats,
});
export const venueUpdateSchema = venueCreateSchema.partial();

export const showCreateSchema = z.strictObject({
  title: required(LIMITS.title),
  slug: trimmed(LIMITS.slug)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Use lower-case letters, digits and dashes.')
    .optional(),
  description: trimmed(LIMITS.description).optional(),
  published: z.boolean().optional(),
});
export const showUpdateSchema = showCreateSchema.partial();

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
    })
    .superRefine((input, ctx) => {
      // The confirmation link needs somewhere to go; a ticket issued now does not.
      if (input.issue === 'email_confirmation' && !input.email) {
        ctx.addIssue({ code: 'custom', path: ['email'], message: 'This field is required.' });
      }
    });
export type AdminReservationCreateInput = z.infer<ReturnType<typeof adminReservationCreateSchema>>;

export const STAFF_ROLES = ['admin', 'content', 'box_office', 'door'] as const;

export const passwordSchema = z.strictObject({
  password: z
    .string()
    .min(LIMITS.password.min, `At least ${LIMITS.password.min} characters.`)
    .max(LIMITS.password.max, `At most ${LIMITS.password.max} characters.`),
});

export const userCreateSchema = z.strictObject({
  email: emailSchema,
  display_name: trimmed(LIMITS.name).optional(),
  role: z.enum(STAFF_ROLES),
  /** Absent: the user is invited by email and chooses their own password. */
  password: passwordSchema.shape.password.optional(),
});

export const userUpdateSchema = z.strictObject({
  display_name: trimmed(LIMITS.name).optional(),
  role: z.enum(STAFF_ROLES).optional(),
  active: z.boolean().optional(),
});

export const RESERVATION_STATUS_VALUES = ['pending', 'confirmed', 'cancelled'] as const;
