import type { MessageKey } from './dictionaries/en';
import { locale, type Locale } from './locale.svelte';

export type { MessageKey };
export type Params = Record<string, string | number>;
export type Messages = Partial<Record<MessageKey, string>>;

/**
 * The words this app registered (`addMessages`, from its entry module): each app ships only the
 * areas it shows, so the public site's bundle carries no admin or door words.
 */
const dictionaries: Record<Locale, Messages> = { en: {}, it: {} };

export function addMessages(messages: Record<Locale, Messages>): void {
  Object.assign(dictionaries.en, messages.en);
  Object.assign(dictionaries.it, messages.it);
}
const pluralRules = new Map<Locale, Intl.PluralRules>();

function pluralCategory(count: number): string {
  let rules = pluralRules.get(locale.current);
  if (!rules) {
    rules = new Intl.PluralRules(locale.current);
    pluralRules.set(locale.current, rules);
  }
  return rules.select(count);
}

function lookup(key: string): string | undefined {
  return (dictionaries[locale.current] as Record<string, string>)[key] ?? (dictionaries.en as Record<string, string>)[key];
}

/**
 * The text for `key` in the current language, with `{name}` placeholders filled in.
 * With a numeric `count`, a plural form `key.one` / `key.other` is preferred when it exists.
 * Reads `locale.current`, so markup calling it re-renders when the language changes.
 */
export function t(key: MessageKey, params: Params = {}): string {
  const count = params.count;
  const template = (typeof count === 'number' ? lookup(`${key}.${pluralCategory(count)}`) : undefined) ?? lookup(key) ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : typeof value === 'number' ? formatCount(value) : value;
  });
}

/** `t()` for keys built at run time (a role or status from the API): falls back to the raw value. */
export function tOr(key: string, fallback: string, params: Params = {}): string {
  return lookup(key) === undefined ? fallback : t(key as MessageKey, params);
}

function formatCount(value: number): string {
  return new Intl.NumberFormat(locale.intl).format(value);
}
