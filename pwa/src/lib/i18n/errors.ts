import type { ZodError } from 'zod';
import { fieldErrorsOf, type FieldError, type FieldErrors } from '../../../../shared/src/field-errors';
import { ApiError } from '../api';
import { formatTime } from './format';
import { t, tOr, type MessageKey, type Params } from './translate';

/**
 * Words for a failed request: always from its code, never from `detail` (English for developers).
 * A code without words yet still gets a sentence, with the HTTP status to quote to support.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const retryAfter = Number(error.data.retry_after);
    const params = { seconds: Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : 60, status: error.status };
    const available = error.data.available_seats;
    if (typeof available === 'number') Object.assign(params, { available });
    // An account that waits after wrong passwords: say until when (and that an admin can unlock it).
    if (error.code === 'rate_limited' && typeof error.data.locked_until === 'string') {
      return t('error.account_locked_until', { time: formatTime(error.data.locked_until) });
    }
    // "Wait 352 seconds" reads badly: past a minute and a half, the wait is said in minutes.
    if (error.code === 'rate_limited' && params.seconds >= 90) {
      return t('error.rate_limited_minutes', { count: Math.ceil(params.seconds / 60) });
    }
    return tOr(`error.${error.code}`, t('error.unknown', params), params);
  }
  return t('error.unknown', { status: 0 });
}

/** Field errors in words, as a form shows them: field name → messages in the user's language. */
export type FieldMessages = Record<string, string[]>;

/**
 * The words for one field error code, from the server or from a check made before sending
 * (shared/src/field-errors.ts): `validation.<code>`, its parameters filled in. A code this
 * build does not know yet (a newer server) reads as "not valid".
 */
export function fieldErrorMessage(error: FieldError): string {
  const params: Params = {};
  for (const [name, value] of Object.entries(error)) if (name !== 'code' && (typeof value === 'number' || typeof value === 'string')) params[name] = value;
  switch (error.code) {
    case 'invalid_format':
      return tOr(`validation.format.${error.format}`, t('validation.invalid_format'));
    case 'too_small':
      return error.exclusive ? t('validation.too_small_exclusive', params) : t('validation.too_small', params);
    case 'too_large':
      return error.exclusive ? t('validation.too_large_exclusive', params) : t('validation.too_large', params);
    default: {
      // Every known code has words: a code without them fails to compile here.
      const key: MessageKey = `validation.${error.code}`;
      return tOr(key, t('validation.invalid'), params);
    }
  }
}

/** Field errors as codes → words, field by field. */
function fieldMessages(errors: FieldErrors): FieldMessages {
  return Object.fromEntries(Object.entries(errors).map(([field, list]) => [field, list.map(fieldErrorMessage)]));
}

/** Field errors of a 400 validation_error, in the user's language. */
export function apiFieldErrors(error: unknown): FieldMessages {
  return error instanceof ApiError ? fieldMessages(error.errors) : {};
}

/**
 * A shared contract's refusal of `input`, in the user's language: the same mapping from zod
 * issues to codes as the server's, so a rule reads the same before and after sending.
 */
export function zodFieldErrors(error: ZodError, input: unknown): FieldMessages {
  return fieldMessages(fieldErrorsOf(error, input));
}
