/*
 * The language of the interface: chosen by the user (kept in localStorage), otherwise taken
 * from the browser. Italian is the fallback: the theatre, its staff and most guests are in Rome.
 */

export const LOCALES = ['it', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const STORAGE_KEY = 'azionelab.locale';

function isLocale(value: unknown): value is Locale {
  return LOCALES.includes(value as Locale);
}

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
    const language = tag.toLowerCase().split('-')[0];
    if (isLocale(language)) return language;
  }
  return 'it';
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
    this.#applyToDocument();
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
