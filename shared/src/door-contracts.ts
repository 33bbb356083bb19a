import { z } from 'zod';
import { BAD_CHARACTER, idSchema, LIMITS, MAX_ID, noNul, performanceSummarySchema } from './contracts.js';
import { withCode } from './field-errors.js';
import type { PublicKeyJwk } from './manifest.js';
import { SCAN_RESULTS } from './statuses.js';

/*
 * Requests and answers of the door API (server/src/door/door-routes.ts, declared in
 * shared/src/api/door-endpoints.ts), shared by the server, which validates requests with them
 * and whose tests validate every answer against them, and the door and admin apps, which take
 * their types from them instead of writing the shapes again. Strict objects: a field added on
 * one side only fails the server's tests instead of drifting silently. The signed manifest has
 * its own format and checker in shared/src/manifest.ts (the door bundle carries no zod).
 */

const instant = z.iso.datetime({ offset: true });
const nullableText = z.string().nullable();

// ── Requests ────────────────────────────────────────────────────────────────

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * One scan a door device made, as it keeps it in its outbox and as `POST /api/door/sync` takes
 * it: the SHA-256 of the scanned token or of the typed reservation code, never the token itself.
 */
const scanEventSchema = z
  .strictObject({
    id: z.uuid(),
    performance_id: idSchema,
    /** SHA-256 hex of the scanned check-in token… */
    token_hash: hex64.optional(),
    /** …or of the reservation code typed by staff (a guest without phone). */
    code_hash: hex64.optional(),
    /** The device's clock. */
    scanned_at: instant,
    /** Server time minus device time, as the device estimated it when scanning. */
    clock_offset_ms: z
      .number()
      .int()
      .min(-7 * 86_400_000)
      .max(7 * 86_400_000),
  })
  // Exactly one of the two hashes.
  .refine((event) => Boolean(event.token_hash) !== Boolean(event.code_hash), withCode({ code: 'invalid' }));
export type ScanEvent = z.infer<typeof scanEventSchema>;

/** `POST /api/door/sync`: a batch of scans from one registered device. */
export const syncRequestSchema = z.strictObject({
  device_id: z.uuid(),
  events: z.array(scanEventSchema).max(5000),
});

/** `POST /api/door/devices`: the name a phone is registered under ("Door 3"). */
export const deviceRegistrationSchema = z.strictObject({
  name: z.string().trim().min(1).max(LIMITS.venueName).refine(noNul, BAD_CHARACTER),
});

/** `GET /api/door/performances/:id/guests?q=`: part of a guest's name. */
export const doorGuestQuerySchema = z.strictObject({
  q: z.string().trim().min(2).max(LIMITS.name).refine(noNul, BAD_CHARACTER),
});

/** `GET /api/door/performances/:id/manifest?since=`: the change cursor the device holds (a delta), or none (full). */
export const manifestQuerySchema = z.strictObject({ since: z.coerce.number().int().min(0).max(MAX_ID).optional() });

// ── Answers ─────────────────────────────────────────────────────────────────

/** A manifest-signing public key (the type is shared/src/manifest.ts's, which the door checks signatures with). */
const publicKeyJwkSchema = z.strictObject({
  kid: z.string(),
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string(),
}) satisfies z.ZodType<PublicKeyJwk>;

/** `GET /api/door/keys`: every key a manifest may be signed with (the active one and recently retired ones). */
export const publicKeysSchema = z.strictObject({ keys: z.array(publicKeyJwkSchema) });

/** `GET /api/door/performances`: the nights a door may scan for, today's first. */
export const doorPerformanceListSchema = z.array(performanceSummarySchema);
export type DoorPerformance = z.infer<typeof performanceSummarySchema>;

/**
 * A confirmed guest found by name (`GET /api/door/performances/:id/guests`): only what the door
 * needs, no email or phone. The code lets the phone admit the guest as it admits a typed code.
 */
const doorGuestSchema = z.strictObject({
  reservation_id: z.number().int().positive(),
  name: z.string(),
  code: nullableText,
  party_size: z.number().int().positive(),
  checked_in_at: instant.nullable(),
});
export const doorGuestListSchema = z.array(doorGuestSchema);
export type DoorGuest = z.infer<typeof doorGuestSchema>;

/** `POST /api/door/devices`, 201: the phone as registered; it keeps this and sends the id with its scans. */
export const registeredDeviceSchema = z.strictObject({ id: z.uuid(), name: z.string(), created_at: instant });
export type RegisteredDevice = z.infer<typeof registeredDeviceSchema>;

/** `GET /api/door/devices`: every registered phone, for the administrators (who registered it, when last seen, revoked). */
const doorDeviceSchema = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  registered_by: nullableText,
  created_at: instant,
  last_seen_at: instant.nullable(),
  revoked_at: instant.nullable(),
});
export const doorDeviceListSchema = z.array(doorDeviceSchema);
export type DoorDevice = z.infer<typeof doorDeviceSchema>;

/** The server's answer to one scan of a sync batch. */
export const scanOutcomeSchema = z.strictObject({
  id: z.uuid(),
  result: z.enum(SCAN_RESULTS),
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
