import { FORMATS, type FieldError } from '../../../shared/src/field-errors';

/*
 * The rules of `reservationCreateSchema` (shared/src/contracts.ts), written out by hand: the
 * public bundle leaves zod out to stay small on a cheap phone. booking-checks.test.ts runs the
 * same inputs through both and fails when they disagree, so a change to the contract cannot
 * slip by. The server still validates everything; these checks only spare a round trip, and
 * report the field error codes the contract would (FormState puts them into words).
 */

/** The limits of `LIMITS` in the contract, for the fields of a reservation. */
export const BOOKING_LIMITS = { name: 120, email: 254, phone: 32, notes: 1000 } as const;

/**
 * The server's `MAX_PARTY_SIZE` default, for when a performance's answer does not carry the
 * theatre's own `max_party_size` (the API publishes it with every performance).
 */
export const MAX_PARTY_SIZE = 10;

/** The server's `CONFIRMATION_TOKEN_TTL` default in hours, for answers that do not carry the theatre's own. */
export const DEFAULT_LINK_HOURS = 48;

/** A performance's largest party, as the server will enforce it. */
export const maxPartyOf = (performance: { max_party_size?: number | undefined }) => performance.max_party_size ?? MAX_PARTY_SIZE;

/** zod 4's `z.email()` pattern (`regexes.email`), so both sides accept the same addresses. */
const EMAIL = /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export interface BookingInput {
  name: string;
  email: string;
  phone: string;
  notes: string;
  party_size: number | null;
}

/** The body the API expects, normalised as the contract's transforms would. */
export interface BookingBody {
  name: string;
  email: string;
  phone: string | null;
  notes: string | null;
  party_size: number;
}

export type BookingField = keyof BookingInput;

function textProblem(value: string, max: number, required: boolean): FieldError | undefined {
  if (value.length > max) return { code: 'too_long', max };
  if (value.includes('\u0000')) return { code: 'bad_character' };
  if (required && value.length === 0) return { code: 'required' };
  return undefined;
}

/** The first problem of each invalid field; an empty object when the booking can be sent. */
export function bookingProblems(input: BookingInput, maxPartySize = MAX_PARTY_SIZE): Partial<Record<BookingField, FieldError>> {
  const problems: Partial<Record<BookingField, FieldError>> = {};
  const name = textProblem(input.name.trim(), BOOKING_LIMITS.name, true);
  if (name) problems.name = name;

  const email = input.email.trim();
  if (email.length > BOOKING_LIMITS.email) problems.email = { code: 'too_long', max: BOOKING_LIMITS.email };
  else if (email.length === 0) problems.email = { code: 'required' };
  else if (!EMAIL.test(email)) problems.email = { code: 'invalid_email' };

  const phone = input.phone.trim();
  if (phone.length > BOOKING_LIMITS.phone) problems.phone = { code: 'too_long', max: BOOKING_LIMITS.phone };
  else if (!FORMATS.phone.test(phone)) problems.phone = { code: 'invalid_format', format: 'phone' };

  const notes = textProblem(input.notes.trim(), BOOKING_LIMITS.notes, false);
  if (notes) problems.notes = notes;

  const seats = input.party_size;
  if (seats === null) problems.party_size = { code: 'required' };
  else if (!Number.isFinite(seats)) problems.party_size = { code: 'not_a_number' };
  else if (!Number.isInteger(seats)) problems.party_size = { code: 'not_whole_number' };
  else if (seats < 1) problems.party_size = { code: 'too_small', min: 1 };
  else if (seats > maxPartySize) problems.party_size = { code: 'party_too_large', max: maxPartySize };
  return problems;
}

/** Trimmed, the email in lower case, empty optional fields as null: what the server stores. */
export function bookingBody(input: BookingInput): BookingBody {
  return {
    name: input.name.trim(),
    email: input.email.trim().toLowerCase(),
    phone: input.phone.trim() || null,
    notes: input.notes.trim() || null,
    party_size: input.party_size ?? 0,
  };
}
