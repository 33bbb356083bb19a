import type { FieldError } from '../../../shared/src/field-errors';
import { bookingBody, bookingProblems } from './booking-checks';

/*
 * `waitlistJoinSchema` is the reservation contract narrowed to name, email and party size, so
 * the booking form's hand-written checks serve the waiting list too, on those fields only.
 * waitlist-checks.test.ts holds them to the contract the server enforces.
 */

export interface WaitlistInput {
  name: string;
  email: string;
  party_size: number | null;
}

export type WaitlistField = keyof WaitlistInput;

export interface WaitlistBody {
  name: string;
  email: string;
  party_size: number;
}

/** The first problem of each invalid field; an empty object when the request can be sent. */
export function waitlistProblems(input: WaitlistInput, maxPartySize?: number): Partial<Record<WaitlistField, FieldError>> {
  const { name, email, party_size } = bookingProblems({ ...input, phone: '', notes: '' }, maxPartySize);
  return { ...(name && { name }), ...(email && { email }), ...(party_size && { party_size }) };
}

/** Trimmed, the email in lower case: what the server stores. */
export function waitlistBody(input: WaitlistInput): WaitlistBody {
  const { name, email, party_size } = bookingBody({ ...input, phone: '', notes: '' });
  return { name, email, party_size };
}
