import { doorEn } from '../lib/i18n/dictionaries/door.en';
import { doorIt } from '../lib/i18n/dictionaries/door.it';
import { sharedEn } from '../lib/i18n/dictionaries/shared.en';
import { sharedIt } from '../lib/i18n/dictionaries/shared.it';
import type { Locale } from '../lib/i18n/locale.svelte';
import type { Messages } from '../lib/i18n/translate';

/**
 * The dictionary areas of the door app (its sign-in has its own words: the admin's
 * dictionary is large and a door phone's connection is not).
 * Registered by main.ts before mounting; `pwa/src/lib/i18n/app-messages.test.ts` checks
 * that every key the app's code uses is here.
 */
export const messages = (): Record<Locale, Messages> => ({
  en: { ...sharedEn, ...doorEn },
  it: { ...sharedIt, ...doorIt },
});
