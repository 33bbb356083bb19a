import { z } from 'zod';
import { FIELD_ERROR_CODES, type FieldErrorCode, type FieldErrorParams } from './field-errors.js';

/*
 * The schemas of field errors (shared/src/field-errors.ts), for the error body's contract and the
 * tests that validate answers. Apart from field-errors.ts because these need zod at run time,
 * which the public site leaves out of its bundle.
 */

type PlainCode = Exclude<FieldErrorCode, keyof FieldErrorParams>;

const bound = z.number();

/** Each code that carries parameters, with them. */
const withParams = [
  z.object({ code: z.literal('wrong_type'), expected: z.string() }),
  z.object({ code: z.literal('too_short'), min: bound }),
  z.object({ code: z.literal('too_long'), max: bound }),
  z.object({ code: z.literal('too_small'), min: bound, exclusive: z.literal(true).optional() }),
  z.object({ code: z.literal('too_large'), max: bound, exclusive: z.literal(true).optional() }),
  z.object({ code: z.literal('too_few'), min: bound }),
  z.object({ code: z.literal('too_many'), max: bound }),
  z.object({ code: z.literal('party_too_large'), max: bound }),
  z.object({ code: z.literal('invalid_format'), format: z.string() }),
  z.object({ code: z.literal('both_or_neither'), other: z.string() }),
] as const;

const CODES_WITH_PARAMS: ReadonlySet<string> = new Set(withParams.map((schema) => schema.shape.code.value));
const PLAIN_CODES = FIELD_ERROR_CODES.filter((code): code is PlainCode => !CODES_WITH_PARAMS.has(code)) as [PlainCode, ...PlainCode[]];

/** One field error: `{"code": "too_long", "max": 120}`. */
export const fieldErrorSchema = z.discriminatedUnion('code', [z.object({ code: z.enum(PLAIN_CODES) }), ...withParams]);

/** `errors` of a `400 validation_error`: field name → its errors. */
export const fieldErrorsSchema = z.record(z.string(), z.array(fieldErrorSchema));
