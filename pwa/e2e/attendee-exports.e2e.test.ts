import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../../server/src/db/seed-demo.js';
import { performances, shows, venues } from '../../server/src/db/schema.js';
import { screenshot, startStack, type Stack } from './harness.js';
import { romeEvening } from './rome-time.js';

/*
 * Issue 15's "exports that open right", from the pages staff use: the attendee list downloaded
 * from the performances page and the door list, in the language the admin reads, opened again
 * with the spreadsheet library: Italian headers and `;` for an Italian admin, English and `,`
 * for an English one, the phone kept as text, the seats a number.
 */

const SHOW = { title: 'Le tre sorelle', slug: 'le-tre-sorelle' };
const GUEST = { name: 'Niccolò Cerè', email: 'niccolo@example.com', phone: '+39 06 1234' };

describe('attendee exports', () => {
  let stack: Stack;
  let performanceId = 0;
  let showId = 0;

  async function signedIn(locale: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await stack.newContext({ locale });
    await context.request.post('/api/auth/login', { data: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password }, headers: { Origin: stack.baseUrl } });
    return { context, page: await context.newPage() };
  }

  async function download(page: Page, linkName: string): Promise<{ name: string; bytes: Buffer }> {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: linkName }).click()]);
    return { name: file.suggestedFilename(), bytes: await readFile((await file.path())!) };
  }

  async function sheetOf(bytes: Buffer): Promise<ExcelJS.Worksheet> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    return workbook.worksheets[0]!;
  }

  beforeAll(async () => {
    stack = await startStack();
    const { db } = stack.runtime.services.database;
    const [venue] = await db.insert(venues).values({ name: 'Sala Piccola', capacity: 30 }).returning();
    const [show] = await db.insert(shows).values({ ...SHOW, published: true }).returning();
    const [performance] = await db.insert(performances).values({ showId: show!.id, venueId: venue!.id, startsAt: romeEvening(3) }).returning();
    performanceId = performance!.id;
    showId = show!.id;
    const { bookings } = stack.runtime.services;
    const pending = await bookings.create(performanceId, { ...GUEST, notes: null, party_size: 2 });
    await bookings.confirm(pending.rawConfirmationToken);
  });
  afterAll(() => stack?.stop());

  it('gives an Italian admin Italian headers, and `;` in the CSV, from the performances page', async () => {
    const { context, page } = await signedIn('it-IT');
    await page.goto(`/admin/performances?show_id=${showId}`);
    await page.getByRole('link', { name: 'Partecipanti (Excel)' }).waitFor();
    await screenshot(page, 'exports-performances-it');

    const xlsx = await download(page, 'Partecipanti (Excel)');
    expect(xlsx.name).toMatch(/^partecipanti-le-tre-sorelle-\d{4}-\d{2}-\d{2}-1900\.xlsx$/);
    const sheet = await sheetOf(xlsx.bytes);
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      'Codice',
      'Nome',
      'Email',
      'Telefono',
      'Posti',
      'Origine',
      'Stato',
      'Note',
      'Confermata il',
      'Entrato alle',
    ]);
    const guest = sheet.getRow(2);
    expect(guest.getCell(2).value).toBe(GUEST.name);
    expect(guest.getCell(4).value).toBe(GUEST.phone);
    expect(guest.getCell(4).type).toBe(ExcelJS.ValueType.String);
    expect(guest.getCell(5).value).toBe(2);
    expect(guest.getCell(9).type).toBe(ExcelJS.ValueType.Date);

    const csv = await download(page, 'Partecipanti (CSV)');
    expect(csv.name).toMatch(/^partecipanti-le-tre-sorelle-.*\.csv$/);
    const text = csv.bytes.toString('utf8');
    expect(text.startsWith('\uFEFFCodice;Nome;Email;Telefono;Posti;Origine;Stato;Note;Confermata il;Entrato alle\r\n')).toBe(true);
    expect(text).toContain(`;${GUEST.name};${GUEST.email};'${GUEST.phone};2;Sito web;Non ancora entrato;;`);
    await context.close();
  });

  it('gives an English admin English headers, and `,` in the CSV, from the door list', async () => {
    const { context, page } = await signedIn('en-GB');
    await page.goto(`/admin/performances/${performanceId}/door-list`);
    await page.getByRole('link', { name: 'Attendees (Excel)' }).waitFor();
    await screenshot(page, 'exports-door-list-en');

    const xlsx = await download(page, 'Attendees (Excel)');
    expect(xlsx.name).toMatch(/^attendees-le-tre-sorelle-.*\.xlsx$/);
    const sheet = await sheetOf(xlsx.bytes);
    expect(sheet.name).toBe('Attendees');
    expect(sheet.getRow(1).getCell(1).value).toBe('Code');
    expect(sheet.getRow(1).getCell(9).value).toBe('Confirmed at');
    expect(sheet.getRow(2).getCell(6).value).toBe('Website');

    const csv = await download(page, 'Attendees (CSV)');
    const text = csv.bytes.toString('utf8');
    expect(text.startsWith('\uFEFFCode,Name,Email,Phone,Seats,Source,Status,Notes,Confirmed at,Checked in at\r\n')).toBe(true);
    expect(text).toContain(`,${GUEST.name},${GUEST.email},'${GUEST.phone},2,Website,Not checked in yet,,`);

    // Switching the interface to Italian switches the downloads with it.
    await page.getByRole('button', { name: /^IT,/ }).click();
    const italian = page.getByRole('link', { name: 'Partecipanti (CSV)' });
    await italian.waitFor();
    expect(await italian.getAttribute('href')).toBe(`/api/admin/performances/${performanceId}/attendees.csv?lang=it`);
    expect((await download(page, 'Partecipanti (CSV)')).bytes.toString('utf8')).toContain('Codice;Nome;');
    await context.close();
  });
});
