import { z } from 'zod';
import { BAD_CHARACTER, noNul, performanceSummarySchema, tokenBodySchema } from './contracts.js';
import { withCode } from './field-errors.js';
import { looksLikeReservationCode, normalizeReservationCode } from './reservation-code.js';

/*
 * `POST /api/check-ins/confirm`: what a door phone sends when it scans a ticket online, and
 * what the server answers. With `performance_id` (the performance the door is scanning for)
 * the server judges the scan with the shared decision (shared/src/check-in-decision.ts): a
 * ticket of another night, or outside the door window, is refused with its own code.
 */

export const checkInConfirmSchema = tokenBodySchema
  .extend({
    performance_id: z.number().int().positive().max(2_147_483_647).optional(),
    /**
     * The door device and the id of its scan event (the one it queues for the sync). Recorded
     * with the check-in, so that the same scan arriving later through the sync (its answer was
     * lost on the way) is recognised as itself rather than as a second scan.
     */
    device_id: z.uuid().optional(),
    event_id: z.uuid().optional(),
  })
  .refine((body) => (body.device_id === undefined) === (body.event_id === undefined), {
    ...withCode({ code: 'both_or_neither', other: 'device_id' }),
    path: ['event_id'],
  });

/**
 * `POST /api/check-ins/confirm-code`: a reservation code typed at the door (a guest without
 * phone) while the phone is online. The same judgement as a scanned ticket, and the answer
 * names the guest, which the phone cannot open from its list without the ticket itself.
 * The performance is required: a code says nothing about the night, and the door's own night
 * is what tells "other performance" from "admit".
 */
export const checkInCodeConfirmSchema = z
  .strictObject({
    code: z
      .string()
      .max(32)
      .refine(looksLikeReservationCode, withCode({ code: 'invalid_format', format: 'reservation_code' }))
      .transform(normalizeReservationCode),
    performance_id: z.number().int().positive().max(2_147_483_647),
    device_id: z.uuid().optional(),
    event_id: z.uuid().optional(),
  })
  .refine((body) => (body.device_id === undefined) === (body.event_id === undefined), {
    ...withCode({ code: 'both_or_neither', other: 'device_id' }),
    path: ['event_id'],
  });

/** `DELETE /api/admin/check-ins/:reservation_id`: why staff undo a check-in (kept in the history). */
export const checkInUndoSchema = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .refine(noNul, BAD_CHARACTER),
});

/** 200: admitted now (also the answer of `/preview`, with `checked_in` telling which). */
export const checkInAnswerSchema = z.strictObject({
  reservation_id: z.number().int(),
  party_size: z.number().int(),
  name: z.string(),
  performance: performanceSummarySchema,
  checked_in: z.boolean(),
  checked_in_at: z.iso.datetime({ offset: true }).nullable(),
  checked_in_by: z.string().nullable(),
  checked_in_device: z.string().nullable(),
});
export type CheckInAnswer = z.infer<typeof checkInAnswerSchema>;

/** 200 of the undo: the check-in that was removed, and when. */
export const checkInUndoAnswerSchema = z.strictObject({
  reservation_id: z.number().int(),
  /** The check-in as it was. */
  checked_in_at: z.iso.datetime({ offset: true }),
  method: z.string(),
  undone_at: z.iso.datetime({ offset: true }),
  reason: z.string(),
});
export type CheckInUndoAnswer = z.infer<typeof checkInUndoAnswerSchema>;

/** Extra fields of the refusals, beside `{status, detail}`. */
export const checkInRefusalDataSchema = {
  /** 409 already_checked_in */
  already_checked_in: z.object({
    reservation_id: z.number().int(),
    checked_in_at: z.iso.datetime({ offset: true }).nullable(),
    checked_in_by: z.string().nullable(),
    checked_in_device: z.string().nullable(),
  }),
  /** 409 wrong_performance: the night the ticket is for. */
  wrong_performance: z.object({ performance: performanceSummarySchema }),
  /** 409 too_early: when the doors open. */
  too_early: z.object({ opens_at: z.iso.datetime({ offset: true }) }),
  /** 409 performance_cancelled: staff cancelled the whole performance the ticket is for. */
  performance_cancelled: z.object({ performance: performanceSummarySchema }),
} as const;
