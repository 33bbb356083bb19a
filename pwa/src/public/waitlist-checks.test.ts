import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, waitlistJoinSchema } from '../../../shared/src/contracts';
import { fieldErrorsOf } from '../../../shared/src/field-errors';
import { MAX_PARTY_SIZE } from './booking-checks';
import { waitlistBody, waitlistProblems, type WaitlistInput } from './waitlist-checks';

/*
 * The waiting-list form checks its fields by hand, like the booking form. These tests hold the
 * checks to `waitlistJoinSchema`: same fields refused, same normalised body accepted (the
 * contract is strict, so a body with a stray field, a phone say, would be refused).
 */

const schema = waitlistJoinSchema(MAX_PARTY_SIZE);
const valid: WaitlistInput = { name: 'Maria Rossi', email: 'maria@example.com', party_size: 2 };

function zodVerdict(input: WaitlistInput) {
  const sent = { ...input, party_size: input.party_size ?? undefined };
  const result = schema.safeParse(sent);
  const codes: Record<string, string[]> = {};
  if (result.success) return { fields: [], codes, body: result.data };
  const errors = fieldErrorsOf(result.error, sent);
  for (const [field, list] of Object.entries(errors)) codes[field] = list.map((error) => error.code);
  return { fields: Object.keys(errors).sort(), codes, body: undefined };
}

/** Same fields refused as the contract, each with one of the contract's codes for it. */
function expectAgreement(input: WaitlistInput) {
  const expected = zodVerdict(input);
  const problems = waitlistProblems(input);
  expect(Object.keys(problems).sort()).toEqual(expected.fields);
  for (const [field, problem] of Object.entries(problems)) expect(expected.codes[field]).toContain(problem.code);
  if (expected.body) expect(waitlistBody(input)).toEqual(expected.body);
}

const cases: [string, Partial<WaitlistInput>][] = [
  ['a valid request', {}],
  ['spaces and capitals', { name: '  Maria ', email: ' Maria@Example.COM  ' }],
  ['an empty name', { name: '' }],
  ['a name too long', { name: 'n'.repeat(LIMITS.name + 1) }],
  ['a NUL in the name', { name: 'Ma\u0000ria' }],
  ['an empty email', { email: '' }],
  ['an email without a domain dot', { email: 'maria@example' }],
  ['an email too long', { email: `${'m'.repeat(250)}@example.com` }],
  ['no party size', { party_size: null }],
  ['zero seats', { party_size: 0 }],
  ['too many seats', { party_size: MAX_PARTY_SIZE + 1 }],
  ['half a seat', { party_size: 2.5 }],
  ['everything wrong at once', { name: ' ', email: 'x@', party_size: -1 }],
];

describe('public waiting-list checks', () => {
  it.each(cases)('agree with waitlistJoinSchema on %s', (_name, change) => {
    expectAgreement({ ...valid, ...change });
  });

  it('send exactly the fields of the strict contract', () => {
    expect(Object.keys(waitlistBody(valid)).sort()).toEqual(['email', 'name', 'party_size']);
    expect(schema.safeParse(waitlistBody(valid)).success).toBe(true);
  });

  it('agree with waitlistJoinSchema on thousands of generated requests', () => {
    const piece = fc.constantFrom('a', 'Z', '7', '.', '..', '@', '-', '_', "'", '+', ' ', '\u0000', 'è', 'example', 'com');
    const glued = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));
    const nearLimit = (max: number) => fc.integer({ min: max - 3, max: max + 3 }).map((length) => 'x'.repeat(length));
    const email = fc.oneof(glued, fc.emailAddress(), nearLimit(LIMITS.email).map((local) => `${local}@example.com`));
    const seats = fc.oneof(fc.integer({ min: -2, max: MAX_PARTY_SIZE + 2 }), fc.double({ min: 0, max: 12, noNaN: true }), fc.constant(null));
    const request = fc.record({ name: fc.oneof(glued, fc.string({ maxLength: 40 }), nearLimit(LIMITS.name)), email, party_size: seats });
    fc.assert(fc.property(request, expectAgreement), { numRuns: 2000 });
  });
});
