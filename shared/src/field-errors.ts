import type { z } from 'zod';

/*
 * Field errors of a `400 validation_error`, as codes with parameters:
 * `{"errors": {"name": [{"code": "too_long", "max": 120}]}}`. The server and the web apps build
 * them from zod issues with the one mapping below, so a rule refused before sending and the same
 * rule refused by the server read alike; the apps translate the code (`validation.<code>`), and
 * nobody reads English text. docs/api.md lists the codes.
 *
 * zod is imported for its types only: the public site uses this module (its hand-written checks
 * and its translation of server errors) and keeps zod out of its bundle. The schemas of these
 * shapes are in field-errors-schema.ts.
 */

export const FIELD_ERROR_CODES = [
  // Shape and type
  'required',
  'unknown_field',
  'wrong_type',
  'not_a_number',
  'not_whole_number',
  // Bounds
  'too_short',
  'too_long',
  'too_small',
  'too_large',
  'too_few',
  'too_many',
  'party_too_large',
  // Formats and choices
  'invalid_email',
  'invalid_format',
  'invalid_choice',
  'bad_character',
  'both_or_neither',
  'nothing_to_change',
  // What only the server knows
  'in_past',
  'unknown_show',
  'unknown_venue',
  'unknown_performance',
  'slug_taken',
  'email_taken',
  'password_common',
  // Anything else a contract refuses
  'invalid',
] as const;

export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

/** The parameters a code carries; a code not listed carries none. */
export interface FieldErrorParams {
  /** A JSON type: `string`, `number`, `boolean`, `object`, `array`. */
  wrong_type: { expected: string };
  /** Characters, after trimming. */
  too_short: { min: number };
  too_long: { max: number };
  /** Numbers: `min`/`max` are allowed values unless `exclusive` (then the value must be beyond them). */
  too_small: { min: number; exclusive?: true };
  too_large: { max: number; exclusive?: true };
  /** Items of a list. */
  too_few: { min: number };
  too_many: { max: number };
  /** The theatre's largest party for one reservation. */
  party_too_large: { max: number };
  /** A name from `FORMATS` (`slug`, `phone`, `day`), or zod's (`datetime`, `uuid`, ...), or `reservation_code`. */
  invalid_format: { format: string };
  /** The field that must be given with this one, or left out with it. */
  both_or_neither: { other: string };
}

export type FieldError = {
  [C in FieldErrorCode]: { code: C } & (C extends keyof FieldErrorParams ? FieldErrorParams[C] : unknown);
}[FieldErrorCode];

/** Field name (`party_size`, `items.0.name`, or `non_field_errors`) → its errors. */
export type FieldErrors = Record<string, FieldError[]>;

const KNOWN_CODES: ReadonlySet<string> = new Set(FIELD_ERROR_CODES);

const isFieldErrorCode = (code: unknown): code is FieldErrorCode => typeof code === 'string' && KNOWN_CODES.has(code);

/**
 * Patterns with a name: a contract's `.regex(FORMATS.slug)` is reported as
 * `{code: "invalid_format", format: "slug"}`. zod does not carry parameters on `.regex`, so the
 * pattern itself is the link; an unnamed pattern is reported as format `regex`.
 */
export const FORMATS = {
  slug: /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
  phone: /^[+0-9 ().-]*$/,
  day: /^\d{4}-\d{2}-\d{2}$/,
} as const;

const FORMAT_BY_PATTERN = new Map<string, string>(Object.entries(FORMATS).map(([name, pattern]) => [String(pattern), name]));

/**
 * The field error a custom rule of a contract reports, as zod's `params`:
 * `.refine(noNul, withCode({ code: 'bad_character' }))`, or spread into `ctx.addIssue`.
 */
