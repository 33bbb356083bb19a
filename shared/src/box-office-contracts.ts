import { z } from 'zod';

/*
 * Answers of the box-office routes (issue, resend, reissue, the printable ticket). The server
 * builds them through these schemas and the admin reads them with the same types.
 */

const performanceSummary = z.object({
  id: z.number(),
  show_title: z.string(),
  venue_name: z.string(),
  starts_at: z.string(),
});

/** A ticket as the box office hands it over: on screen, on the printout, by email. */
export const issuedTicketSchema = z.object({
  reservation_id: z.number(),
  status: z.literal('confirmed'),
  name: z.string(),
  code: z.string(),
  party_size: z.number(),
  performance: performanceSummary,
  qr_code_url: z.string(),
  qr_code_image: z.string(),
  /** Whether an email with the ticket was queued (a guest without an address gets none). */
  emailed: z.boolean(),
});
export type IssuedTicketAnswer = z.infer<typeof issuedTicketSchema>;

export const pendingReservationCreatedSchema = z.object({
  reservation_id: z.number(),
  status: z.literal('pending'),
  party_size: z.number(),
  detail: z.string(),
});

export const adminReservationCreatedSchema = z.union([issuedTicketSchema, pendingReservationCreatedSchema]);
export type AdminReservationCreated = z.infer<typeof adminReservationCreatedSchema>;

/**
 * "Send again": `same` means the guest's existing ticket went out again (their QR keeps
 * working); `reissued` that it could not be repeated and was replaced; a pending reservation
 * gets a fresh confirmation link (`ticket` is null).
 */
export const resendAnswerSchema = z.object({
  kind: z.enum(['reservation_confirmation', 'reservation_ticket']),
  ticket: z.enum(['same', 'reissued']).nullable(),
  emailed: z.boolean(),
});
export type ResendAnswer = z.infer<typeof resendAnswerSchema>;
