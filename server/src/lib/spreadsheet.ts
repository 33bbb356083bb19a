import ExcelJS from 'exceljs';
import { zoneOffsetMs } from './dates.js';

/**
 * The one place where tables leave the server as files people open in Excel, LibreOffice or
 * Numbers (attendee lists, the audit log). Callers describe a sheet (localized headers, one kind
 * per column, plain values) and get an XLSX or a CSV that opens right:
 *
 * - `text` cells stay text: phone numbers keep their leading + and 0, codes are never turned into
 *   numbers or dates;
 * - `number` cells are numbers (sums and sorting work);
 * - `date` cells show the theatre's wall-clock time (`timeZone`, the server's TIME_ZONE) as
 *   dd/mm/yyyy hh:mm, whatever the server's own zone: in XLSX as real Excel dates, in CSV as text;
 * - formula injection: a guest named `=HYPERLINK(...)` must not become a live formula on the box
 *   office's computer. In XLSX text cells are string cells with the Text number format (`@`), so
 *   they are never evaluated, not even after editing; in CSV, where the reader guesses, any text
 *   starting with = + - @ tab or CR gets a leading `'` (OWASP's advice).
 */

export type CellKind = 'text' | 'number' | 'date';
export interface SheetColumn {
  header: string;
  kind: CellKind;
}
export type SheetCell = string | number | Date | null;

export interface XlsxSheet {
  sheetName: string;
  columns: SheetColumn[];
  rows: SheetCell[][];
  /** IANA zone whose wall clock dates are shown in; UTC when omitted. */
  timeZone?: string;
}

export interface CsvSheet {
  columns: SheetColumn[];
  rows: SheetCell[][];
  /** `;` for Italian (and most of Europe, where `,` is the decimal mark), `,` for English. */
  separator: ';' | ',';
  timeZone?: string;
}

export const SPREADSHEET_DATE_FORMAT = 'dd/mm/yyyy hh:mm';
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

const MIN_WIDTH = 8;
const MAX_WIDTH = 50;
const DATE_WIDTH = 17;

/**
 * Excel dates have no zone: they are a wall-clock reading. exceljs writes a JS Date by its UTC
 * fields, so the instant is moved by the zone's offset to make those fields the theatre's clock.
 */
function wallClock(instant: Date, timeZone: string): Date {
  return new Date(instant.getTime() + zoneOffsetMs(instant, timeZone));
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** dd/mm/yyyy hh:mm on the wall clock of `timeZone`. */
export function formatSheetDate(instant: Date, timeZone = 'UTC'): string {
  const d = wallClock(instant, timeZone);
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

function asText(value: SheetCell, timeZone: string): string | null {
  if (value === null) return null;
  if (value instanceof Date) return formatSheetDate(value, timeZone);
  return String(value);
}

function asNumber(value: SheetCell): number | string | null {
  if (value === null || typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  const n = Number(value);
  // A non-numeric string in a number column stays visible as text rather than becoming 0.
  return value.trim() !== '' && Number.isFinite(n) ? n : value;
}

function columnWidth(column: SheetColumn, rows: SheetCell[][], index: number, timeZone: string): number {
  if (column.kind === 'date') return Math.max(DATE_WIDTH, column.header.length + 2);
  let longest = column.header.length;
  for (const row of rows) {
    const text = asText(row[index] ?? null, timeZone);
    if (text) longest = Math.max(longest, ...text.split(/\r?\n/).map((line) => line.length));
  }
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, longest + 2));
}

export async function writeXlsx(sheet: XlsxSheet): Promise<Buffer> {
  const timeZone = sheet.timeZone ?? 'UTC';
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'AzioneLab Tickets';
  // Sheet names: at most 31 characters, none of : \ / ? * [ ].
  const name = sheet.sheetName.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31).trim() || 'Sheet1';
  const worksheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });

  worksheet.columns = sheet.columns.map((column, index) => ({
    width: columnWidth(column, sheet.rows, index, timeZone),
    style: column.kind === 'date' ? { numFmt: SPREADSHEET_DATE_FORMAT } : column.kind === 'text' ? { numFmt: '@' } : {},
  }));

  const header = worksheet.addRow(sheet.columns.map((c) => c.header));
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.numFmt = '@';
  });

  for (const values of sheet.rows) {
    const row = worksheet.addRow(
      sheet.columns.map((column, index) => {
        const value = values[index] ?? null;
        if (column.kind === 'number') return asNumber(value);
        if (column.kind === 'date') return value instanceof Date ? wallClock(value, timeZone) : asText(value, timeZone);
        return asText(value, timeZone);
      }),
    );
    sheet.columns.forEach((column, index) => {
      const cell = row.getCell(index + 1);
      if (column.kind === 'date') cell.numFmt = SPREADSHEET_DATE_FORMAT;
      else if (column.kind === 'text') cell.numFmt = '@';
    });
  }
  if (sheet.columns.length > 0) {
    worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.columns.length } };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field (RFC 4180): text that could start a formula gets a leading `'`; a field holding
 * a quote, a line break or either separator is quoted, so the same cell is safe with `;` or `,`.
 * Finite numbers are written as they are: a number cannot be a formula.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return quoteField(typeof value === 'string' && FORMULA_START.test(text) ? `'${text}` : text);
}

function quoteField(text: string): string {
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * UTF-8 with a BOM (so Excel shows "Niccolò" and not "NiccolÃ²"), CRLF line ends, the given
 * separator. With `;` numbers use the decimal comma, as the spreadsheets that expect `;` do.
 */
export function writeCsv(sheet: CsvSheet): string {
  const timeZone = sheet.timeZone ?? 'UTC';
  const field = (column: SheetColumn, value: SheetCell): string => {
    if (value === null) return '';
    if (value instanceof Date) return csvCell(formatSheetDate(value, timeZone));
    if (column.kind === 'number' && typeof value === 'number') {
      const text = String(value);
      return quoteField(sheet.separator === ';' ? text.replace('.', ',') : text);
    }
    return csvCell(String(value));
  };
  const lines = [
    sheet.columns.map((c) => csvCell(c.header)).join(sheet.separator),
    ...sheet.rows.map((row) => sheet.columns.map((column, index) => field(column, row[index] ?? null)).join(sheet.separator)),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
