import { adminEn } from '../lib/i18n/dictionaries/admin.en';
import { adminIt } from '../lib/i18n/dictionaries/admin.it';
import { doorEn } from '../lib/i18n/dictionaries/door.en';
import { doorIt } from '../lib/i18n/dictionaries/door.it';
import { sharedEn } from '../lib/i18n/dictionaries/shared.en';
import { sharedIt } from '../lib/i18n/dictionaries/shared.it';
import { waitlistEn } from '../lib/i18n/dictionaries/waitlist.en';
import { waitlistIt } from '../lib/i18n/dictionaries/waitlist.it';
import type { Locale } from '../lib/i18n/locale.svelte';
import type { Messages } from '../lib/i18n/translate';

/**
 * The dictionary areas of the staff admin, which also shows the door's devices and conflicts and the waiting list.
 * Registered by main.ts before mounting; `pwa/src/lib/i18n/app-messages.test.ts` checks
 * that every key the app's code uses is here.
 */
export const messages = (): Record<Locale, Messages> => ({
  en: { ...sharedEn, ...adminEn, ...doorEn, ...waitlistEn },
  it: { ...sharedIt, ...adminIt, ...doorIt, ...waitlistIt },
});
