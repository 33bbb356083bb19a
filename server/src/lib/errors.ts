import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_STATUS, type ErrorCode } from '../../../shared/src/error-codes.js';
import type { FieldErrors } from '../../../shared/src/field-errors.js';

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
    readonly extra: { errors?: FieldErrors; data?: Record<string, unknown>; retryAfterSeconds?: number } = {},
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
/** `400 validation_error` with field errors as codes (shared/src/field-errors.ts); `detail` stays English for developers. */
export const validationError = (errors: FieldErrors, detail = 'The request is not valid.') =>
  new AppError('validation_error', detail, { errors });

/**
 * Database errors that are the client's doing, mapped to codes: a unique index that a
 * concurrent request won (two shows with one slug) is a conflict, not a crash. Drizzle wraps
 * driver errors, so the SQLSTATE may sit on the error or on its cause.
 */
export function fromDatabaseError(error: unknown): AppError | undefined {
  const sqlState = (e: unknown) => (typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : undefined);
  const state = sqlState(error) ?? sqlState((error as { cause?: unknown } | null)?.cause);
  if (state === '23505') return new AppError('conflict', 'This already exists (someone may have just created it).');
  if (state === '23503') return new AppError('conflict', 'Something else still refers to this.');
  if (state?.startsWith('22')) return new AppError('validation_error', 'A value is out of range or malformed.', { errors: {} });
  return undefined;
}
