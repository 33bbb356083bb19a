/*
 * The closed lists of the data model, each written once. The database schema builds its CHECK
 * constraints and column types from them (server/src/db/schema.ts), the API contracts their
 * enums, the apps their filters and labels. Adding a value here means a migration (drizzle-kit
 * sees the changed constraint) and words for it in both languages.
 */

export const USER_ROLES = ['admin', 'content', 'box_office', 'door'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const RESERVATION_STATUSES = ['pending', 'confirmed', 'cancelled'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];
/** Reservations still in play: not cancelled (pending ones may yet be confirmed). */
export const LIVE_RESERVATION_STATUSES = ['pending', 'confirmed'] as const satisfies readonly ReservationStatus[];
/** Booked by the guest on the public site, or by staff (phone, walk-in). */
export const RESERVATION_SOURCES = ['public', 'admin'] as const;
export type ReservationSource = (typeof RESERVATION_SOURCES)[number];

export const TOKEN_PURPOSES = ['confirmation', 'check_in'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];
export const STAFF_TOKEN_PURPOSES = ['invitation', 'password_reset'] as const;
export type StaffTokenPurpose = (typeof STAFF_TOKEN_PURPOSES)[number];
export const WAITLIST_TOKEN_PURPOSES = ['join', 'offer'] as const;
export type WaitlistTokenPurpose = (typeof WAITLIST_TOKEN_PURPOSES)[number];

/** See `waitlistEntries` in server/src/db/schema.ts for the life of an entry. */
export const WAITLIST_STATUSES = ['pending', 'waiting', 'offered', 'accepted', 'expired', 'removed'] as const;
export type WaitlistStatus = (typeof WAITLIST_STATUSES)[number];
/** Entries still on the list: not yet opted in, in line, or holding an offer (staff may remove them). */
export const LIVE_WAITLIST_STATUSES = ['pending', 'waiting', 'offered'] as const satisfies readonly WaitlistStatus[];
export const isLiveWaitlistStatus = (status: WaitlistStatus): boolean => (LIVE_WAITLIST_STATUSES as readonly WaitlistStatus[]).includes(status);

/** `dropped`: never sent because what it was about went away first (a ticket cancelled before delivery). */
export const MAIL_STATUSES = ['pending', 'sent', 'failed', 'dropped'] as const;

/** Who a message to a performance's guests goes to. */
export const MESSAGE_AUDIENCES = ['confirmed', 'pending', 'waitlist', 'checked_in', 'not_checked_in'] as const;
export type MessageAudience = (typeof MESSAGE_AUDIENCES)[number];
export const PERFORMANCE_MESSAGE_KINDS = ['message', 'cancellation', 'move'] as const;
export type PerformanceMessageKind = (typeof PERFORMANCE_MESSAGE_KINDS)[number];

/** What the server made of one door scan (the shared decision's verdicts, shared/src/check-in-decision.ts). */
export const SCAN_RESULTS = ['accepted', 'duplicate', 'revoked', 'unknown', 'wrong_performance', 'too_early', 'too_late'] as const;
export type ScanResult = (typeof SCAN_RESULTS)[number];

/** A check-in confirmed by the server as it happened, or a door phone's scan synced later. */
export const CHECK_IN_METHODS = ['online', 'offline'] as const;
export type CheckInMethod = (typeof CHECK_IN_METHODS)[number];
