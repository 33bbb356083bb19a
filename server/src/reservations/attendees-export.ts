import type { ExportLanguage } from '../../../shared/src/export-contracts.js';
import type { ReservationSource } from '../db/schema.js';
import { zoneOffsetMs } from '../lib/dates.js';
import { writeCsv, writeXlsx, type SheetCell, type SheetColumn } from '../lib/spreadsheet.js';
import type { attendeesOfPerformance, performanceForExport } from './reservations-repository.js';

type Attendee = Awaited<ReturnType<typeof attendeesOfPerformance>>[number];
type ExportedPerformance = NonNullable<Awaited<ReturnType<typeof performanceForExport>>>;

export type AttendeesFormat = 'xlsx' | 'csv';

/**
 * The words of the attendee list, in the admin's language. They match the admin interface's
 * (pwa/src/lib/i18n/dictionaries/admin.*.ts) so the list reads like the page it came from.
 */
const WORDS = {
  it: {
    sheet: 'Partecipanti',
    file: 'partecipanti',
    headers: ['Codice', 'Nome', 'Email', 'Telefono', 'Posti', 'Origine', 'Stato', 'Note', 'Confermata il', 'Entrato alle'],
    source: { public: 'Sito web', admin: 'Staff' } satisfies Record<ReservationSource, string>,
    checkedIn: 'Entrato',
    expected: 'Non ancora entrato',
  },
  en: {
    sheet: 'Attendees',
    file: 'attendees',
    headers: ['Code', 'Name', 'Email', 'Phone', 'Seats', 'Source', 'Status', 'Notes', 'Confirmed at', 'Checked in at'],
    source: { public: 'Website', admin: 'Staff' } satisfies Record<ReservationSource, string>,
    checkedIn: 'Checked in',
    expected: 'Not checked in yet',
  },
} as const;

const KINDS: SheetColumn['kind'][] = ['text', 'text', 'text', 'text', 'number', 'text', 'text', 'text', 'date', 'date'];

function attendeesTable(attendees: Attendee[], lang: ExportLanguage): { columns: SheetColumn[]; rows: SheetCell[][] } {
  const words = WORDS[lang];
  const columns = words.headers.map((header, i) => ({ header, kind: KINDS[i]! }));
  const rows = attendees.map(({ reservation: r, checkedInAt }): SheetCell[] => [
    r.code,
    r.name,
    r.email,
    r.phone,
    r.partySize,
    words.source[r.source],
    checkedInAt ? words.checkedIn : words.expected,
    r.notes,
    r.confirmedAt,
    checkedInAt,
  ]);
  return { columns, rows };
}

/** e.g. `partecipanti-il-giardino-2026-12-12-2100.xlsx`: the show and the performance's local start. */
export function attendeesFileName(performance: ExportedPerformance, lang: ExportLanguage, format: AttendeesFormat, timeZone: string): string {
  const local = new Date(performance.startsAt.getTime() + zoneOffsetMs(performance.startsAt, timeZone));
  const stamp = local.toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  const slug = performance.showSlug.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || `performance-${performance.id}`;
  return `${WORDS[lang].file}-${slug}-${stamp}.${format}`;
}

export async function attendeesXlsx(attendees: Attendee[], lang: ExportLanguage, timeZone: string): Promise<Buffer> {
  return writeXlsx({ sheetName: WORDS[lang].sheet, ...attendeesTable(attendees, lang), timeZone });
}

export function attendeesCsv(attendees: Attendee[], lang: ExportLanguage, timeZone: string): string {
  return writeCsv({ ...attendeesTable(attendees, lang), separator: lang === 'it' ? ';' : ',', timeZone });
}
