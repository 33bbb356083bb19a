/**
 * Stable, machine-readable error codes of the API, with their HTTP status.
 * Shared with the UIs, which translate codes into words (never the `detail` text).
 */
export const ERROR_STATUS = {
  validation_error: 400,
  invalid_json: 400,
  not_authenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  not_found: 404,
  invalid_token: 404,
  /** Undo of a check-in that does not exist (never made, or undone already). */
  not_checked_in: 404,
  /** A reservation code typed at the door that no reservation has. */
  unknown_code: 404,
  method_not_allowed: 405,
  already_confirmed: 409,
  insufficient_seats: 409,
  booking_closed: 409,
  already_checked_in: 409,
  reservation_not_confirmed: 409,
  wrong_performance: 409,
  too_early: 409,
  too_late: 409,
  reservation_cancelled: 409,
  cancellation_closed: 409,
  conflict: 409,
  has_reservations: 409,
  in_use: 409,
  seats_available: 409,
  offer_closed: 409,
  no_email: 409,
  ticket_not_derivable: 409,
  /** A reservation moves only to another performance of its own show. */
  different_show: 409,
  /** The whole performance was cancelled by staff: nothing more happens to it. */
  performance_cancelled: 409,
  /** A message to guests found nobody in the chosen audience (with an email address). */
  no_recipients: 409,
  expired_token: 410,
  device_revoked: 410,
  offer_expired: 410,
  payload_too_large: 413,
  /** A performance dated in the past, without `allow_past: true` (an archived record). */
  starts_in_past: 422,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Every code, as a list (for the error body's schema). */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];
