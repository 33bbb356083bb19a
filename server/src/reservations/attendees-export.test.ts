import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../auth/sessions.js';
import { reservations, type UserRole } from '../db/schema.js';
import { aConfirmedReservation, aPendingReservation, aPerformance, createTestContext, loggedIn, type TestContext } from '../test/harness.js';

let ctx: TestContext;
const cookies = {} as Record<UserRole, string>;
let doorStaff: SessionUser;
beforeAll(async () => {
  ctx = await createTestContext();
  for (const role of ['admin', 'content', 'box_office', 'door'] as const) {
    const staff = await loggedIn(ctx, role);
    cookies[role] = staff.cookie;
    if (role === 'door') doorStaff = staff.user;
  }
});
afterAll(() => ctx.close());

const db = () => ctx.services.database.db;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const IT_HEADERS = ['Codice', 'Nome', 'Email', 'Telefono', 'Posti', 'Origine', 'Stato', 'Note', 'Confermata il', 'Entrato alle'];
const EN_HEADERS = ['Code', 'Name', 'Email', 'Phone', 'Seats', 'Source', 'Status', 'Notes', 'Confirmed at', 'Checked in at'];
const FORMULA = '=HYPERLINK("http://evil.example","click")';

/** The response as bytes: `Response.text()` would silently drop the BOM under test. */
async function rawGet(path: string, cookie?: string) {
  const response = await ctx.runtime.app.request(
    `http://localhost${path}`,
    { headers: cookie ? { cookie } : {} },
    { incoming: { socket: { remoteAddress: '127.0.0.1' } } },
  );
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** RFC 4180 with a chosen separator: quoted fields may hold separators, doubled quotes and line breaks. */
function parseCsv(text: string, separator: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === separator) {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

async function openXlsx(bytes: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook.worksheets[0]!;
}

/** Rome's wall clock of an instant, as exceljs reads a zone-less Excel date back (UTC fields). */
function romeWallClock(instant: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: ctx.env.TIME_ZONE,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/** A performance on 15 June 2027 at 21:00 in Rome (summer time) with guests worth exporting. */
async function aPerformanceWithGuests() {
  const { performance, show } = await aPerformance(ctx, { capacity: 40, startsAt: new Date('2027-06-15T19:00:00Z') });
  const confirmedGuest = async (name: string, extra: { phone?: string; notes?: string } = {}) => {
    const pending = await ctx.services.bookings.create(performance.id, {
      name,
      email: `${randomBytes(3).toString('hex')}@example.com`,
      phone: extra.phone ?? null,
      notes: extra.notes ?? null,
      party_size: 3,
    });
    const confirmed = await ctx.services.bookings.confirm(pending.rawConfirmationToken);
    const [row] = await db().select().from(reservations).where(eq(reservations.id, confirmed.reservation.id));
    return { ...confirmed, row: row! };
  };
  const accents = await confirmedGuest('Niccolò Cerè', { phone: '+39 06 1234', notes: 'prima fila; vicino all’uscita' });
  const formula = await confirmedGuest(FORMULA, { phone: '0612345', notes: '@risky' });
  await db().update(reservations).set({ source: 'admin' }).where(eq(reservations.id, formula.reservation.id));
  const pending = await aPendingReservation(ctx, performance.id);
  const cancelled = await aConfirmedReservation(ctx, performance.id);
  await ctx.services.bookings.cancel(cancelled.reservation.id, null);
  // Admitted at the door that evening: its window is open then, not today.
  const evening = ctx.withEnv({}, { now: () => new Date('2027-06-15T18:40:00Z') });
  expect((await evening.services.checkIns.confirm(accents.rawCheckInToken, doorStaff)).checked_in).toBe(true);
  return { performance, show, accents, formula, pending, cancelled };
}

describe.each(['attendees.xlsx', 'attendees.csv'])('GET /api/admin/performances/:id/%s access', (file) => {
  it.each([
    ['anonymous', 401, 'not_authenticated'],
    ['door', 403, 'forbidden'],
    ['content', 403, 'forbidden'],
  ] as const)('refuses %s', async (role, status, code) => {
    const { performance } = await aPerformance(ctx);
    const response = await ctx.client.get(`/api/admin/performances/${performance.id}/${file}`, role === 'anonymous' ? {} : { cookie: cookies[role] });
    expect(response.status).toBe(status);
    expect(response.body.status).toBe(code);
  });

  it.each(['box_office', 'admin'] as const)('serves %s', async (role) => {
    const { performance } = await aPerformance(ctx);
    const response = await rawGet(`/api/admin/performances/${performance.id}/${file}`, cookies[role]);
    expect(response.status).toBe(200);
  });

  it('answers 404 for an unknown performance and 400 for an unknown language', async () => {
    const unknown = await ctx.client.get(`/api/admin/performances/2147483647/${file}`, { cookie: cookies.box_office });
    expect(unknown.status).toBe(404);
    expect(unknown.body.status).toBe('not_found');
    const { performance } = await aPerformance(ctx);
    const badLang = await ctx.client.get(`/api/admin/performances/${performance.id}/${file}?lang=fr`, { cookie: cookies.box_office });
    expect(badLang.status).toBe(400);
    expect(badLang.body.status).toBe('validation_error');
  });
});

describe('GET /api/admin/performances/:id/attendees.xlsx', () => {
  it('opens as typed cells: localized headers, phones as text, seats as numbers, dates as real dates', async () => {
    const { performance, show, accents, formula, pending, cancelled } = await aPerformanceWithGuests();
    const response = await rawGet(`/api/admin/performances/${performance.id}/attendees.xlsx`, cookies.box_office);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(XLSX_TYPE);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="partecipanti-${show.slug}-2027-06-15-2100.xlsx"`);

    const sheet = await openXlsx(response.bytes);
    expect(sheet.name).toBe('Partecipanti');
    expect(sheet.getRow(1).values).toEqual([undefined, ...IT_HEADERS]);
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    // Two confirmed guests, ordered by name ("=" sorts before letters); pending and cancelled left out.
    expect(sheet.actualRowCount).toBe(3);
    const codes = [sheet.getRow(2).getCell(1).value, sheet.getRow(3).getCell(1).value];
    expect(codes).not.toContain(pending.reservation.code);
    expect(codes).not.toContain(cancelled.reservation.code);

    const rowOf = (code: string | null) => sheet.getRow(codes.indexOf(code) + 2);
    const guest = rowOf(accents.row.code);
    const cell = (col: number) => guest.getCell(col);
    expect(cell(1).type).toBe(ExcelJS.ValueType.String);
    expect(cell(1).value).toBe(accents.row.code);
    expect(cell(2).value).toBe('Niccolò Cerè');
    expect(cell(3).value).toBe(accents.row.email);
    expect(cell(4).type).toBe(ExcelJS.ValueType.String);
    expect(cell(4).value).toBe('+39 06 1234');
    expect(cell(5).type).toBe(ExcelJS.ValueType.Number);
    expect(cell(5).value).toBe(3);
    expect(cell(6).value).toBe('Sito web');
    expect(cell(7).value).toBe('Entrato');
    expect(cell(8).value).toBe('prima fila; vicino all’uscita');
    expect(cell(9).type).toBe(ExcelJS.ValueType.Date);
    expect(cell(9).numFmt).toBe('dd/mm/yyyy hh:mm');
    // The DB instant, shown on the theatre's clock (Excel dates carry no zone; seconds are kept).
    expect((cell(9).value as Date).toISOString().slice(0, 19)).toBe(romeWallClock(accents.row.confirmedAt!));
    expect(cell(10).type).toBe(ExcelJS.ValueType.Date);

    const other = rowOf(formula.row.code);
    // The would-be formula is a text cell in Text format: shown as typed, never evaluated.
    expect(other.getCell(2).type).toBe(ExcelJS.ValueType.String);
    expect(other.getCell(2).value).toBe(FORMULA);
    expect(other.getCell(2).formula).toBeUndefined();
    expect(other.getCell(2).numFmt).toBe('@');
    expect(other.getCell(4).value).toBe('0612345');
    expect(other.getCell(4).type).toBe(ExcelJS.ValueType.String);
    expect(other.getCell(6).value).toBe('Staff');
    expect(other.getCell(7).value).toBe('Non ancora entrato');
    expect(other.getCell(8).value).toBe('@risky');
    expect(other.getCell(10).type).toBe(ExcelJS.ValueType.Null);
  });

  it('speaks English with ?lang=en', async () => {
    const { performance, show, formula } = await aPerformanceWithGuests();
    const response = await rawGet(`/api/admin/performances/${performance.id}/attendees.xlsx?lang=en`, cookies.admin);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="attendees-${show.slug}-2027-06-15-2100.xlsx"`);
    const sheet = await openXlsx(response.bytes);
    expect(sheet.name).toBe('Attendees');
    expect(sheet.getRow(1).values).toEqual([undefined, ...EN_HEADERS]);
    const row = [2, 3].map((n) => sheet.getRow(n)).find((r) => r.getCell(1).value === formula.row.code)!;
    expect(row.getCell(6).value).toBe('Staff');
    expect(row.getCell(7).value).toBe('Not checked in yet');
  });

  it('is only the header row for a performance without guests', async () => {
    const { performance } = await aPerformance(ctx);
    const sheet = await openXlsx((await rawGet(`/api/admin/performances/${performance.id}/attendees.xlsx`, cookies.box_office)).bytes);
    expect(sheet.actualRowCount).toBe(1);
    expect(sheet.getRow(1).values).toEqual([undefined, ...IT_HEADERS]);
  });
});

describe('GET /api/admin/performances/:id/attendees.csv', () => {
  it('is Italian by default: `;`, BOM, CRLF, localized words, neutralised formulas', async () => {
    const { performance, show, accents, formula } = await aPerformanceWithGuests();
    const response = await rawGet(`/api/admin/performances/${performance.id}/attendees.csv`, cookies.box_office);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="partecipanti-${show.slug}-2027-06-15-2100.csv"`);
    expect([...response.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(response.bytes.includes(Buffer.from('Niccolò Cerè', 'utf8'))).toBe(true);

    const text = response.bytes.toString('utf8');
    expect(text.startsWith(`\uFEFF${IT_HEADERS.join(';')}\r\n`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    // Written exactly so: prefixed against formulas, quoted where RFC 4180 needs it.
    expect(text).toContain(`\r\n${formula.row.code};"'=HYPERLINK(""http://evil.example"",""click"")";`);

    const [header, ...rows] = parseCsv(text.slice(1), ';');
    expect(header).toEqual(IT_HEADERS);
    expect(rows).toHaveLength(2);
    const byCode = new Map(rows.map((r) => [r[0], Object.fromEntries(IT_HEADERS.map((h, i) => [h, r[i]]))]));
    expect(byCode.get(accents.row.code!)).toMatchObject({
      Nome: 'Niccolò Cerè',
      Telefono: "'+39 06 1234",
      Posti: '3',
      Origine: 'Sito web',
      Stato: 'Entrato',
      Note: 'prima fila; vicino all’uscita',
    });
    const confirmedAt = romeWallClock(accents.row.confirmedAt!);
    const [date, time] = confirmedAt.split('T') as [string, string];
    expect(byCode.get(accents.row.code!)!['Confermata il']).toBe(`${date.split('-').reverse().join('/')} ${time.slice(0, 5)}`);
    expect(byCode.get(accents.row.code!)!['Entrato alle']).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(byCode.get(formula.row.code!)).toMatchObject({ Nome: `'${FORMULA}`, Note: "'@risky", Origine: 'Staff', 'Entrato alle': '' });
  });

  it('is English with `,` for ?lang=en', async () => {
    const { performance, show, accents, formula } = await aPerformanceWithGuests();
    const response = await rawGet(`/api/admin/performances/${performance.id}/attendees.csv?lang=en`, cookies.admin);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="attendees-${show.slug}-2027-06-15-2100.csv"`);
    const text = response.bytes.toString('utf8');
    expect(text.startsWith(`\uFEFF${EN_HEADERS.join(',')}\r\n`)).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1), ',');
    expect(header).toEqual(EN_HEADERS);
    const byCode = new Map(rows.map((r) => [r[0], Object.fromEntries(EN_HEADERS.map((h, i) => [h, r[i]]))]));
    expect(byCode.get(accents.row.code!)).toMatchObject({ Name: 'Niccolò Cerè', Seats: '3', Source: 'Website', Status: 'Checked in' });
    expect(byCode.get(formula.row.code!)).toMatchObject({ Name: `'${FORMULA}`, Status: 'Not checked in yet' });
  });

  it('is only the header for a performance without guests', async () => {
    const { performance } = await aPerformance(ctx);
    const empty = await rawGet(`/api/admin/performances/${performance.id}/attendees.csv`, cookies.admin);
    expect(empty.bytes.toString('utf8')).toBe(`\uFEFF${IT_HEADERS.join(';')}\r\n`);
  });
});
