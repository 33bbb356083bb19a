import { describe, expect, it } from 'vitest';
import { localeOfSearch, localeOfTag, otherLocale } from './locale.js';

describe('locales', () => {
  it('reads the language a link asks for, and nothing else', () => {
    expect(localeOfSearch('?lang=en')).toBe('en');
    expect(localeOfSearch('lang=it&utm_source=mail')).toBe('it');
    expect(localeOfSearch('?lang=fr')).toBeUndefined();
    expect(localeOfSearch('?lang=EN')).toBeUndefined();
    expect(localeOfSearch('')).toBeUndefined();
  });

  it('reads the language of a tag', () => {
    expect(localeOfTag('en-GB')).toBe('en');
    expect(localeOfTag(' IT ')).toBe('it');
    expect(localeOfTag('fr-CH')).toBeUndefined();
  });

  it('names the other language', () => {
    expect(otherLocale('it')).toBe('en');
    expect(otherLocale('en')).toBe('it');
  });
});
