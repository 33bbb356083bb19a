/*
 * Words of a verdict that depend on when it is, as pure functions (the overlay puts them into
 * the dictionary's sentences). Days are the theatre's: the time zone is given, like every time
 * the apps show, whatever the phone's own zone.
 */

/** The calendar day of an instant in `timeZone`, `YYYY-MM-DD`. */
function dayIn(value: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(value));
}

/**
 * The day the doors open, "Fri 12 Dec" ("ven 12 dic"), when it is not the day of the scan; null
 * on the day itself, where the time alone says it. A guest a day early hears that it is
 * tomorrow, not that they are an hour early.
 */
export function doorsOpenDay(opensAt: string, scannedAt: string, intlLocale: string, timeZone: string): string | null {
  if (dayIn(opensAt, timeZone) === dayIn(scannedAt, timeZone)) return null;
  const parts = new Intl.DateTimeFormat(intlLocale, { timeZone, weekday: 'short', day: 'numeric', month: 'short' }).formatToParts(new Date(opensAt));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value.replace(/\.$/, '') ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')}`;
}
