import { z } from 'zod';

/*
 * Answers of the door API (server/src/door/door-routes.ts), shared by the server, whose tests
 * validate every answer against them, and the door and admin apps, which take their types from
 * them instead of writing the shapes again. Strict objects: a field added on one side only fails
 * the server's tests instead of drifting silently.
 */

const instant = z.iso.datetime({ offset: true });
const nullableText = z.string().nullable();

export const SCAN_RESULT_VALUES = ['accepted', 'duplicate', 'revoked', 'unknown', 'wrong_performance', 'too_early', 'too_late'] as const;

/** The server's answer to one scan of a sync batch. */
export const scanOutcomeSchema = z.strictObject({
  id: z.uuid(),
  result: z.enum(SCAN_RESULT_VALUES),
  reservation_id: z.number().int().positive().nullable(),
  party_size: z.number().int().positive().nullable(),
  /** For a duplicate: the scan that admitted the ticket. */
  winner: z.strictObject({ event_id: nullableText, at: instant, device: nullableText, staff: nullableText }).nullable(),
});

/**
 * A ticket scanned twice: `device` made the losing scan, `winner` the one that admitted. The
 * guest's name is there so that staff recognise the party (door staff may look guests up by name
 * online anyway).
 */
export const syncConflictSchema = z.strictObject({
  event_id: z.uuid(),
  reservation_id: z.number().int().positive().nullable(),
  guest_name: nullableText,
  scanned_at: instant,
  device: z.string(),
  winner: z.strictObject({ event_id: z.uuid(), at: instant, device: nullableText }).nullable(),
});

/** `POST /api/door/sync`. */
export const syncResponseSchema = z.strictObject({
  results: z.array(scanOutcomeSchema),
  conflicts: z.array(syncConflictSchema),
  server_time: instant,
});

/** `GET /api/door/performances/:id/conflicts`: the same conflicts, for a whole performance. */
export const performanceConflictsSchema = z.array(syncConflictSchema);

/**
 * `GET /api/door/devices/next-name`: N of the first "Door N" no active device is called. A
 * number, not a name: the phone words it in its own language ("Door 3", "Porta 3").
 */
export const nextDeviceNameSchema = z.strictObject({ number: z.number().int().positive() });

export type ScanOutcome = z.infer<typeof scanOutcomeSchema>;
export type SyncConflict = z.infer<typeof syncConflictSchema>;
export type SyncResponse = z.infer<typeof syncResponseSchema>;
export type NextDeviceName = z.infer<typeof nextDeviceNameSchema>;

/*
 * The reservation's history of a door conflict. Two phones admitted one ticket offline; the
 * earliest scan, by each phone's clock corrected with its known offset, is the check-in.
 * - `check_in.reassign`: a scan that reached the server later had happened earlier, and took
 *   the check-in over from the scan that had it;
 * - `check_in.duplicate`: a scan from another phone (or staff member) lost to the check-in.
 * The audit row's summary holds this object as JSON, so the admin words it in either language.
 */
export const CHECK_IN_CONFLICT_ACTIONS = ['check_in.reassign', 'check_in.duplicate'] as const;
export type CheckInConflictAction = (typeof CHECK_IN_CONFLICT_ACTIONS)[number];

/** One scan as staff know it: the phone (null for an online check-in), who held it, when (ms). */
const conflictScan = z.strictObject({ device: nullableText, staff: nullableText, at: instant });

export const checkInConflictSchema = z.strictObject({
  /** The scan that is the check-in. */
  won: conflictScan,
  /** The scan that is not: for a reassignment, the one that had been the check-in. */
  lost: conflictScan,
  /** Why `won` won: the only rule there is, named so that the history can say it. */
  rule: z.literal('earliest_corrected_scan'),
});
export type CheckInConflict = z.infer<typeof checkInConflictSchema>;

export const isCheckInConflictAction = (action: string): action is CheckInConflictAction =>
  (CHECK_IN_CONFLICT_ACTIONS as readonly string[]).includes(action);

/** The conflict an audit summary holds, or null for any other summary. */
export function readCheckInConflict(summary: string): CheckInConflict | null {
  try {
    const parsed = checkInConflictSchema.safeParse(JSON.parse(summary));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
