import type { STAFF_ROLES } from '../../../shared/src/contracts';
import type { ScanOutcome } from '../../../shared/src/door-contracts';

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

/*
 * The sync's answers: typed from their contract in shared/src/door-contracts.ts, which the
 * server's tests check every answer against.
 */
export type { ScanOutcome, SyncConflict, SyncResponse } from '../../../shared/src/door-contracts';
export type ScanResult = ScanOutcome['result'];

/** A confirmed guest found by name, from `GET /api/door/performances/:id/guests?q=`. */
export interface DoorGuest {
  reservation_id: number;
  name: string;
  /** Admitted as a typed code would be (online: through the server, which records it as online). */
  code: string | null;
  party_size: number;
  checked_in_at: string | null;
}
