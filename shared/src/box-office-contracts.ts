import { z } from 'zod';
import { performanceSummarySchema } from './contracts.js';

/*
 * Answers of the box-office routes (issue, resend, reissue, cancel, the printable ticket). The
 * server's services build them with these types and the admin reads them with the same ones.
 */

/** A ticket as the box office hands it over: on screen, on the printout, by email. */
export const issuedTicketSchema = z.strictObject({
  reservation_id: z.number(),
  status: z.literal('confirmed'),
  name: z.string(),
  code: z.string(),
  party_size: z.number(),
  performance: performanceSummarySchema,
  qr_code_url: z.string(),
  qr_code_image: z.string(),
  /** Whether an email with the ticket was queued (a guest without an address gets none). */
  emailed: z.boolean(),
});
export type IssuedTicketAnswer = z.infer<typeof issuedTicketSchema>;

export const pendingReservationCreatedSchema = z.strictObject({
  reservation_id: z.number(),
  status: z.literal('pending'),
  party_size: z.number(),
  detail: z.string(),
});

/** `POST /api/admin/reservations`: a ticket issued now (`confirmed_now`), or a reservation waiting for the guest's click. */
export const adminReservationCreatedSchema = z.union([issuedTicketSchema, pendingReservationCreatedSchema]);
export type AdminReservationCreated = z.infer<typeof adminReservationCreatedSchema>;

/**
 * "Send again": `same` means the guest's existing ticket went out again (their QR keeps
 * working); `reissued` that it could not be repeated and was replaced; a pending reservation
 * gets a fresh confirmation link (`ticket` is null).
 */
export const resendAnswerSchema = z.strictObject({
  kind: z.enum(['reservation_confirmation', 'reservation_ticket']),
  ticket: z.enum(['same', 'reissued']).nullable(),
  emailed: z.boolean(),
});
export type ResendAnswer = z.infer<typeof resendAnswerSchema>;

/** A cancelled reservation (`POST /api/admin/reservations/:id/cancel`): its seats are free again. */
export const reservationCancelledSchema = z.strictObject({
  reservation_id: z.number().int(),
  status: z.literal('cancelled'),
});
export type ReservationCancelled = z.infer<typeof reservationCancelledSchema>;
