import { randomBytes } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import { LIMITS } from '../../../shared/src/contracts.js';
import type { FieldError } from '../../../shared/src/field-errors.js';
import { validationError } from '../lib/errors.js';

/*
 * The one place where a staff password is judged, for every way of setting one: `user:create`,
 * the users API, invitations and resets. The rules follow NIST SP 800-63B and Django's
 * validators: a minimum length, and no password from a list of commonly breached ones (Django
 * bundles about 20,000; zxcvbn-ts's common list, MIT, holds about 49,000, `password1234`
 * included). No composition rules: they make passwords harder to remember, not to guess.
 */

// Built once, on first use: a Set makes each check O(1) instead of a scan of 49,000 entries.
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

export const PASSWORD_MIN_LENGTH = LIMITS.password.min;

export type PasswordProblem = 'too_short' | 'too_long' | 'too_common';

/** Why a password is refused, or null when it is acceptable. Case-insensitive, like Django's CommonPasswordValidator. */
export function passwordProblem(password: string): PasswordProblem | null {
  if (password.length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (password.length > LIMITS.password.max) return 'too_long';
  if (commonPasswords().has(password.trim().toLowerCase())) return 'too_common';
  return null;
}

/** Each problem as the field error the apps translate (the same codes the contract's bounds give). */
const FIELD_ERRORS: Record<PasswordProblem, FieldError> = {
  too_short: { code: 'too_short', min: PASSWORD_MIN_LENGTH },
  too_long: { code: 'too_long', max: LIMITS.password.max },
  too_common: { code: 'password_common' },
};

/** Throws `400 validation_error` on field `password`, with the problem's code. */
export function assertAcceptablePassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) {
    throw validationError({ password: [FIELD_ERRORS[problem]] }, problem === 'too_common' ? 'The password is too common: it appears in lists of breached passwords.' : 'The password is not valid.');
  }
}

/*
 * An invited user has no password until they choose one. The column stays NOT NULL: like
 * Django's unusable passwords, the hash starts with `!`, which no argon2 hash does, so no
 * password ever verifies against it (the random tail keeps two such rows from looking alike).
 */
const UNUSABLE_PREFIX = '!';

export function unusablePasswordHash(): string {
  return `${UNUSABLE_PREFIX}${randomBytes(16).toString('hex')}`;
}

export function hasUsablePassword(passwordHash: string): boolean {
  return !passwordHash.startsWith(UNUSABLE_PREFIX);
}
