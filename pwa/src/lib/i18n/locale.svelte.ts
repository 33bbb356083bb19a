import { DEFAULT_LOCALE, isLocale, localeOfSearch, localeOfTag, LOCALES, type Locale } from '../../../../shared/src/locale';

/*
 * The language of the interface: the one a link asks for (`?lang=en`, the other-language link
 * of an email), else chosen by the user (kept in localStorage), else taken from the browser.
 * Italian is the fallback: the theatre, its staff and most guests are in Rome.
 */

export { LOCALES, type Locale };

const STORAGE_KEY = 'azionelab.locale';

/** `?lang=` of the address: the email's reader chose this language by following the link. */
const linkedLocale = (): Locale | undefined => (typeof location === 'undefined' ? undefined : localeOfSearch(location.search));

function storedLocale(): Locale | undefined {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isLocale(value) ? value : undefined;
  } catch {
    // Storage can be disabled (private mode, policies): the browser language still works.
    return undefined;
  }
}

function browserLocale(): Locale {
  const preferred = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  for (const tag of preferred) {
    const language = localeOfTag(tag);
    if (language) return language;
  }
  return DEFAULT_LOCALE;
}

/**
 * The locale for Intl formatting: British English, because its dates and 24-hour times read
 * like the Italian ones ("Thu 26 Nov 2026, 21:00"), as staff and guests expect in Rome.
 */
export const INTL_LOCALES: Record<Locale, string> = { it: 'it-IT', en: 'en-GB' };

class LocaleState {
  current = $state<Locale>(storedLocale() ?? browserLocale());
  readonly intl = $derived(INTL_LOCALES[this.current]);

  constructor() {
    const linked = linkedLocale();
    // Kept like a choice made with the switch: the next pages stay in the language asked for.
    if (linked) this.set(linked);
    else this.#applyToDocument();
  }

  set(next: Locale): void {
    this.current = next;
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not persisted; the choice still holds for this page.
    }
    this.#applyToDocument();
  }

  /** Screen readers pick their voice from `<html lang>`. */
  #applyToDocument(): void {
    if (typeof document !== 'undefined') document.documentElement.lang = this.current;
  }
}

export const locale = new LocaleState();
