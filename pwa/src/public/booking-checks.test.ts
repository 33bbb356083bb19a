import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, reservationCreateSchema } from '../../../shared/src/contracts';
import { fieldErrorsOf } from '../../../shared/src/field-errors';
import { BOOKING_LIMITS, MAX_PARTY_SIZE, bookingBody, bookingProblems, type BookingInput } from './booking-checks';

/*
 * The public form checks a reservation by hand (no zod in its bundle). These tests hold the
 * hand-written rules to the shared contract the server enforces: same fields refused, each for
 * a reason (a field error code) the contract gives too, same normalised body accepted.
 */

const schema = reservationCreateSchema(MAX_PARTY_SIZE);
const valid: BookingInput = { name: 'Maria Rossi', email: 'maria@example.com', phone: '', notes: '', party_size: 2 };

function zodVerdict(input: BookingInput) {
  const sent = { ...input, party_size: input.party_size ?? undefined };
  const result = schema.safeParse(sent);
  const codes: Record<string, string[]> = {};
  if (result.success) return { fields: [], codes, body: result.data };
  const errors = fieldErrorsOf(result.error, sent);
  for (const [field, list] of Object.entries(errors)) codes[field] = list.map((error) => error.code);
  return { fields: Object.keys(errors).sort(), codes, body: undefined };
}

/** Same fields refused as the contract, each with one of the contract's codes for it. */
function expectAgreement(input: BookingInput) {
  const expected = zodVerdict(input);
  const problems = bookingProblems(input);
  expect(Object.keys(problems).sort()).toEqual(expected.fields);
  for (const [field, problem] of Object.entries(problems)) expect(expected.codes[field]).toContain(problem.code);
  if (expected.body) expect(bookingBody(input)).toEqual(expected.body);
}

const cases: [string, Partial<BookingInput>][] = [
  ['a valid booking', {}],
  ['spaces around everything', { name: '  Maria  ', email: '  Maria@Example.COM ', phone: ' +39 06 1234 ', notes: '  second row  ' }],
  ['an empty name', { name: '' }],
  ['a name of spaces', { name: '   ' }],
  ['the longest name', { name: 'n'.repeat(LIMITS.name) }],
  ['a name too long', { name: 'n'.repeat(LIMITS.name + 1) }],
  ['a long name that fits once trimmed', { name: ` ${'n'.repeat(LIMITS.name)} ` }],
  ['a NUL in the name', { name: 'Ma\u0000ria' }],
  ['an empty email', { email: '' }],
  ['an email without @', { email: 'maria.example.com' }],
  ['an email without a domain dot', { email: 'maria@example' }],
  ['an email with two dots', { email: 'maria..rossi@example.com' }],
  ['an email starting with a dot', { email: '.maria@example.com' }],
  ['an email with a plus and apostrophe', { email: "o'neil+teatro@example.co.uk" }],
  ['an email with spaces inside', { email: 'maria rossi@example.com' }],
  ['an email too long', { email: `${'m'.repeat(250)}@example.com` }],
  ['an accented email', { email: 'niccolò@example.com' }],
  ['a phone with letters', { phone: '06-CALLME' }],
  ['a phone with every allowed sign', { phone: '+39 (06) 123.456-78' }],
  ['a phone too long', { phone: '1'.repeat(LIMITS.phone + 1) }],
  ['the longest phone', { phone: '1'.repeat(LIMITS.phone) }],
  ['notes too long', { notes: 'x'.repeat(LIMITS.notes + 1) }],
  ['the longest notes', { notes: 'x'.repeat(LIMITS.notes) }],
  ['a NUL in the notes', { notes: 'a\u0000b' }],
  ['no party size', { party_size: null }],
  ['zero seats', { party_size: 0 }],
  ['one seat', { party_size: 1 }],
  ['the most seats', { party_size: MAX_PARTY_SIZE }],
  ['too many seats', { party_size: MAX_PARTY_SIZE + 1 }],
  ['half a seat', { party_size: 1.5 }],
  ['not a number of seats', { party_size: Number.NaN }],
  ['too many seats, and not whole', { party_size: MAX_PARTY_SIZE + 0.5 }],
  ['everything wrong at once', { name: '', email: 'x', phone: 'abc', notes: 'y'.repeat(2000), party_size: 0 }],
];

describe('public booking checks', () => {
  it('use the contract’s limits', () => {
    expect(BOOKING_LIMITS).toEqual({ name: LIMITS.name, email: LIMITS.email, phone: LIMITS.phone, notes: LIMITS.notes });
  });

  it.each(cases)('agree with reservationCreateSchema on %s', (_name, change) => {
    expectAgreement({ ...valid, ...change });
  });

  it('report codes with the contract’s parameters', () => {
    expect(bookingProblems({ ...valid, name: 'n'.repeat(LIMITS.name + 1), phone: 'abc', party_size: MAX_PARTY_SIZE + 1 })).toEqual({
      name: { code: 'too_long', max: LIMITS.name },
      phone: { code: 'invalid_format', format: 'phone' },
      party_size: { code: 'party_too_large', max: MAX_PARTY_SIZE },
    });
    expect(bookingProblems({ ...valid, email: '', party_size: null })).toEqual({ email: { code: 'required' }, party_size: { code: 'required' } });
  });

  it('agree with reservationCreateSchema on thousands of generated bookings', () => {
    // Pieces that sit on the rules' edges: separators of addresses, phone signs, NUL, spaces, accents.
    const piece = fc.constantFrom('a', 'Z', '7', '.', '..', '@', '-', '_', "'", '+', ' ', '(', ')', '\u0000', 'è', 'example', 'com', 'it');
    const glued = (maxPieces: number) => fc.array(piece, { maxLength: maxPieces }).map((pieces) => pieces.join(''));
    const nearLimit = (max: number) => fc.integer({ min: max - 3, max: max + 3 }).map((length) => 'x'.repeat(length));
    const text = (max: number) => fc.oneof(glued(12), fc.string({ maxLength: 40 }), nearLimit(max));
    const email = fc.oneof(
      glued(12),
      fc.tuple(glued(6), glued(6), fc.constantFrom('com', 'it', 'c', 'co.uk', '')).map(([local, domain, top]) => `${local}@${domain}.${top}`),
      fc.emailAddress(),
      nearLimit(LIMITS.email).map((local) => `${local}@example.com`),
    );
    const seats = fc.oneof(fc.integer({ min: -2, max: MAX_PARTY_SIZE + 2 }), fc.double({ min: 0, max: 12, noNaN: true }), fc.constant(null));
    const booking = fc.record({ name: text(LIMITS.name), email, phone: text(LIMITS.phone), notes: text(LIMITS.notes), party_size: seats });

    fc.assert(
      fc.property(booking, expectAgreement),
      { numRuns: 3000 },
    );
  });
});
