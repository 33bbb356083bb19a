import { z } from 'zod';

/**
 * Spreadsheet exports speak the admin's language: headers and words, and the CSV separator
 * (`;` for Italian, whose Excel reads `,` as the decimal mark, `,` for English). Italian is the
 * default, as in the interface.
 */
export const EXPORT_LANGUAGES = ['it', 'en'] as const;
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number];

export const attendeesExportQuery = z.strictObject({ lang: z.enum(EXPORT_LANGUAGES).default('it') });
