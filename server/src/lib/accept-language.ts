import { DEFAULT_LOCALE, LOCALES, localeOfTag, type Locale } from '../../../shared/src/locale.js';

/*
 * The language a request prefers, from its `Accept-Language` header (RFC 9110 §12.5.4):
 * `fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5`. Each of our languages gets the highest weight of the
 * ranges naming it (`en`, `en-GB`...), or the weight of `*` when none does; the heaviest wins,
 * on a tie the one named first. `q=0` means "not this one".
 */

/** Headers longer than this are cut: a browser's is a few dozen characters. */
const MAX_HEADER = 1000;

interface Range {
  tag: string;
  q: number;
}

function parseRanges(header: string): Range[] {
  return header
    .slice(0, MAX_HEADER)
    .split(',')
    .map((item) => {
      const [tag = '', ...params] = item.split(';').map((part) => part.trim());
      const qParam = params.find((param) => /^q\s*=/i.test(param));
      const raw = qParam?.slice(qParam.indexOf('=') + 1).trim();
      // A malformed weight makes the range meaningless: it is skipped (q = -1).
      const q = raw === undefined ? 1 : /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(raw) ? Number(raw) : -1;
      return { tag: tag.toLowerCase(), q };
    })
    .filter((range) => range.tag !== '' && range.q >= 0);
}

/** Our language the header prefers most, or undefined when it accepts none of them. */
export function preferredLocale(header: string | undefined | null): Locale | undefined {
  if (!header) return undefined;
  const ranges = parseRanges(header);
  const star = ranges.find((range) => range.tag === '*');
  const weighed = LOCALES.map((locale, order) => {
    const naming = ranges.map((range, index) => ({ ...range, index })).filter((range) => localeOfTag(range.tag) === locale);
    if (naming.length === 0) return { locale, q: star?.q ?? 0, first: ranges.length + order };
    return { locale, q: Math.max(...naming.map((range) => range.q)), first: naming[0]!.index };
  });
  const best = weighed.filter((w) => w.q > 0).sort((a, b) => b.q - a.q || a.first - b.first)[0];
  return best?.locale;
}

/**
 * The language of a guest's emails: the one the page sent, else the request's Accept-Language,
 * else Italian.
 */
export function guestLocale(chosen: Locale | undefined, acceptLanguage: string | undefined | null): Locale {
  return chosen ?? preferredLocale(acceptLanguage) ?? DEFAULT_LOCALE;
}
