import type { attendeesOfPerformance } from './reservations-repository.js';

type Attendee = Awaited<ReturnType<typeof attendeesOfPerformance>>[number];

/**
 * RFC 4180 CSV with a UTF-8 BOM, so spreadsheet programs show "Niccolò" and not "NiccolÃ²".
 * Cells starting with = + - @ are prefixed with ' so a guest's name cannot become a formula.
 */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function attendeesCsv(rows: Attendee[], timeZone: string): string {
  const time = (d: Date | null) =>
    d ? new Intl.DateTimeFormat('it-IT', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(d) : '';
  const header = ['reservation_id', 'name', 'email', 'phone', 'party_size', 'source', 'notes', 'confirmed_at', 'checked_in_at'];
  const lines = rows.map(({ reservation: r, checkedInAt }) =>
    [r.id, r.name, r.email, r.phone, r.partySize, r.source, r.notes, time(r.confirmedAt), time(checkedInAt)].map(csvCell).join(','),
  );
  return `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
