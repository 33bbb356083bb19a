import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { checkInCodeConfirmSchema, checkInConfirmSchema } from './check-in-contracts.js';
import { adminReservationCreateSchema, loginSchema, performanceCreateSchema, reservationCreateSchema, showCreateSchema, venueCreateSchema } from './contracts.js';
import { fieldErrorSchema, fieldErrorsSchema } from './field-errors-schema.js';
import { FIELD_ERROR_CODES, fieldErrorsOf, FORMATS, withCode, type FieldError, type FieldErrors } from './field-errors.js';
import { reservationChangeSchema } from './reservation-change-contracts.js';

/** What the server answers (and the apps show) for `input` refused by `schema`. */
function refusal(schema: z.ZodType, input: unknown): FieldErrors {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`accepted: ${JSON.stringify(input)}`);
  const errors = fieldErrorsOf(result.error, input);
  // Whatever the mapping builds is a valid error body.
  expect(fieldErrorsSchema.safeParse(errors).success).toBe(true);
  return errors;
}

const booking = reservationCreateSchema(10);
const guest = { name: 'Maria Rossi', email: 'maria@example.com', party_size: 2 };
const uuid = '3b241101-e2bb-4255-8caf-4136c566a962';

describe('field errors of the shared contracts', () => {
  it.each<[string, z.ZodType, unknown, FieldErrors]>([
    ['missing fields', booking, {}, { name: [{ code: 'required' }], email: [{ code: 'required' }], party_size: [{ code: 'required' }] }],
    ['null for a required field', booking, { ...guest, name: null }, { name: [{ code: 'required' }] }],
    ['a blank string', booking, { ...guest, name: '   ', email: '' }, { name: [{ code: 'required' }], email: [{ code: 'required' }] }],
    ['a string too long', booking, { ...guest, name: 'x'.repeat(121) }, { name: [{ code: 'too_long', max: 120 }] }],
    ['a NUL character', booking, { ...guest, notes: 'a\u0000b' }, { notes: [{ code: 'bad_character' }] }],
    ['a wrong JSON type', booking, { ...guest, name: 42, notes: { text: 'x' } }, { name: [{ code: 'wrong_type', expected: 'string' }], notes: [{ code: 'wrong_type', expected: 'string' }] }],
    ['a string for a number', booking, { ...guest, party_size: '2' }, { party_size: [{ code: 'not_a_number' }] }],
    ['half a seat', booking, { ...guest, party_size: 1.5 }, { party_size: [{ code: 'not_whole_number' }] }],
    ['no seats', booking, { ...guest, party_size: 0 }, { party_size: [{ code: 'too_small', min: 1 }] }],
    ['more seats than a party may take', booking, { ...guest, party_size: 11 }, { party_size: [{ code: 'party_too_large', max: 10 }] }],
    ['an address that is not one', booking, { ...guest, email: 'maria@' }, { email: [{ code: 'invalid_email' }] }],
    ['a phone with letters', booking, { ...guest, phone: 'call me' }, { phone: [{ code: 'invalid_format', format: 'phone' }] }],
    ['unknown fields', booking, { ...guest, status: 'confirmed', id: 1 }, { status: [{ code: 'unknown_field' }], id: [{ code: 'unknown_field' }] }],
    ['not an object', booking, ['Maria'], { non_field_errors: [{ code: 'wrong_type', expected: 'object' }] }],
    ['null instead of an object', booking, null, { non_field_errors: [{ code: 'wrong_type', expected: 'object' }] }],
    ['a slug with capitals', showCreateSchema, { title: 'Amleto', slug: 'Not A Slug' }, { slug: [{ code: 'invalid_format', format: 'slug' }] }],
    ['a boolean as text', showCreateSchema, { title: 'Amleto', published: 'yes' }, { published: [{ code: 'wrong_type', expected: 'boolean' }] }],
    ['a negative capacity', venueCreateSchema, { name: 'Sala', capacity: -1 }, { capacity: [{ code: 'too_small', min: 0 }] }],
    ['a capacity too large', venueCreateSchema, { name: 'Sala', capacity: 100_001 }, { capacity: [{ code: 'too_large', max: 100_000 }] }],
    [
      'a date without offset and an id beyond the integers',
      performanceCreateSchema,
      { show_id: 99_999_999_999, venue_id: 0, starts_at: '2030-01-01T20:00:00' },
      { show_id: [{ code: 'too_large', max: 2_147_483_647 }], venue_id: [{ code: 'too_small', min: 1 }], starts_at: [{ code: 'invalid_format', format: 'datetime' }] },
    ],
    ['a confirmation without its address', adminReservationCreateSchema(10), { ...guest, email: '', performance_id: 1 }, { email: [{ code: 'required' }] }],
    ['"" or an address: neither', adminReservationCreateSchema(10), { ...guest, email: 'x@', performance_id: 1 }, { email: [{ code: 'invalid_email' }] }],
    ['"" or an address: a number', adminReservationCreateSchema(10), { ...guest, email: 7, performance_id: 1 }, { email: [{ code: 'wrong_type', expected: 'string' }] }],
    ['a choice not on the list', adminReservationCreateSchema(10), { ...guest, performance_id: 1, issue: 'by_pigeon' }, { issue: [{ code: 'invalid_choice' }] }],
    ['a change of nothing', reservationChangeSchema(10), {}, { non_field_errors: [{ code: 'nothing_to_change' }] }],
    ['a device without its event', checkInConfirmSchema, { token: 'x', device_id: uuid }, { event_id: [{ code: 'both_or_neither', other: 'device_id' }] }],
    ['a device id that is not a uuid', checkInConfirmSchema, { token: 'x', device_id: 'x', event_id: uuid }, { device_id: [{ code: 'invalid_format', format: 'uuid' }] }],
    ['an exclusive bound', checkInConfirmSchema, { token: 'x', performance_id: 0 }, { performance_id: [{ code: 'too_small', min: 0, exclusive: true }] }],
    ['a typed code that is not one', checkInCodeConfirmSchema, { code: '!!', performance_id: 1 }, { code: [{ code: 'invalid_format', format: 'reservation_code' }] }],
    ['a login with a blank email', loginSchema, { email: ' ', password: 'x' }, { email: [{ code: 'required' }] }],
  ])('%s', (_name, schema, input, expected) => {
    expect(refusal(schema, input)).toEqual(expected);
  });

  it('keeps field names that shadow Object.prototype as plain entries', () => {
    const input = JSON.parse('{"name":"Maria","email":"maria@example.com","party_size":2,"__proto__":{"status":"confirmed"},"toString":"x"}');
    const errors = refusal(booking, input);
    expect(Object.keys(errors).sort()).toEqual(['__proto__', 'toString']);
    expect(Object.getPrototypeOf(errors)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(errors, '__proto__')?.value).toEqual([{ code: 'unknown_field' }]);
  });

  it('never reads the English message', () => {
    const input = { ...guest, name: '', party_size: 11, zz: 1 };
    const result = booking.safeParse(input);
    const reworded = { issues: result.error!.issues.map((issue) => ({ ...issue, message: 'Campo obbligatorio.' })) };
    expect(fieldErrorsOf(reworded, input)).toEqual(fieldErrorsOf(result.error!, input));
  });
});

