/*
 * The languages of the apps and of the guests' emails. Italian is the fallback: the theatre,
 * its staff and most guests are in Rome. Kept free of zod: the public bundle imports it.
 */

export const LOCALES = ['it', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'it';

/**
 * The query parameter a page link may carry to open in a language (`/ticket?lang=en#token=…`):
 * each email offers its other language as a link with it.
 */
export const LOCALE_PARAM = 'lang';

export function isLocale(value: unknown): value is Locale {
  return LOCALES.includes(value as Locale);
}

/** The language a page's query string asks for (`?lang=en`), when it is one of ours. */
export function localeOfSearch(search: string): Locale | undefined {
  const value = new URLSearchParams(search).get(LOCALE_PARAM);
  return isLocale(value) ? value : undefined;
}

/** The language of a tag such as `en-GB` or `it`, when it is one of ours. */
export function localeOfTag(tag: string): Locale | undefined {
  const language = tag.trim().toLowerCase().split('-')[0];
  return isLocale(language) ? language : undefined;
}

/** The other one of the two languages: the one an email offers as a link. */
export const otherLocale = (locale: Locale): Locale => (locale === 'it' ? 'en' : 'it');
