import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { csvCell, formatSheetDate, SPREADSHEET_DATE_FORMAT, writeCsv, writeXlsx, type SheetColumn } from './spreadsheet.js';

const columns: SheetColumn[] = [
  { header: 'Codice', kind: 'text' },
  { header: 'Nome', kind: 'text' },
  { header: 'Telefono', kind: 'text' },
  { header: 'Posti', kind: 'number' },
  { header: 'Confermata il', kind: 'date' },
];
// 19:30 UTC on 12 December is 20:30 in Rome (winter), 14 July 19:30 UTC is 21:30 (summer).
const winter = new Date('2026-12-12T19:30:00Z');
const summer = new Date('2026-07-14T19:30:00Z');
const rows = [
  ['0012-ABCD', 'Niccolò Ammaniti', '+39 06 1234', 2, winter],
  ['0099', '=HYPERLINK("http://evil.example","click")', '0612345', 1, summer],
  ['X', null, null, null, null],
];

async function open(buffer: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no worksheet');
  return sheet;
}

describe('writeXlsx', () => {
  it('writes typed cells: text stays text, numbers are numbers, dates are real dates on the theatre clock', async () => {
    const sheet = await open(await writeXlsx({ sheetName: 'Partecipanti', columns, rows, timeZone: 'Europe/Rome' }));
    expect(sheet.name).toBe('Partecipanti');
    expect(sheet.getRow(1).values).toEqual([undefined, 'Codice', 'Nome', 'Telefono', 'Posti', 'Confermata il']);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    const first = sheet.getRow(2);
    expect(first.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(first.getCell(1).value).toBe('0012-ABCD');
    expect(first.getCell(2).value).toBe('Niccolò Ammaniti');
    expect(first.getCell(3).type).toBe(ExcelJS.ValueType.String);
    expect(first.getCell(3).value).toBe('+39 06 1234');
    expect(first.getCell(4).type).toBe(ExcelJS.ValueType.Number);
    expect(first.getCell(4).value).toBe(2);
    expect(first.getCell(5).type).toBe(ExcelJS.ValueType.Date);
    // Excel dates carry no zone: the cell reads 12/12/2026 20:30, Rome's wall clock.
    expect((first.getCell(5).value as Date).toISOString()).toBe('2026-12-12T20:30:00.000Z');
    expect(first.getCell(5).numFmt).toBe(SPREADSHEET_DATE_FORMAT);

    const second = sheet.getRow(3);
    expect(second.getCell(1).value).toBe('0099');
    expect(second.getCell(3).value).toBe('0612345');
    expect(second.getCell(3).type).toBe(ExcelJS.ValueType.String);
    expect((second.getCell(5).value as Date).toISOString()).toBe('2026-07-14T21:30:00.000Z');
    // A would-be formula is a plain string cell in Text format: shown as typed, never evaluated.
    expect(second.getCell(2).type).toBe(ExcelJS.ValueType.String);
    expect(second.getCell(2).formula).toBeUndefined();
    expect(second.getCell(2).numFmt).toBe('@');

    const empty = sheet.getRow(4);
    expect(empty.getCell(2).type).toBe(ExcelJS.ValueType.Null);
    expect(empty.getCell(4).type).toBe(ExcelJS.ValueType.Null);
  });

  it('sizes columns to their content within bounds and cleans sheet names Excel refuses', async () => {
    const sheet = await open(
      await writeXlsx({
        sheetName: 'Registro: 2026/12 [tutti]? e molto altro ancora',
        columns: [{ header: 'A', kind: 'text' }, { header: 'Note', kind: 'text' }, { header: 'Quando', kind: 'date' }],
        rows: [['x', 'n'.repeat(300), winter]],
      }),
    );
    expect(sheet.name.length).toBeLessThanOrEqual(31);
    expect(sheet.name).not.toMatch(/[:\\/?*[\]]/);
    expect(sheet.getColumn(1).width).toBe(8);
    expect(sheet.getColumn(2).width).toBe(50);
    expect(sheet.getColumn(3).width).toBeGreaterThanOrEqual(16);
    expect((sheet.getRow(2).getCell(3).value as Date).toISOString()).toBe('2026-12-12T19:30:00.000Z');
  });
});

describe('writeCsv', () => {
  it('Italian style: BOM, `;`, CRLF, dates as dd/mm/yyyy hh:mm on the theatre clock', () => {
    const csv = writeCsv({ columns, rows, separator: ';', timeZone: 'Europe/Rome' });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe('Codice;Nome;Telefono;Posti;Confermata il');
    expect(lines[1]).toBe("0012-ABCD;Niccolò Ammaniti;'+39 06 1234;2;12/12/2026 20:30");
    expect(lines[2]).toBe(`0099;"'=HYPERLINK(""http://evil.example"",""click"")";0612345;1;14/07/2026 21:30`);
    expect(lines[3]).toBe('X;;;;');
  });

  it('English style: `,`, and fields holding either separator, quotes or line breaks are quoted', () => {
    const csv = writeCsv({
      columns: [{ header: 'Name', kind: 'text' }, { header: 'Notes', kind: 'text' }, { header: 'Seats', kind: 'number' }],
      rows: [['Rossi, Anna', 'a;b\r\nsecond "line"', 1.5], ['Bianchi', '@SUM(A1)', -2]],
      separator: ',',
    });
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe('Name,Notes,Seats');
    expect(lines[1]).toBe('"Rossi, Anna","a;b');
    expect(lines[2]).toBe('second ""line""",1.5');
    // Negative numbers are numbers, not formulas; text starting with @ is neutralised.
    expect(lines[3]).toBe("Bianchi,'@SUM(A1),-2");
  });

  it('uses the decimal comma with `;`', () => {
    const csv = writeCsv({ columns: [{ header: 'n', kind: 'number' }], rows: [[1.5]], separator: ';' });
    expect(csv).toBe('\uFEFFn\r\n"1,5"\r\n');
  });
});

describe('csvCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+39 06 1234', "'+39 06 1234"],
    ['-2', "'-2"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['plain', 'plain'],
    ['a"b', '"a""b"'],
  ])('%j → %j', (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  it('leaves numbers and empty cells alone', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
  });
});

describe('formatSheetDate', () => {
  it('reads the wall clock of the zone, across daylight saving', () => {
    expect(formatSheetDate(winter, 'Europe/Rome')).toBe('12/12/2026 20:30');
    expect(formatSheetDate(summer, 'Europe/Rome')).toBe('14/07/2026 21:30');
    expect(formatSheetDate(winter)).toBe('12/12/2026 19:30');
  });
});