describe('the mapping of every zod issue', () => {
  it('names a pattern of FORMATS, and calls another one regex', () => {
    const schema = z.strictObject({ day: z.string().regex(FORMATS.day), hex: z.string().regex(/^[0-9a-f]+$/) });
    expect(refusal(schema, { day: '1/2/2030', hex: 'xyz' })).toEqual({
      day: [{ code: 'invalid_format', format: 'day' }],
      hex: [{ code: 'invalid_format', format: 'regex' }],
    });
  });

  it('counts items of lists, and reports where in the list', () => {
    const schema = z.strictObject({ items: z.array(z.strictObject({ n: z.number() })).min(1).max(2) });
    expect(refusal(schema, { items: [] })).toEqual({ items: [{ code: 'too_few', min: 1 }] });
    expect(refusal(schema, { items: [{ n: 1 }, { n: 2 }, { n: 3 }] })).toEqual({ items: [{ code: 'too_many', max: 2 }] });
    expect(refusal(schema, { items: [{ n: 1 }, { n: 'x', m: 1 }] })).toEqual({ 'items.1.n': [{ code: 'not_a_number' }], 'items.1.m': [{ code: 'unknown_field' }] });
  });

  it('takes a custom rule’s code from its params, and calls a rule without one invalid', () => {
    const schema = z.strictObject({
      a: z.string().refine((v) => v === 'ok', withCode({ code: 'too_short', min: 3 })),
      b: z.string().refine((v) => v === 'ok', 'English only'),
      c: z.string().refine((v) => v === 'ok', { params: { code: 'made_up' } }),
    });
    expect(refusal(schema, { a: 'x', b: 'x', c: 'x' })).toEqual({
      a: [{ code: 'too_short', min: 3 }],
      b: [{ code: 'invalid' }],
      c: [{ code: 'invalid' }],
    });
  });

  it('reports every issue of a field, in order', () => {
    expect(refusal(booking, { ...guest, phone: '\u0000' })).toEqual({ phone: [{ code: 'bad_character' }, { code: 'invalid_format', format: 'phone' }] });
  });
});

