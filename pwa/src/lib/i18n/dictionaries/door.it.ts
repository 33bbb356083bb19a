import type { doorEn } from './door.en';

/** Italian for the door app: every key of `doorEn`. */
export const doorIt: Record<keyof typeof doorEn, string> = {
  'door.app_name': 'AzioneLab Porta',
};
