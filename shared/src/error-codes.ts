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
  expired_token: 410,
  device_revoked: 410,
  offer_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  status: ErrorCode;
  detail: string;
  errors?: Record<string, string[]>;
}
