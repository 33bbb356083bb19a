import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_STATUS, type ErrorCode } from '../../../shared/src/error-codes.js';

/**
 * Every failure a client may see is an AppError with a stable code. The single onError
 * handler in app.ts turns it into `{status, detail, errors?}`; UIs translate the code,
 * never the detail text.
 */
export class AppError extends Error {
  readonly httpStatus: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly extra: { errors?: Record<string, string[]>; data?: Record<string, unknown>; retryAfterSeconds?: number } = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.httpStatus = ERROR_STATUS[code] as ContentfulStatusCode;
  }
}

export const notFound = (detail = 'Not found.') => new AppError('not_found', detail);
export const invalidToken = (detail = 'The token is invalid.') => new AppError('invalid_token', detail);
export const forbidden = (detail = 'You do not have permission to do this.') => new AppError('forbidden', detail);
export const notAuthenticated = (detail = 'Authentication required.') => new AppError('not_authenticated', detail);
export const validationError = (errors: Record<string, string[]>, detail = 'The request is not valid.') =>
  new AppError('validation_error', detail, { errors });
