import { createHash, randomBytes } from 'node:crypto';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';

/** 256 bits from the CSPRNG, base64url without padding (43 characters). */
export function generateToken(): string {
  return encodeBase64urlNoPadding(randomBytes(32));
}

/** Tokens are looked up by this hash; the raw value is never stored. */
export function hashToken(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

/** Shape check before any database work: a raw token is exactly 43 base64url characters. */
export function looksLikeToken(raw: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(raw);
}


// No 0/O, 1/I/L: the code is read aloud at the door and typed on a phone.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * A reservation code like "K7QF-2M9X" (8 characters, about 40 bits), printed on the ticket email.
 * Door staff type it back; shared/src/reservation-code.ts normalizes what they type.
 */
export function generateReservationCode(): string {
  const bytes = randomBytes(8);
  const chars = Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

