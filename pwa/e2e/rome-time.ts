import { zonedDateTime } from '../../server/src/lib/dates.js';

/*
 * Dates as the theatre states them, in Rome's time, for browser tests that run the browser in
 * another zone on purpose: what the pages show must not depend on the visitor's clock.
 */

export const ROME = 'Europe/Rome';

/** 19:00 in Rome, `days` from today. */
export function romeEvening(days: number): Date {
  const day = new Date(Date.now() + days * 86_400_000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: ROME, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(day)
      .map((part) => [part.type, part.value]),
  );
  return zonedDateTime({ year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: 19, minute: 0 }, ROME);
}

/** "Saturday, 28 November 2026" (in the locale's words), the day in Rome. */
export const romeLongDate = (date: Date | string, locale: string) =>
  new Intl.DateTimeFormat(locale, { timeZone: ROME, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(date));
