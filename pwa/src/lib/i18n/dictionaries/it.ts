import { adminIt } from './admin.it';
import { doorIt } from './door.it';
import type { MessageKey } from './en';
import { publicIt } from './public.it';
import { sharedIt } from './shared.it';
import { waitlistIt } from './waitlist.it';

/** Italian: every key of the English dictionary, or `npm run check` fails. */
export const it: Record<MessageKey, string> = {
  ...sharedIt,
  ...adminIt,
  ...publicIt,
  ...doorIt,
  ...waitlistIt,
};
