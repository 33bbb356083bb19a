import { beforeEach, describe, expect, it, vi } from 'vitest';
import { reservationCreateSchema } from '../../../../shared/src/contracts';
import { FIELD_ERROR_CODES, type FieldError } from '../../../../shared/src/field-errors';
import { ApiError } from '../api';
import { en } from './dictionaries/en';
import { it as italian } from './dictionaries/it';

/*
 * Field errors arrive as codes, from the server or from the shared contracts before sending; one
 * function puts them into words. The language is a rune in the app; here, a plain object.
 */

const language = vi.hoisted(() => ({ current: 'en' as 'en' | 'it', intl: 'en-GB' }));
vi.mock('./locale.svelte', () => ({ locale: language, LOCALES: ['it', 'en'] }));

const { addMessages } = await import('./translate');
const { apiFieldErrors, fieldErrorMessage, zodFieldErrors } = await import('./errors');
addMessages({ en, it: italian });

beforeEach(() => {
  language.current = 'en';
});

describe('field error words', () => {
  it('exist for every code, in both languages', () => {
    for (const code of FIELD_ERROR_CODES) {
      expect(en, code).toHaveProperty([`validation.${code}`]);
      expect(italian, code).toHaveProperty([`validation.${code}`]);
    }
  });

  it('fill in the parameters, in the user’s language', () => {
    const tooLong: FieldError = { code: 'too_long', max: 120 };
    expect(fieldErrorMessage(tooLong)).toBe('No more than 120 characters.');
    expect(fieldErrorMessage({ code: 'party_too_large', max: 10 })).toBe('No more than 10 seats per reservation.');
    language.current = 'it';
    expect(fieldErrorMessage(tooLong)).toBe('Al massimo 120 caratteri.');
    expect(fieldErrorMessage({ code: 'required' })).toBe('Campo obbligatorio.');
  });

  it('name a format when they know it, and say "not in the expected format" otherwise', () => {
    expect(fieldErrorMessage({ code: 'invalid_format', format: 'phone' })).toBe('Use digits, spaces and + ( ) . - only.');
    expect(fieldErrorMessage({ code: 'invalid_format', format: 'slug' })).toBe('Use lower-case letters, digits and dashes.');
    expect(fieldErrorMessage({ code: 'invalid_format', format: 'ipv6' })).toBe('This value is not in the expected format.');
  });

  it('tell an exclusive bound from an inclusive one', () => {
    expect(fieldErrorMessage({ code: 'too_small', min: 0 })).toBe('Must be 0 or more.');
    expect(fieldErrorMessage({ code: 'too_small', min: 0, exclusive: true })).toBe('Must be more than 0.');
    expect(fieldErrorMessage({ code: 'too_large', max: 5, exclusive: true })).toBe('Must be less than 5.');
  });

  it('read a code this build does not know (a newer server) as "not valid"', () => {
    expect(fieldErrorMessage({ code: 'seat_on_fire' } as unknown as FieldError)).toBe('This value is not valid.');
  });

  it('translate a server refusal field by field', () => {
    const refusal = new ApiError(400, 'validation_error', 'The request is not valid.', {
      name: [{ code: 'too_long', max: 120 }],
      slug: [{ code: 'slug_taken' }, { code: 'invalid_format', format: 'slug' }],
    });
    expect(apiFieldErrors(refusal)).toEqual({
      name: ['No more than 120 characters.'],
      slug: ['Another show already uses this address.', 'Use lower-case letters, digits and dashes.'],
    });
    expect(apiFieldErrors(new Error('x'))).toEqual({});
  });

  it('give a contract’s refusal before sending the same words as the server’s', () => {
    const input = { name: '', email: 'maria@', party_size: 11, phone: 'call me' };
    const result = reservationCreateSchema(10).safeParse(input);
    expect(zodFieldErrors(result.error!, input)).toEqual({
      name: ['This field is required.'],
      email: ['Enter a valid email address.'],
      phone: ['Use digits, spaces and + ( ) . - only.'],
      party_size: ['No more than 10 seats per reservation.'],
    });
  });
});
