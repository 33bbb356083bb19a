import type { AuditEntryJson } from '../../../shared/src/audit-contracts';
import type { AuditDetails } from '../../../shared/src/audit-details';
import { RESERVATION_STATUS_VALUES, STAFF_ROLES } from '../../../shared/src/contracts';
import type { SyncConflict } from '../../../shared/src/door-contracts';

/*
 * Shapes of the staff API's answers, as the contract describes them. Requests are validated with
 * the zod contracts of shared/src/contracts.ts; answers are only read, so plain types suffice.
 */

export const ROLES = STAFF_ROLES;
export type Role = (typeof ROLES)[number];

export interface SessionUser {
  id: number;
  email: string;
  display_name: string;
  role: Role;
}

export interface Venue {
  id: number;
  name: string;
  capacity: number;
}

export interface Show {
  id: number;
  title: string;
  slug: string;
  description: string;
  published: boolean;
}

export interface Performance {
  id: number;
  show_id: number;
  show_title: string;
  venue_id: number;
  venue_name: string;
  starts_at: string;
  capacity: number;
  additional_seats: number;
  manually_occupied_seats: number;
  booking_open: boolean;
  confirmed_seats: number;
  pending_seats: number;
  available_seats: number;
  checked_in_seats: number;
  /** Seats held for open waiting-list offers (counted out of the available ones). */
  held_seats: number;
  /** Entries waiting in line (opt-in confirmed, not offered yet). */
  waiting_entries: number;
  /** When staff cancelled the whole performance; null while it goes ahead. */
  cancelled_at: string | null;
}

export const RESERVATION_STATUSES = RESERVATION_STATUS_VALUES;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];
export const RESERVATION_SOURCES = ['public', 'admin'] as const;
export type ReservationSource = (typeof RESERVATION_SOURCES)[number];

export interface Reservation {
  id: number;
  performance_id: number;
  /** "K7QF-2M9X", given at confirmation: null while pending. */
  code: string | null;
  name: string;
  /** Null for a box-office guest without an address. */
  email: string | null;
  phone: string | null;
  notes: string | null;
  party_size: number;
  status: ReservationStatus;
  source: ReservationSource;
  created_at: string;
  confirmed_at: string | null;
  cancelled_at: string | null;
  checked_in_at: string | null;
}

/** As `WAITLIST_STATUSES` in server/src/db/schema.ts. */
export type WaitlistStatus = 'pending' | 'waiting' | 'offered' | 'accepted' | 'expired' | 'removed';

/** One entry of `GET /api/admin/performances/:id/waitlist` (offered first, then the line, then the rest). */
export interface WaitlistEntry {
  id: number;
  performance_id: number;
  name: string;
  email: string;
  party_size: number;
  status: WaitlistStatus;
  created_at: string;
  joined_at: string | null;
  offered_at: string | null;
  offer_expires_at: string | null;
  reservation_id: number | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export interface ReservationEmail {
  id: number;
  kind: string;
  status: string;
  attempts: number;
  created_at: string;
  sent_at: string | null;
  last_error: string | null;
}

export interface ReservationDetail extends Reservation {
  performance: { id: number; show_id: number; show_title: string; venue_name: string; starts_at: string };
  created_by: string | null;
  check_in: { checked_in_at: string; checked_in_by: string | null; method: string } | null;
  emails: ReservationEmail[];
  /** Worded by audit-render.ts from `details`; `summary` is the English fallback of older entries. */
  history: { at: string; action: string; actor: string | null; summary: string; details: AuditDetails | null }[];
}

export interface DashboardPerformance {
  id: number;
  show_title: string;
  venue_name: string;
  starts_at: string;
  capacity_total: number;
  /** When staff cancelled the whole performance; null while it goes ahead. */
  cancelled_at: string | null;
  confirmed_seats: number;
  pending_seats: number;
  available_seats: number;
  checked_in_seats: number;
}

export interface PerformanceStats {
  seats_over_time: { date: string; confirmed_seats: number }[];
  arrivals: { at: string; seats: number }[];
}

export interface StaffUser {
  id: number;
  email: string;
  display_name: string;
  role: Role;
  active: boolean;
  created_at: string;
  /** Invited and never chose a password: the invitation may be sent again. */
  invitation_pending: boolean;
}

/** An entry of `GET /api/admin/audit` (shared/src/audit-contracts.ts). */
export type AuditEntry = AuditEntryJson;

/** A registered door phone, from `GET /api/door/devices`. */
export interface DoorDevice {
  id: string;
  name: string;
  registered_by: string | null;
  created_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
}

/** A duplicate scan, from `GET /api/door/performances/:id/conflicts` (its contract: shared/src/door-contracts.ts). */
export type DoorConflict = SyncConflict;
