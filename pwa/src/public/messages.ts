import { publicEn } from '../lib/i18n/dictionaries/public.en';
import { publicIt } from '../lib/i18n/dictionaries/public.it';
import { sharedEn } from '../lib/i18n/dictionaries/shared.en';
import { sharedIt } from '../lib/i18n/dictionaries/shared.it';
import { waitlistEn } from '../lib/i18n/dictionaries/waitlist.en';
import { waitlistIt } from '../lib/i18n/dictionaries/waitlist.it';
import type { Locale } from '../lib/i18n/locale.svelte';
import type { Messages } from '../lib/i18n/translate';

/**
 * The dictionary areas of the public site: no admin or door words in its bundle (it has a size budget).
 * Registered by main.ts before mounting; `pwa/src/lib/i18n/app-messages.test.ts` checks
 * that every key the app's code uses is here.
 */
export const messages = (): Record<Locale, Messages> => ({
  en: { ...sharedEn, ...publicEn, ...waitlistEn },
  it: { ...sharedIt, ...publicIt, ...waitlistIt },
});