export const withCode = (error: FieldError): { params: FieldError } => ({ params: error });

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** The value at `path` of what was parsed; undefined where the path leads nowhere. */
function valueAt(input: unknown, path: readonly PathKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || typeof key === 'symbol') return undefined;
    // Own properties only: a field called `__proto__` or `toString` is not a value the client sent.
    if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function bound(value: number | bigint): number {
  return Number(value);
}

/**
 * One zod issue as a field error. `value` is what the client sent at the issue's path: zod's
 * issues do not say whether a value was missing or of the wrong type, and "required" must not
 * be told from the issue's English message.
 */
function fieldErrorOf(issue: Issue, value: unknown, atRoot = false): FieldError {
  switch (issue.code) {
    case 'invalid_type':
      if ((value === undefined || value === null) && !atRoot) return { code: 'required' };
      if (issue.expected === 'int') return { code: 'not_whole_number' };
      if (issue.expected === 'number') return { code: 'not_a_number' };
      return { code: 'wrong_type', expected: issue.expected };
    case 'too_small': {
      const min = bound(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? { code: 'required' } : { code: 'too_short', min };
      if (issue.origin === 'array' || issue.origin === 'set') return { code: 'too_few', min };
      return issue.inclusive === false ? { code: 'too_small', min, exclusive: true } : { code: 'too_small', min };
    }
    case 'too_big': {
      const max = bound(issue.maximum);
      if (issue.origin === 'string') return { code: 'too_long', max };
      if (issue.origin === 'array' || issue.origin === 'set') return { code: 'too_many', max };
      return issue.inclusive === false ? { code: 'too_large', max, exclusive: true } : { code: 'too_large', max };
    }
    case 'invalid_format':
      if (issue.format === 'email') return { code: 'invalid_email' };
      if (issue.format === 'regex') return { code: 'invalid_format', format: FORMAT_BY_PATTERN.get(issue.pattern ?? '') ?? 'regex' };
      return { code: 'invalid_format', format: issue.format };
    case 'invalid_value':
      return { code: 'invalid_choice' };
    case 'invalid_union':
      return unionError(issue.errors, value);
    case 'unrecognized_keys':
      return { code: 'unknown_field' };
    case 'custom': {
      const params = issue.params as { code?: unknown } | undefined;
      return params && isFieldErrorCode(params.code) ? (params as FieldError) : { code: 'invalid' };
    }
    default:
      return { code: 'invalid' };
  }
}

/**
 * No branch of a union matched. Our unions are "a special value, or the real thing"
 * (`'' | email`): the most telling issue is one that is not just "not this literal" or
 * "not this type", then a wrong type, then a plain "not one of the choices".
 */
function unionError(branches: readonly (readonly Issue[])[], value: unknown): FieldError {
  const issues = branches.flat();
  const telling = issues.find((issue) => issue.code !== 'invalid_value' && issue.code !== 'invalid_type') ?? issues.find((issue) => issue.code === 'invalid_type');
  return telling ? fieldErrorOf(telling, valueAt(value, telling.path as readonly PathKey[])) : { code: 'invalid_choice' };
}

/**
 * All issues of a failed parse of `input`, by field: `unrecognized_keys` names each unknown
 * field; an issue of the whole body goes under `non_field_errors`.
 */
export function fieldErrorsOf(error: { readonly issues: readonly Issue[] }, input: unknown): FieldErrors {
  // A Map, not `{}`: field names come from the client, and `errors['toString']` or
  // `errors['__proto__']` on a plain object would hit Object.prototype.
  const errors = new Map<string, FieldError[]>();
  const add = (key: string, fieldError: FieldError) => errors.set(key, [...(errors.get(key) ?? []), fieldError]);
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...issue.path, key].map(String).join('.'), { code: 'unknown_field' });
      continue;
    }
    const path = issue.path as readonly PathKey[];
    add(path.map(String).join('.') || 'non_field_errors', fieldErrorOf(issue, valueAt(input, path), path.length === 0));
  }
  return Object.fromEntries(errors);
}
