import { and, asc, eq, gt } from 'drizzle-orm';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/src/auth/passwords.js';
import { auditLog, performances, reservations, shows, users } from '../../server/src/db/schema.js';
import { screenshot, startStack, type Stack } from './harness.js';
import { ROME, romeEvening } from './rome-time.js';

/*
 * The box office on a busy day, in a real browser: a caller without email gets a ticket at
 * once, printed from the admin; a guest who scans their own QR code with the phone's camera
 * lands on their ticket with a note instead of JSON; a walk-in with an address gets the ticket
 * by email, code included.
 */

const CLERK = { email: 'cassa@azionelab.local', password: 'box-office-password-2026' };
const shown = (locator: Locator) => locator.waitFor({ state: 'visible' });
const gone = (locator: Locator) => locator.waitFor({ state: 'hidden' });

describe('box office: tickets issued at the desk', () => {
  let stack: Stack;
  let clerk: BrowserContext;
  let page: Page;
  let performanceId = 0;
  let showTitle = '';
  const db = () => stack.runtime.services.database.db;

  beforeAll(async () => {
    stack = await startStack();
    await db()
      .insert(users)
      .values({ email: CLERK.email, displayName: 'Carla Cassa', passwordHash: await hashPassword(CLERK.password), role: 'box_office' });
    const [next] = await db()
      .select({ id: performances.id, title: shows.title })
      .from(performances)
      .innerJoin(shows, eq(shows.id, performances.showId))
      .where(and(gt(performances.startsAt, new Date(Date.now() + 3_600_000)), eq(shows.published, true)))
      .orderBy(asc(performances.startsAt))
      .limit(1);
    performanceId = next!.id;
    showTitle = next!.title;
    clerk = await stack.newContext();
    clerk.setDefaultTimeout(15_000);
    page = await clerk.newPage();
    const login = await clerk.request.post('/api/auth/login', { data: CLERK, headers: { Origin: stack.baseUrl } });
    expect(login.status()).toBe(200);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function issueTicket(guest: { name: string; seats: number; phone?: string; email?: string }) {
    await page.goto('/admin/reservations');
    await page.getByRole('button', { name: 'New reservation' }).click();
    const dialog = page.getByRole('dialog', { name: 'New reservation' });
    await expect.poll(() => dialog.getByRole('radio', { name: /Ticket now/ }).isChecked()).toBe(true);
    await dialog.getByLabel('Performance').selectOption(String(performanceId));
    await dialog.getByLabel('Name', { exact: true }).pressSequentially(guest.name);
    await dialog.getByLabel('Seats').fill(String(guest.seats));
    if (guest.phone) await dialog.getByLabel(/^Phone/).fill(guest.phone);
    if (guest.email) await dialog.getByRole('textbox', { name: /^Email/ }).fill(guest.email);
    await dialog.getByRole('button', { name: 'Issue the ticket' }).click();
    await gone(dialog);
    await shown(page.getByRole('heading', { level: 1, name: 'Ticket' }));
  }

  it('issues a confirmed ticket to a phone caller without email, and prints it', async () => {
    await page.goto('/admin/reservations');
    await page.getByRole('button', { name: 'New reservation' }).click();
    const dialog = page.getByRole('dialog', { name: 'New reservation' });
    await dialog.getByLabel('Performance').selectOption(String(performanceId));
    await dialog.getByLabel('Name', { exact: true }).pressSequentially('Niccolò Ferri');
    await dialog.getByLabel('Seats').fill('2');
    // No contact at all: the form says why one is worth asking for, but lets the ticket go out.
    await shown(dialog.getByText(/Add a phone number or an email if you can/));
    await screenshot(page, 'box-office-desk-form');
    await dialog.getByLabel(/^Phone/).fill('+39 06 1234 5678');
    await dialog.getByRole('button', { name: 'Issue the ticket' }).click();
    await gone(dialog);
    await shown(page.getByRole('heading', { level: 1, name: 'Ticket' }));

    const [row] = await db().select().from(reservations).where(eq(reservations.name, 'Niccolò Ferri'));
    expect(row).toMatchObject({ status: 'confirmed', email: null, phone: '+39 06 1234 5678', partySize: 2, source: 'admin' });
    await shown(page.getByTestId('printable-code').getByText(row!.code!));
    await shown(page.getByTestId('printable-name').getByText('Niccolò Ferri'));
    await shown(page.getByText(showTitle));
    await shown(page.getByText('This guest has no email address: print the ticket and hand it over, or read them the code.'));
    const qr = page.getByTestId('printable-ticket').getByRole('img', { name: 'QR code of the ticket' });
    await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await screenshot(page, 'box-office-desk-ticket');
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: 'Print the ticket' }).isVisible()).toBe(false);
    await screenshot(page, 'box-office-desk-ticket-print');
    await page.emulateMedia({ media: 'screen' });

    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, row!.id), eq(auditLog.action, 'reservation.issue')));
    expect(audit!.summary).toContain(CLERK.email);
  });

  it('sends a guest who scans their own QR code to their ticket page, not to JSON', async () => {
    const [row] = await db().select().from(reservations).where(eq(reservations.name, 'Niccolò Ferri'));
    const printable = await clerk.request.get(`/api/admin/reservations/${row!.id}/ticket`);
    const { qr_code_url: qrUrl } = (await printable.json()) as { qr_code_url: string };
    expect(qrUrl).toMatch(/\/api\/check-ins\/preview\/\?token=[A-Za-z0-9_-]{43}$/);

    const guest = await stack.newContext({ width: 390, height: 844 });
    const phone = await guest.newPage();
    await phone.goto(qrUrl);
    await shown(phone.getByRole('heading', { level: 1, name: 'Your ticket' }));
    await shown(phone.getByTestId('scanned-note').getByText(new RegExp(`This is your ticket for ${showTitle}`)));
    await shown(phone.getByTestId('ticket-code').getByText(row!.code!));
    await shown(phone.getByTestId('ticket-name').getByText('Niccolò Ferri'));
    expect(await phone.locator('body').innerText()).not.toContain('not_authenticated');
    await screenshot(phone, 'box-office-guest-scanned');
    await guest.close();
  });

  it('replaces a ticket only after asking, and says the old QR code stops working', async () => {
    const [row] = await db().select().from(reservations).where(eq(reservations.name, 'Niccolò Ferri'));
    const before = (await (await clerk.request.get(`/api/admin/reservations/${row!.id}/ticket`)).json()) as { qr_code_url: string };
    await page.goto(`/admin/reservations/${row!.id}`);
    await shown(page.getByTestId('reservation-code').getByText(row!.code!));
    // No address: nothing to send again, and the page says what to do instead.
    expect(await page.getByRole('button', { name: 'Send the email again' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Replace the ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replace the ticket?' });
    await shown(dialog.getByText(/The old QR code, its printout and its links stop working at once/));
    await screenshot(page, 'box-office-reissue-dialog');
    await dialog.getByRole('button', { name: 'Keep the ticket' }).click();
    await gone(dialog);
    const unchanged = (await (await clerk.request.get(`/api/admin/reservations/${row!.id}/ticket`)).json()) as { qr_code_url: string };
    expect(unchanged.qr_code_url).toBe(before.qr_code_url);

    await page.getByRole('button', { name: 'Replace the ticket' }).click();
    await page.getByRole('dialog', { name: 'Replace the ticket?' }).getByRole('button', { name: 'Yes, replace it' }).click();
    await shown(page.getByRole('heading', { level: 1, name: 'Ticket' }));
    const after = (await (await clerk.request.get(`/api/admin/reservations/${row!.id}/ticket`)).json()) as { qr_code_url: string; code: string };
    expect(after.qr_code_url).not.toBe(before.qr_code_url);
    expect(after.code).toBe(row!.code);

    // The guest's old QR now opens a page that says the ticket is no longer valid.
    const guest = await stack.newContext({ width: 390, height: 844 });
    const phone = await guest.newPage();
    await phone.goto(before.qr_code_url);
    await shown(phone.getByRole('heading', { level: 1, name: 'This ticket cannot be shown' }));
    await guest.close();
  });

  it('emails the ticket, code included, to a walk-in who gives an address', async () => {
    await issueTicket({ name: 'Anna Bianchi', seats: 1, email: 'anna.bianchi@example.com' });
    await shown(page.getByText('The ticket is also on its way to the guest by email.', { exact: false }));
    const [row] = await db().select().from(reservations).where(eq(reservations.email, 'anna.bianchi@example.com'));
    const mail = await stack.mailbox.waitFor('anna.bianchi@example.com', /Il tuo biglietto/);
    expect(mail.text).toContain(row!.code!);
    expect(mail.attachments.some((a) => a.contentType === 'image/png')).toBe(true);
  });

  it('refuses more seats than are left, in words, and issues nothing', async () => {
    const before = (await db().select().from(reservations).where(eq(reservations.performanceId, performanceId))).length;
    await page.goto('/admin/reservations');
    await page.getByRole('button', { name: 'New reservation' }).click();
    const dialog = page.getByRole('dialog', { name: 'New reservation' });
    await dialog.getByLabel('Performance').selectOption(String(performanceId));
    await dialog.getByLabel('Name', { exact: true }).fill('Troppi Posti');
    // The demo performance has fewer free seats than this (the server's limit is checked too).
    await db().update(performances).set({ manuallyOccupiedSeats: 10_000 }).where(eq(performances.id, performanceId));
    await dialog.getByLabel('Seats').fill('2');
    await dialog.getByRole('button', { name: 'Issue the ticket' }).click();
    await shown(dialog.getByRole('alert').getByText(/seats/i));
    expect((await db().select().from(reservations).where(eq(reservations.performanceId, performanceId))).length).toBe(before);
    await db().update(performances).set({ manuallyOccupiedSeats: 0 }).where(eq(performances.id, performanceId));
  });

  it('lets the box office move a performance, saying who is told, and emails its guests the new time', async () => {
    const newStart = romeEvening(20);
    const input = new Intl.DateTimeFormat('sv-SE', { timeZone: ROME, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .format(newStart)
      .replace(' ', 'T');
    await page.goto('/admin/performances');
    const row = page.getByRole('row').filter({ hasText: showTitle }).first();
    await row.getByRole('button', { name: /^Move/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Move this performance?' });
    await shown(dialog.getByTestId('move-who'));
    await dialog.getByLabel('Starts at').fill(input);
    await screenshot(page, 'box-office-move-dialog');
    await dialog.getByRole('button', { name: 'Move it' }).click();
    await gone(dialog);
    await shown(page.getByRole('status').getByText('Performance moved.', { exact: false }));
    const [moved] = await db().select().from(performances).where(eq(performances.id, performanceId));
    expect(moved!.startsAt.toISOString()).toBe(newStart.toISOString());
    // The walk-in with an address hears of it, with a new calendar event.
    const mail = await stack.mailbox.waitFor('anna.bianchi@example.com', /^Nuovo orario: /);
    expect(mail.attachments.some((a) => a.contentType.startsWith('text/calendar'))).toBe(true);
  });
});
