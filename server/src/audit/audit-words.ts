import type { AuditWords } from '../../../pwa/src/admin/audit-render.js';
import { adminEn } from '../../../pwa/src/lib/i18n/dictionaries/admin.en.js';
import { adminIt } from '../../../pwa/src/lib/i18n/dictionaries/admin.it.js';
import { sharedEn } from '../../../pwa/src/lib/i18n/dictionaries/shared.en.js';
import { sharedIt } from '../../../pwa/src/lib/i18n/dictionaries/shared.it.js';

/*
 * The admin's own words on the server, for the audit export: the same dictionaries and the same
 * renderer (pwa/src/admin/audit-render.ts) as the audit page, so a file says what the screen says.
 * The dictionaries are plain objects with no browser code, which both tsc and the server bundle take.
 */

const DICTIONARIES = {
  en: { ...sharedEn, ...adminEn } as Record<string, string>,
  it: { ...sharedIt, ...adminIt } as Record<string, string>,
};

export function auditWords(lang: 'it' | 'en', timeZone: string): AuditWords {
  const intl = lang === 'it' ? 'it-IT' : 'en-GB';
  const dateTime = new Intl.DateTimeFormat(intl, { timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  const time = new Intl.DateTimeFormat(intl, { timeZone, hour: '2-digit', minute: '2-digit' });
  const seconds = new Intl.DateTimeFormat(intl, { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const plural = new Intl.PluralRules(intl);
  const number = new Intl.NumberFormat(intl);
  return {
    lookup: (key) => DICTIONARIES[lang][key] ?? DICTIONARIES.en[key],
    plural: (count) => plural.select(count),
    dateTime: (iso) => dateTime.format(new Date(iso)),
    time: (iso) => time.format(new Date(iso)),
    timeWithSeconds: (iso) => seconds.format(new Date(iso)),
    number: (value) => number.format(value),
  };
}

/** One word of the admin's dictionary (a column header, an entity type). */
export const auditWord = (lang: 'it' | 'en', key: string): string => DICTIONARIES[lang][key] ?? DICTIONARIES.en[key] ?? key;
