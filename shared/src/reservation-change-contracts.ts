import { z } from 'zod';
import { BAD_CHARACTER, emailSchema, idSchema, LIMITS, MAX_ID, noNul, partySize, performanceSummarySchema, phoneSchema } from './contracts.js';
import { withCode } from './field-errors.js';
import { LOCALES } from './locale.js';
import { MAIL_STATUSES, RESERVATION_SOURCES, RESERVATION_STATUSES } from './statuses.js';
import { auditDetailsSchema } from './audit-details.js';

/*
 * The box office finding a guest and fixing their reservation: the list's search and sort, the
 * change request (`PATCH /api/admin/reservations/:id`) and the answers. The server validates
 * and builds its answers with these; the admin uses the same rules before sending.
 */

/** `newest` (the default): latest booking first; `name`: A→Z ignoring accents; `party_size`: largest first. */
export const RESERVATION_SORTS = ['newest', 'name', 'party_size'] as const;
export type ReservationSort = (typeof RESERVATION_SORTS)[number];

/** `GET /api/admin/reservations?…`: the search, its filters and sort, and the page (capped, so one request stays cheap). */
export const reservationListQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  page_size: z.coerce.number().int().min(1).max(500).default(25),
  performance_id: z.coerce.number().int().positive().max(MAX_ID).optional(),
  q: z.string().max(120).optional(),
  status: z.enum(RESERVATION_STATUSES).optional(),
  source: z.enum(RESERVATION_SOURCES).optional(),
  checked_in: z.enum(['true', 'false']).optional(),
  sort: z.enum(RESERVATION_SORTS).default('newest'),
});
export type ReservationListQuery = z.infer<typeof reservationListQuerySchema>;

/** Fields a change may carry; each one left out stays as it is. */
const CHANGE_FIELDS = ['name', 'phone', 'email', 'notes', 'party_size', 'performance_id', 'locale'] as const;

export function reservationChangeSchema(maxPartySize: number) {
  return z
    .strictObject({
      name: z.string().trim().max(LIMITS.name).min(1).refine(noNul, BAD_CHARACTER).optional(),
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
        .max(LIMITS.notes)
        .refine(noNul, BAD_CHARACTER)
        .nullish()
        .transform((value) => value || null)
        .optional(),
      party_size: partySize(maxPartySize).optional(),
      performance_id: idSchema.optional(),
      /** The language of the guest's emails from now on (no email of its own is sent for it). */
      locale: z.enum(LOCALES).optional(),
    })
    .refine((input) => CHANGE_FIELDS.some((field) => input[field] !== undefined), {
      ...withCode({ code: 'nothing_to_change' }),
      path: ['non_field_errors'],
    });
}
export type ReservationChangeInput = z.infer<ReturnType<typeof reservationChangeSchema>>;

const isoDateTime = z.iso.datetime({ offset: true });

/** One row of `GET /api/admin/reservations` (personal data for the box office, never a token). */
export const reservationListItemSchema = z.strictObject({
  id: z.number().int(),
  performance_id: z.number().int(),
  code: z.string().nullable(),
  name: z.string(),
  email: z.string().nullable(),
  /** The language of the guest's emails. */
  locale: z.enum(LOCALES),
  phone: z.string().nullable(),
  notes: z.string().nullable(),
  party_size: z.number().int(),
  status: z.enum(RESERVATION_STATUSES),
  source: z.enum(RESERVATION_SOURCES),
  created_at: isoDateTime,
  confirmed_at: isoDateTime.nullable(),
  cancelled_at: isoDateTime.nullable(),
  checked_in_at: isoDateTime.nullable(),
});
export type ReservationListItem = z.infer<typeof reservationListItemSchema>;

export const reservationListSchema = z.strictObject({
  items: z.array(reservationListItemSchema),
  total: z.number().int(),
  page: z.number().int(),
  page_size: z.number().int(),
});
export type ReservationList = z.infer<typeof reservationListSchema>;

/** `GET /api/admin/reservations/:id`: the reservation with its night, its check-in, its emails and its history. */
export const reservationDetailSchema = reservationListItemSchema.extend({
  performance: performanceSummarySchema.extend({ show_id: z.number().int() }),
  /** The staff member who booked it (null: the guest, on the public site). */
  created_by: z.string().nullable(),
  check_in: z
    .strictObject({ checked_in_at: isoDateTime, checked_in_by: z.string().nullable(), method: z.string() })
    .nullable(),
  emails: z.array(
    z.strictObject({
      id: z.number().int(),
      kind: z.string(),
      status: z.enum(MAIL_STATUSES),
      attempts: z.number().int(),
      created_at: isoDateTime,
      sent_at: isoDateTime.nullable(),
      last_error: z.string().nullable(),
    }),
  ),
  /** Worded by pwa/src/admin/audit-render.ts from `details`; `summary` is the English fallback of older entries. */
  history: z.array(
    z.strictObject({ at: isoDateTime, action: z.string(), actor: z.string().nullable(), summary: z.string(), details: auditDetailsSchema.nullable() }),
  ),
});
export type ReservationDetail = z.infer<typeof reservationDetailSchema>;

/** `PATCH /api/admin/reservations/:id`: what the reservation is now, and which fields changed. */
export const reservationChangedSchema = z.strictObject({
  reservation_id: z.number().int(),
  status: z.enum(RESERVATION_STATUSES),
  code: z.string().nullable(),
  name: z.string(),
  party_size: z.number().int(),
  performance_id: z.number().int(),
  changed: z.array(z.enum(CHANGE_FIELDS)),
  /** Whether the guest was emailed about it (a new date or seat count, and an address to write to). */
  emailed: z.boolean(),
});
export type ReservationChanged = z.infer<typeof reservationChangedSchema>;
