import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.js';
import { assertAcceptablePassword, hasUsablePassword, passwordProblem, unusablePasswordHash } from './password-policy.js';
import { hashPassword, verifyPassword } from './passwords.js';

function refusal(password: string) {
  try {
    assertAcceptablePassword(password);
  } catch (error) {
    return error as AppError;
  }
  return null;
}

describe('password rules', () => {
  it('refuses passwords under 10 characters', () => {
    expect(passwordProblem('abcd12345')).toBe('too_short');
    const error = refusal('abcd12345');
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'validation_error', httpStatus: 400 });
    expect(error!.extra.errors).toEqual({ password: [{ code: 'too_short', min: 10 }] });
  });

  it('refuses commonly breached passwords, password1234 included', () => {
    for (const common of ['password1234', 'qwertyuiop', '1234567890', 'iloveyou123']) expect(passwordProblem(common)).toBe('too_common');
    const error = refusal('password1234');
    expect(error).toMatchObject({ code: 'validation_error' });
    expect(error!.extra.errors).toEqual({ password: [{ code: 'password_common' }] });
  });

  it('matches the list case-insensitively, like Django', () => {
    expect(passwordProblem('Password1234')).toBe('too_common');
    expect(passwordProblem('PASSWORD1234')).toBe('too_common');
    expect(passwordProblem('QwertyUiop')).toBe('too_common');
  });

  it('accepts a long, uncommon password', () => {
    expect(passwordProblem('correct horse battery staple')).toBeNull();
    expect(refusal('a brand new passphrase 42')).toBeNull();
  });

  it('refuses what the contracts refuse too: over 256 characters', () => {
    expect(passwordProblem('x'.repeat(257))).toBe('too_long');
  });

  it('an invited user has an unusable hash that no password verifies', async () => {
    const unusable = unusablePasswordHash();
    expect(hasUsablePassword(unusable)).toBe(false);
    expect(unusablePasswordHash()).not.toBe(unusable);
    expect(await verifyPassword(unusable, '')).toBe(false);
    expect(await verifyPassword(unusable, unusable)).toBe(false);
    expect(hasUsablePassword(await hashPassword('correct horse battery staple'))).toBe(true);
  });
});
