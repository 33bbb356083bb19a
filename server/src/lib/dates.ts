/** Dates shown to people are always in the theatre's time zone, whatever the server's zone. */
export function formatDateTime(iso: string | Date, locale: 'it' | 'en', timeZone: string): string {
  return new Intl.DateTimeFormat(locale === 'it' ? 'it-IT' : 'en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(typeof iso === 'string' ? new Date(iso) : iso);
}
