import { describe, expect, it } from 'vitest';
import { guestLocale, preferredLocale } from './accept-language.js';

describe('Accept-Language', () => {
  it.each([
    ['en-GB,en;q=0.9', 'en'],
    ['it-IT,it;q=0.9,en-US;q=0.8,en;q=0.7', 'it'],
    ['de-DE,de;q=0.9,en;q=0.8,it;q=0.7', 'en'],
    ['de-DE,de;q=0.9,it;q=0.8,en;q=0.7', 'it'],
    // The weight decides, not the order.
    ['it;q=0.5, en;q=0.9', 'en'],
    // On a tie, the one named first.
    ['en;q=0.8, it;q=0.8', 'en'],
    ['EN-us', 'en'],
    // `*` stands for the languages not named: here English outweighs Italian.
    ['it;q=0.1, *;q=0.5', 'en'],
    // Only `*`: any will do, Italian first.
    ['*', 'it'],
    // q=0 refuses a language, even through `*`.
    ['it;q=0, *', 'en'],
    ['  en ; q = 0.7 ', 'en'],
  ])('%s → %s', (header, expected) => {
    expect(preferredLocale(header)).toBe(expected);
  });

  it.each([[undefined], [''], ['fr-FR,fr;q=0.9,de;q=0.5'], ['en;q=0,it;q=0'], ['en;q=abc'], ['en;q=1.5'], [',,;;']])(
    'names none of ours: %s',
    (header) => {
      expect(preferredLocale(header)).toBeUndefined();
    },
  );

  it('a very long header costs no more than its first thousand characters', () => {
    expect(preferredLocale(`${'xx;q=0.1,'.repeat(10_000)}en`)).toBeUndefined();
    expect(preferredLocale(`en;q=0.2,${'xx;q=0.1,'.repeat(10_000)}it`)).toBe('en');
  });

  it('guest language: the page’s choice, else the header, else Italian', () => {
    expect(guestLocale('it', 'en-GB,en;q=0.9')).toBe('it');
    expect(guestLocale(undefined, 'en-GB,en;q=0.9')).toBe('en');
    expect(guestLocale(undefined, 'fr-FR')).toBe('it');
    expect(guestLocale(undefined, undefined)).toBe('it');
  });
});
