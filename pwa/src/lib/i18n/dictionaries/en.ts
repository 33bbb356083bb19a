import { adminEn } from './admin.en';
import { doorEn } from './door.en';
import { publicEn } from './public.en';
import { sharedEn } from './shared.en';
import { waitlistEn } from './waitlist.en';

/*
 * English, the reference dictionary: its keys are the type of every key (`MessageKey`), and the
 * Italian one must have them all. Keys live in one file per area; each app registers only the
 * areas it shows (see `app-messages.ts`), so the public site does not ship the admin's words.
 * A key ending in `.one` / `.other` is a plural form of the key without it (see `t`).
 */
export const en = {
  ...sharedEn,
  ...adminEn,
  ...publicEn,
  ...doorEn,
  ...waitlistEn,
} as const;

export type MessageKey = keyof typeof en;
