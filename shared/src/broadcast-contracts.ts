import { z } from 'zod';
import { BAD_CHARACTER, noNul, performanceCreateSchema } from './contracts.js';
import { MESSAGE_AUDIENCES, PERFORMANCE_MESSAGE_KINDS } from './statuses.js';

/*
 * Whole-performance changes and messages to its guests: what staff send (cancel, write to
 * guests) and what the server answers (a message with its email progress). The server builds
 * its answers through these schemas; the admin reads them with the same types.
 */

export const MESSAGE_LIMITS = { subject: 200, body: 5000 } as const;

const text = (max: number) => z.string().trim().min(1).max(max).refine(noNul, BAD_CHARACTER);

/** `POST /api/admin/performances/:id/cancel`: the staff's words to every guest. */
export const performanceCancelSchema = z.strictObject({
  message: text(MESSAGE_LIMITS.body),
});
export type PerformanceCancelInput = z.infer<typeof performanceCancelSchema>;

/** `POST /api/admin/performances/:id/messages` and its `/preview`. */
export const performanceMessageSchema = z.strictObject({
  // One line: a subject becomes an email header.
  subject: text(MESSAGE_LIMITS.subject).refine((value) => !/[\r\n]/.test(value), BAD_CHARACTER),
  body: text(MESSAGE_LIMITS.body),
  audience: z.enum(MESSAGE_AUDIENCES),
});
export type PerformanceMessageInput = z.infer<typeof performanceMessageSchema>;

/** Where the message's emails are: waiting in the outbox, delivered, given up, or dropped unsent. */
export const messageProgressSchema = z.strictObject({
  queued: z.number(),
  sent: z.number(),
  failed: z.number(),
  dropped: z.number(),
});

export const performanceMessageAnswerSchema = z.strictObject({
  id: z.number(),
  performance_id: z.number(),
  kind: z.enum(PERFORMANCE_MESSAGE_KINDS),
  audience: z.enum(MESSAGE_AUDIENCES).nullable(),
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
export const messagePreviewSchema = z.strictObject({
  audience: z.enum(MESSAGE_AUDIENCES),
  recipients: z.number(),
  /** Guests of the audience without an email address (box-office tickets): nobody writes to them. */
  without_email: z.number(),
  sample: z
    .strictObject({
      subject: z.string(),
      text: z.string(),
    })
    .nullable(),
});
export type MessagePreview = z.infer<typeof messagePreviewSchema>;

export const performanceCancelledSchema = z.strictObject({
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
