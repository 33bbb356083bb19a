/*
 * i18n shared by every app: pick the language with `locale`, get words with `t`, format dates
 * in Rome's time with the `format*` helpers, and turn API errors into words with `errorMessage`.
 */
export { LOCALES, locale } from './locale.svelte';
export { t, tOr, type MessageKey } from './translate';
export * from './format';
export { apiFieldErrors, errorMessage, fieldErrorMessage, zodFieldErrors, type FieldMessages } from './errors';
