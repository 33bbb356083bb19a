import { z } from 'zod';
import { emailSchema, LIMITS, MAX_ID, phoneSchema, RESERVATION_STATUS_VALUES } from './contracts.js';

/*
 * The box office finding a guest and fixing their reservation: the list's search and sort, the
 * change request (`PATCH /api/admin/reservations/:id`) and the answers. The server validates
 * and builds its answers with these; the admin uses the same rules before sending.
 */

/** `newest` (the default): latest booking first; `name`: A→Z ignoring accents; `party_size`: largest first. */
export const RESERVATION_SORTS = ['newest', 'name', 'party_size'] as const;
export type ReservationSort = (typeof RESERVATION_SORTS)[number];

const noNul = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'Contains a character that is not allowed.';

/** Fields a change may carry; each one left out stays as it is. */
const CHANGE_FIELDS = ['name', 'phone', 'email', 'notes', 'party_size', 'performance_id'] as const;

export function reservationChangeSchema(maxPartySize: number) {
  return z
    .strictObject({
      name: z.string().trim().max(LIMITS.name, `At most ${LIMITS.name} characters.`).min(1, 'This field is required.').refine(noNul, NUL_MESSAGE).optional(),
      phone: phoneSchema.optional(),
      // A box-office guest may have no address: null or "" removes it.
      email: z
        .union([z.literal(''), emailSchema])
        .nullish()
        .transform((value) => value || null)
        .optional(),
      notes: z
        .string()
        .trim()
        .max(LIMITS.notes, `At most ${LIMITS.notes} characters.`)
        .refine(noNul, NUL_MESSAGE)
        .nullish()
        .transform((value) => value || null)
        .optional(),
      party_size: z
        .number('Enter a whole number.')
        .int('Enter a whole number.')
        .min(1, 'At least 1 seat.')
        .max(maxPartySize, `At most ${maxPartySize} seats per reservation.`)
        .optional(),
      performance_id: z.number('Enter a whole number.').int('Enter a whole number.').positive('Must be positive.').max(MAX_ID, 'Unknown id.').optional(),
    })
    .refine((input) => CHANGE_FIELDS.some((field) => input[field] !== undefined), {
      message: 'Change at least one field.',
      path: ['non_field_errors'],
    });
}
export type ReservationChangeInput = z.infer<ReturnType<typeof reservationChangeSchema>>;

const isoDateTime = z.iso.datetime({ offset: true });

/** One row of `GET /api/admin/reservations` (personal data for the box office, never a token). */
export const reservationListItemSchema = z.object({
  id: z.number().int(),
  performance_id: z.number().int(),
  code: z.string().nullable(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  notes: z.string().nullable(),
  party_size: z.number().int(),
  status: z.enum(RESERVATION_STATUS_VALUES),
  source: z.enum(['public', 'admin']),
  created_at: isoDateTime,
  confirmed_at: isoDateTime.nullable(),
  cancelled_at: isoDateTime.nullable(),
  checked_in_at: isoDateTime.nullable(),
});
export type ReservationListItem = z.infer<typeof reservationListItemSchema>;

export const reservationListSchema = z.object({
  items: z.array(reservationListItemSchema),
  total: z.number().int(),
  page: z.number().int(),
  page_size: z.number().int(),
});

/** `PATCH /api/admin/reservations/:id`: what the reservation is now, and which fields changed. */
export const reservationChangedSchema = z.object({
  reservation_id: z.number().int(),
  status: z.enum(RESERVATION_STATUS_VALUES),
  code: z.string().nullable(),
  name: z.string(),
  party_size: z.number().int(),
  performance_id: z.number().int(),
  changed: z.array(z.enum(CHANGE_FIELDS)),
  /** Whether the guest was emailed about it (a new date or seat count, and an address to write to). */
  emailed: z.boolean(),
});
export type ReservationChanged = z.infer<typeof reservationChangedSchema>;
