import { z } from 'zod';
import { performanceCreateSchema } from './contracts.js';

/*
 * Whole-performance changes and messages to its guests: what staff send (cancel, write to
 * guests) and what the server answers (a message with its email progress). The server builds
 * its answers through these schemas; the admin reads them with the same types.
 */

export const MESSAGE_LIMITS = { subject: 200, body: 5000 } as const;

/** Who a message goes to: reservations by status or by arrival, or the waiting list. */
export const MESSAGE_AUDIENCE_VALUES = ['confirmed', 'pending', 'waitlist', 'checked_in', 'not_checked_in'] as const;
export type MessageAudienceValue = (typeof MESSAGE_AUDIENCE_VALUES)[number];

const noNul = (value: string) => !value.includes('\u0000');
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'This field is required.')
    .max(max, `At most ${max} characters.`)
    .refine(noNul, 'Contains a character that is not allowed.');

/** `POST /api/admin/performances/:id/cancel`: the staff's words to every guest. */
export const performanceCancelSchema = z.strictObject({
  message: text(MESSAGE_LIMITS.body),
});
export type PerformanceCancelInput = z.infer<typeof performanceCancelSchema>;

/** `POST /api/admin/performances/:id/messages` and its `/preview`. */
export const performanceMessageSchema = z.strictObject({
  // One line: a subject becomes an email header.
  subject: text(MESSAGE_LIMITS.subject).refine((value) => !/[\r\n]/.test(value), 'Contains a character that is not allowed.'),
  body: text(MESSAGE_LIMITS.body),
  audience: z.enum(MESSAGE_AUDIENCE_VALUES, 'Choose who receives the message.'),
});
export type PerformanceMessageInput = z.infer<typeof performanceMessageSchema>;

/** Where the message's emails are: waiting in the outbox, delivered, given up, or dropped unsent. */
export const messageProgressSchema = z.object({
  queued: z.number(),
  sent: z.number(),
  failed: z.number(),
  dropped: z.number(),
});
export type MessageProgress = z.infer<typeof messageProgressSchema>;

export const performanceMessageAnswerSchema = z.object({
  id: z.number(),
  performance_id: z.number(),
  kind: z.enum(['message', 'cancellation', 'move']),
  audience: z.enum(MESSAGE_AUDIENCE_VALUES).nullable(),
  subject: z.string(),
  body: z.string(),
  /** Emails queued: one per distinct address. */
  recipients: z.number(),
  created_at: z.string(),
  created_by: z.string().nullable(),
  progress: messageProgressSchema,
});
export type PerformanceMessageAnswer = z.infer<typeof performanceMessageAnswerSchema>;

export const performanceMessageListSchema = z.array(performanceMessageAnswerSchema);

/** What the composer shows before sending: how many emails, and the first one as it will read. */
export const messagePreviewSchema = z.object({
  audience: z.enum(MESSAGE_AUDIENCE_VALUES),
  recipients: z.number(),
  /** Guests of the audience without an email address (box-office tickets): nobody writes to them. */
  without_email: z.number(),
  sample: z
    .object({
      subject: z.string(),
      text: z.string(),
    })
    .nullable(),
});
export type MessagePreview = z.infer<typeof messagePreviewSchema>;

export const performanceCancelledSchema = z.object({
  performance_id: z.number(),
  cancelled_at: z.string(),
  reservations_cancelled: z.number(),
  waitlist_removed: z.number(),
  message: performanceMessageAnswerSchema,
});
export type PerformanceCancelled = z.infer<typeof performanceCancelledSchema>;

/**
 * `POST /api/admin/performances/:id/move`: a new time for a performance, the box office's part
 * of editing one (everyone booked or waiting is emailed the new time, as with the content
 * staff's edit). A past time needs `allow_past`, as everywhere.
 */
export const performanceMoveSchema = performanceCreateSchema.pick({ starts_at: true, allow_past: true });
export type PerformanceMoveInput = z.infer<typeof performanceMoveSchema>;

/** A performance as the admin's programme lists it, with its seat counts. */
export const adminPerformanceSchema = z.object({
  id: z.number(),
  show_id: z.number(),
  venue_id: z.number(),
  venue_name: z.string(),
  starts_at: z.string(),
  capacity: z.number(),
  additional_seats: z.number(),
  manually_occupied_seats: z.number(),
  booking_open: z.boolean(),
  cancelled_at: z.string().nullable(),
  show_title: z.string(),
  confirmed_seats: z.number(),
  pending_seats: z.number(),
  checked_in_seats: z.number(),
  held_seats: z.number(),
  waiting_entries: z.number(),
  available_seats: z.number(),
});
