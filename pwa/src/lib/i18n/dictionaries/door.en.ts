/** English for the door app (`door.` keys); spread into the English dictionary. */
export const doorEn = {
  'door.app_name': 'AzioneLab Door',
} as const;
