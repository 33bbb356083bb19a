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

