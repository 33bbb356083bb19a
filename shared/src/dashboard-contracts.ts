import { z } from 'zod';
import { adminPerformanceSchema } from './contracts.js';

/*
 * What staff look at first (`GET /api/admin/dashboard`) and how one evening went
 * (`GET /api/admin/performances/:id/stats`). The dashboard lists performances in the one staff
 * shape (`adminPerformanceSchema`), the same the programme page lists.
 */

export const dashboardSchema = z.strictObject({
  /** The soonest coming performances, and those that started in the last hours (the door is open). */
  performances: z.array(adminPerformanceSchema),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

export const performanceStatsSchema = z.strictObject({
  /** Confirmed seats, cumulated, per day of confirmation (`YYYY-MM-DD` in the theatre's zone). */
  seats_over_time: z.array(z.strictObject({ date: z.string(), confirmed_seats: z.number().int() })),
  /** Seats admitted per 10-minute slot of the evening (`at`: the slot's start). */
  arrivals: z.array(z.strictObject({ at: z.string(), seats: z.number().int() })),
});
export type PerformanceStats = z.infer<typeof performanceStatsSchema>;
