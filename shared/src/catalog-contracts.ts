import { z } from 'zod';

/*
 * Answers of the public programme (`GET /api/shows`, `/api/shows/:idOrSlug`,
 * `/api/performances/:id`). The catalogue takes no request bodies, so these stand alone; the
 * public site reads them as types only (its bundle carries no zod).
 */

/**
 * A date as visitors see it. A cancelled one stays listed, marked `cancelled`, with no seats,
 * not bookable and not "sold out" either.
 */
export const publicPerformanceSchema = z.strictObject({
  id: z.number(),
  show_id: z.number(),
  venue: z.strictObject({ id: z.number(), name: z.string() }),
  starts_at: z.string(),
  available_seats: z.number(),
  /** The booking flag, and false once the performance has started or was cancelled. */
  booking_open: z.boolean(),
  sold_out: z.boolean(),
  few_seats_left: z.boolean(),
  cancelled: z.boolean(),
  /** The theatre's booking rules, for the form: MAX_PARTY_SIZE and the confirmation link's life in hours. */
  max_party_size: z.number(),
  confirmation_link_hours: z.number(),
});
export type PublicPerformance = z.infer<typeof publicPerformanceSchema>;

/** A published show, without its dates. */
export const publicShowInfoSchema = z.strictObject({
  id: z.number(),
  title: z.string(),
  slug: z.string(),
  description: z.string(),
});
export type PublicShowInfo = z.infer<typeof publicShowInfoSchema>;

/** A published show with its upcoming dates (the programme lists these; the show page gets one). */
export const publicShowSchema = publicShowInfoSchema.extend({ performances: z.array(publicPerformanceSchema) });
export type PublicShow = z.infer<typeof publicShowSchema>;

export const programmeSchema = z.array(publicShowSchema);

/** One date, with the show it belongs to. */
export const publicPerformanceDetailSchema = publicPerformanceSchema.extend({ show: publicShowInfoSchema });
export type PublicPerformanceDetail = z.infer<typeof publicPerformanceDetailSchema>;
