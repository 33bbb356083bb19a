import type { STAFF_ROLES } from '../../../shared/src/contracts';

/*
 * Shapes of the door API's answers (server/src/door/door-routes.ts, docs/api.md). Answers are
 * only read, so plain types suffice; the manifest has its own checked format in
 * shared/src/manifest.ts.
 */

export type Role = (typeof STAFF_ROLES)[number];

export interface SessionUser {
  id: number;
  email: string;
  display_name: string;
  role: Role;
}

/** The roles the door routes let in (`requireRole('door')`; an admin may do everything). */
export const DOOR_ROLES: readonly Role[] = ['door', 'admin'];

export interface DoorPerformance {
  id: number;
  show_title: string;
  venue_name: string;
  starts_at: string;
}

export interface RegisteredDevice {
  id: string;
  name: string;
  created_at: string;
}

/** One scan the device made, as `POST /api/door/sync` takes it. */
export interface ScanEvent {
  id: string;
  performance_id: number;
  token_hash?: string;
  code_hash?: string;
  /** The device's clock. */
  scanned_at: string;
  /** Server time minus device time, as estimated when scanning. */
  clock_offset_ms: number;
}

export type ScanResult = 'accepted' | 'duplicate' | 'revoked' | 'unknown' | 'wrong_performance' | 'too_early' | 'too_late';

export interface ScanOutcome {
  id: string;
  result: ScanResult;
  reservation_id: number | null;
  party_size: number | null;
  winner: { event_id: string | null; at: string; device: string | null; staff: string | null } | null;
}

/** A ticket scanned twice: `device` made the losing scan, `winner` the one that admitted. */
export interface SyncConflict {
  event_id: string;
  reservation_id: number | null;
  scanned_at: string;
  device: string;
  winner: { event_id: string; at: string; device: string | null } | null;
}

export interface SyncResponse {
  results: ScanOutcome[];
  conflicts: SyncConflict[];
  server_time: string;
}

/** A confirmed guest found by name, from `GET /api/door/performances/:id/guests?q=`. */
export interface DoorGuest {
  reservation_id: number;
  name: string;
  party_size: number;
  checked_in_at: string | null;
}
