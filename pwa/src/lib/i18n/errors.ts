import type { ZodError } from 'zod';
import { ApiError } from '../api';
import { formatTime } from './format';
import { t, tOr, type MessageKey } from './translate';

export type { KnownErrorCode } from './known-error-codes';

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

export type FieldErrors = Record<string, string[]>;

/*
 * The server sends field messages in English only. The client validates with the same zod
 * contracts first (below, in the user's language), so what the server still reports is mostly
 * what only it can know; those messages get words here, any other is shown as sent.
 */
const SERVER_FIELD_MESSAGES: Record<string, MessageKey> = {
  'This field is required.': 'validation.required',
  'Enter a valid email address.': 'validation.email',
  'Enter a whole number.': 'validation.whole_number',
  'Cannot be negative.': 'validation.not_negative',
  'Must be positive.': 'validation.positive',
  'Unknown id.': 'validation.unknown_reference',
  'Unknown show.': 'validation.unknown_show',
  'Unknown venue.': 'validation.unknown_venue',
  'Unknown field.': 'validation.unknown_field',
  'Another show already uses this slug.': 'validation.slug_taken',
  'Use lower-case letters, digits and dashes.': 'validation.slug',
  'Use digits, spaces and + ( ) . - only.': 'validation.phone',
  'Use an ISO 8601 date and time with offset.': 'validation.datetime',
  'Contains a character that is not allowed.': 'validation.bad_character',
  'This password is too common: it appears in lists of breached passwords. Choose another.': 'validation.password_common',
};

function localizeServerMessage(message: string): string {
  const key = SERVER_FIELD_MESSAGES[message];
  if (key) return t(key);
  const atMostChars = /^At most (\d+) characters\.$/.exec(message);
  if (atMostChars) return t('validation.too_long', { max: Number(atMostChars[1]) });
  const atMostSeats = /^At most (\d+) seats per reservation\.$/.exec(message);
  if (atMostSeats) return t('validation.party_too_large', { max: Number(atMostSeats[1]) });
  const atLeastChars = /^At least (\d+) characters\.$/.exec(message);
  if (atLeastChars) return t('validation.too_short', { min: Number(atLeastChars[1]) });
  if (/^At least 1 seat\.$/.test(message)) return t('validation.min', { min: 1 });
  return message;
}

/** Field errors of a 400 validation_error, in the user's language. */
export function apiFieldErrors(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(Object.entries(error.errors).map(([field, messages]) => [field, messages.map(localizeServerMessage)]));
}

type Issue = ZodError['issues'][number];

function issueMessage(issue: Issue, field: string): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1 ? t('validation.required') : t('validation.too_short', { min: Number(issue.minimum) });
      }
      return t('validation.min', { min: Number(issue.minimum) });
    case 'too_big':
      if (issue.origin === 'string') return t('validation.too_long', { max: Number(issue.maximum) });
      return t('validation.max', { max: Number(issue.maximum) });
    case 'invalid_type':
      // A missing id is an empty <select>.
      if (field.endsWith('_id')) return t('validation.choose');
      return issue.expected === 'number' || issue.expected === 'int' ? t('validation.whole_number') : t('validation.required');
    case 'invalid_format':
      if (issue.format === 'email') return t('validation.email');
      if (issue.format === 'datetime') return t('validation.datetime');
      if (field === 'slug') return t('validation.slug');
      if (field === 'phone') return t('validation.phone');
      return t('validation.invalid');
    case 'custom':
      // The contracts' only custom rule refuses U+0000.
      return t('validation.bad_character');
    case 'unrecognized_keys':
      return t('validation.unknown_field');
    default:
      return t('validation.invalid');
  }
}

/** zod issues of a shared contract → field errors in the user's language (by issue code, not text). */
export function zodFieldErrors(error: ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'non_field_errors';
    (errors[field] ??= []).push(issueMessage(issue, field));
  }
  return errors;
}