describe('fieldErrorSchema', () => {
  const examples: Record<(typeof FIELD_ERROR_CODES)[number], FieldError> = {
    required: { code: 'required' },
    unknown_field: { code: 'unknown_field' },
    wrong_type: { code: 'wrong_type', expected: 'string' },
    not_a_number: { code: 'not_a_number' },
    not_whole_number: { code: 'not_whole_number' },
    too_short: { code: 'too_short', min: 10 },
    too_long: { code: 'too_long', max: 120 },
    too_small: { code: 'too_small', min: 0, exclusive: true },
    too_large: { code: 'too_large', max: 100_000 },
    too_few: { code: 'too_few', min: 1 },
    too_many: { code: 'too_many', max: 500 },
    party_too_large: { code: 'party_too_large', max: 10 },
    invalid_email: { code: 'invalid_email' },
    invalid_format: { code: 'invalid_format', format: 'slug' },
    invalid_choice: { code: 'invalid_choice' },
    bad_character: { code: 'bad_character' },
    both_or_neither: { code: 'both_or_neither', other: 'device_id' },
    nothing_to_change: { code: 'nothing_to_change' },
    in_past: { code: 'in_past' },
    unknown_show: { code: 'unknown_show' },
    unknown_venue: { code: 'unknown_venue' },
    unknown_performance: { code: 'unknown_performance' },
    slug_taken: { code: 'slug_taken' },
    email_taken: { code: 'email_taken' },
    password_common: { code: 'password_common' },
    invalid: { code: 'invalid' },
  };

  it('accepts every code with its parameters', () => {
    expect(new Set(FIELD_ERROR_CODES).size).toBe(FIELD_ERROR_CODES.length);
    for (const error of Object.values(examples)) expect(fieldErrorSchema.parse(error)).toEqual(error);
  });

  it('refuses an unknown code, missing parameters and English text', () => {
    expect(fieldErrorSchema.safeParse({ code: 'too_long' }).success).toBe(false);
    expect(fieldErrorSchema.safeParse({ code: 'not_a_code' }).success).toBe(false);
    expect(fieldErrorsSchema.safeParse({ name: ['At most 120 characters.'] }).success).toBe(false);
  });

  it('describes the FieldError type, no more and no less (checked by tsc)', () => {
    expectTypeOf<z.infer<typeof fieldErrorSchema>>().toExtend<FieldError>();
    expectTypeOf<FieldError>().toExtend<z.infer<typeof fieldErrorSchema>>();
  });
});
