import { locale } from './locale.svelte';

/*
 * Every time is shown as Rome's wall-clock time, whatever the device's zone: performances happen
 * in Rome, and a laptop set to another zone must not move them.
 */
export const THEATRE_TIME_ZONE = 'Europe/Rome';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale.intl}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(locale.intl, { timeZone: THEATRE_TIME_ZONE, ...options });
    formatters.set(key, cached);
  }
  return cached;
}

function toDate(value: string | Date): Date {
  return typeof value === 'string' ? new Date(value) : value;
}

/** "gio 26 nov 2026, 21:00" */
export function formatDateTime(value: string | Date): string {
  return formatter({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(toDate(value));
}

/** "26 nov, 21:00": for lists of recent events, where the year goes without saying. */
export function formatShortDateTime(value: string | Date): string {
  return formatter({ day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(toDate(value));
}

/** "giovedì 26 novembre 2026" */
export function formatLongDate(value: string | Date): string {
  return formatter({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(toDate(value));
}

/** "26/11/2026, 21:00:05": for logs and history, where seconds matter. */
export function formatTimestamp(value: string | Date): string {
  return formatter({ dateStyle: 'short', timeStyle: 'medium' }).format(toDate(value));
}

/** "21:00" */
export function formatTime(value: string | Date): string {
  return formatter({ hour: '2-digit', minute: '2-digit' }).format(toDate(value));
}

/** "21:00:05": for door conflicts, where two scans of one ticket are often the same minute. */
export function formatTimeWithSeconds(value: string | Date): string {
  return formatter({ hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(toDate(value));
}

/** `{weekday: 'gio', day: '26', month: 'nov'}`: a date laid out as a calendar page or a ticket stub. */
export function formatDateParts(value: string | Date): { weekday: string; day: string; month: string } {
  const parts = formatter({ weekday: 'short', day: 'numeric', month: 'short' }).formatToParts(toDate(value));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value.replace(/\.$/, '') ?? '';
  return { weekday: part('weekday'), day: part('day'), month: part('month') };
}

/** A calendar day `YYYY-MM-DD` (no time, no zone) as "26 nov". */
export function formatDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  // Noon UTC is the same calendar day in Rome all year round.
  return formatter({ day: 'numeric', month: 'short' }).format(new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, date ?? 1, 12)));
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(locale.intl).format(value);
}

/** Rome's wall-clock fields of an instant. */
function romeParts(date: Date): Record<string, number> {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: THEATRE_TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  return Object.fromEntries(parts.filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
}

/** Minutes Rome is ahead of UTC at `date` (60 in winter, 120 in summer). */
function romeOffsetMinutes(date: Date): number {
  const p = romeParts(date);
  const asUtc = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant → the value of an `<input type="datetime-local">` showing Rome's time. */
export function toRomeInputValue(value: string | Date): string {
  const p = romeParts(toDate(value));
  return `${p.year}-${pad(p.month ?? 1)}-${pad(p.day ?? 1)}T${pad(p.hour ?? 0)}:${pad(p.minute ?? 0)}`;
}

/**
 * `2026-11-26T21:00` read as Rome's time → `2026-11-26T21:00:00+01:00` (the API wants an offset).
 * Returns undefined for an empty or malformed value.
 */
export function fromRomeInputValue(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const wallClockAsUtc = Date.UTC(y, mo - 1, d, h, mi);
  // The offset depends on the instant, which depends on the offset: two rounds settle it
  // (also across the daylight-saving change).
  let offset = romeOffsetMinutes(new Date(wallClockAsUtc));
  offset = romeOffsetMinutes(new Date(wallClockAsUtc - offset * 60_000));
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
