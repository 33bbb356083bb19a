import { eq } from 'drizzle-orm';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/src/auth/passwords.js';
import { performances, reservations, shows, users, venues, waitlistEntries } from '../../server/src/db/schema.js';
import { SCREENSHOTS, screenshot, startStack, type Stack } from './harness.js';
import { accessibilityProblems } from './public-helpers.js';
import { romeEvening } from './rome-time.js';

/*
 * Issue 14's whole performances in a real browser, as the box office works: cancelling a
 * performance from the performances page (the dialog asks for the guests' message), every
 * guest's email arriving at a real SMTP server exactly once, the public show page keeping the
 * date as cancelled; then a message to the guests already checked in, previewed before it is
 * sent, and its history filling up as the outbox delivers. Steps share one server, in order.
 */

const VENUE = { name: 'Sala Grande', capacity: 60 };
const SHOW = { title: 'Zio Vanja', slug: 'zio-vanja', description: 'Čechov, una tenuta di campagna e chi la manda avanti.' };
const BOX_OFFICE = { email: 'cassa@azionelab.local', password: 'box-office-password-2026', name: 'Marta Cassa' };
const STAFF_MESSAGE = 'Ci scusiamo: l’attrice protagonista è malata. Vi rimborsiamo entro una settimana.';

/** Guests of the date that is cancelled: Anna and Bruno once each, the Costa family twice, one walk-in without email, one on the waiting list. */
const ANNA = { name: 'Anna Ferri', email: 'anna.ferri@example.com' };
const BRUNO = { name: 'Bruno Galli', email: 'bruno.galli@example.com' };
const COSTA = { name: 'Elena Costa', email: 'famiglia.costa@example.com' };
const WAITING = { name: 'Dario Neri', email: 'dario.neri@example.com' };
/** Guests of tonight's date: two already in, one not yet. */
const ARRIVED = [
  { name: 'Franca Riva', email: 'franca.riva@example.com' },
  { name: 'Gino Sala', email: 'gino.sala@example.com' },
];
const LATE = { name: 'Ivo Monti', email: 'ivo.monti@example.com' };

// Its guests booked without a language: their emails are Italian.
const CANCELLED = /^Replica annullata: Zio Vanja/;

/** Where a screenshot of part of a page goes (the harness's folder). */
const screenshotPath = (name: string) => `${SCREENSHOTS}/${name}.png`;

const shown = (locator: Locator) => locator.waitFor({ state: 'visible' });
const gone = (locator: Locator) => locator.waitFor({ state: 'hidden' });

describe('whole performances at the box office', () => {
  let stack: Stack;
  let office: BrowserContext;
  let page: Page;
  const ids = { cancelled: 0, tonight: 0, boxOffice: 0 };
  let cancelledStart: Date;

  const db = () => stack.runtime.services.database.db;
  const notice = (text: string | RegExp) => page.getByRole('status').getByText(text);

  /** Booked and confirmed through the service (the public booking flow has its own tests); returns the check-in token. */
  async function booked(performanceId: number, guest: { name: string; email: string }, seats = 2): Promise<string> {
    const { bookings } = stack.runtime.services;
    const pending = await bookings.create(performanceId, { ...guest, phone: null, notes: null, party_size: seats });
    return (await bookings.confirm(pending.rawConfirmationToken)).rawCheckInToken;
  }

  const mailsTo = (address: string, subject: RegExp) =>
    stack.mailbox.messages.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((to) => to?.text.toLowerCase() === address) && subject.test(m.subject ?? ''));

  beforeAll(async () => {
    stack = await startStack();
    const [venue] = await db().insert(venues).values(VENUE).returning();
    const [show] = await db().insert(shows).values({ ...SHOW, published: true }).returning();
    cancelledStart = romeEvening(4);
    const [doomed] = await db().insert(performances).values({ showId: show!.id, venueId: venue!.id, startsAt: cancelledStart }).returning();
    // Tonight's doors are open: the show starts within the hour.
    const [tonight] = await db()
      .insert(performances)
      .values({ showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 45 * 60_000) })
      .returning();
    ids.cancelled = doomed!.id;
    ids.tonight = tonight!.id;

    await booked(ids.cancelled, ANNA);
    await booked(ids.cancelled, BRUNO, 1);
    await booked(ids.cancelled, COSTA, 3);
    await booked(ids.cancelled, COSTA, 1);
    await db().insert(reservations).values({ performanceId: ids.cancelled, name: 'Walk-in', email: null, partySize: 1, status: 'confirmed', source: 'admin', code: 'WALK-IN1', confirmedAt: new Date() });
    await db().insert(waitlistEntries).values({ performanceId: ids.cancelled, ...WAITING, partySize: 2, status: 'waiting', joinedAt: new Date() });

    const [staff] = await db()
      .insert(users)
      .values({ email: BOX_OFFICE.email, displayName: BOX_OFFICE.name, passwordHash: await hashPassword(BOX_OFFICE.password), role: 'box_office' })
      .returning();
    ids.boxOffice = staff!.id;
    office = await stack.newContext({ width: 1280, height: 900 });
    office.setDefaultTimeout(15_000);
    const login = await office.request.post('/api/auth/login', { data: { email: BOX_OFFICE.email, password: BOX_OFFICE.password }, headers: { Origin: stack.baseUrl } });
    expect(login.status()).toBe(200);

    // Tonight: two guests scanned in at the door by the box office, one not yet arrived.
    for (const guest of ARRIVED) {
      const token = await booked(ids.tonight, guest);
      const scanned = await office.request.post('/api/check-ins/confirm', { data: { token }, headers: { Origin: stack.baseUrl } });
      expect(scanned.status()).toBe(200);
    }
    await booked(ids.tonight, LATE);
    page = await office.newPage();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('1. cancels a whole performance from the performances page, after a dialog that asks for the guests’ message', async () => {
    await page.goto('/admin/performances');
    const row = page.getByRole('row').filter({ has: page.locator(`time[datetime="${cancelledStart.toISOString()}"]`) });
    await shown(row);
    await row.getByRole('button', { name: /^Cancel performance/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this performance?' });
    await shown(dialog);
    await shown(dialog.getByText(/Every reservation \(8 confirmed seats, 0 pending\) and the waiting list \(1 in line\) are cancelled/));

    // Without words for the guests, nothing happens.
    await dialog.getByRole('button', { name: 'Cancel performance and email guests' }).click();
    await shown(dialog.getByText('This field is required.'));
    expect((await db().select().from(performances).where(eq(performances.id, ids.cancelled)))[0]!.cancelledAt).toBeNull();

    // Kept: reopened, the dialog starts clean.
    await dialog.getByRole('button', { name: 'Keep the performance' }).click();
    await gone(dialog);
    await row.getByRole('button', { name: /^Cancel performance/ }).click();
    await shown(dialog);
    expect(await dialog.getByText('This field is required.').count()).toBe(0);

    await dialog.getByLabel('Message to the guests').fill(STAFF_MESSAGE);
    expect(await accessibilityProblems(page)).toEqual([]);
    await dialog.screenshot({ path: screenshotPath('box-office-cancel-dialog') });
    await dialog.getByRole('button', { name: 'Cancel performance and email guests' }).click();
    await gone(dialog);
    await shown(notice('Performance cancelled. Emails queued: 4.'));
    await shown(row.getByText('Cancelled', { exact: true }));
    await expect.poll(async () => (await row.getByRole('button', { name: /^Cancel performance/ }).count())).toBe(0);
    await screenshot(page, 'box-office-performances-cancelled');
  });

  it('2. emails every guest exactly once through the real SMTP server, with the staff’s words', async () => {
    const expected = [ANNA.email, BRUNO.email, COSTA.email, WAITING.email];
    for (const address of expected) await stack.mailbox.waitFor(address, CANCELLED);
    // Give a duplicate every chance to show up: the outbox is idle once the history says so.
    await page.goto(`/admin/performances/${ids.cancelled}/messages`);
    await shown(page.getByRole('heading', { level: 1, name: /Zio Vanja/ }));
    await shown(page.getByText('4 sent'));
    for (const address of expected) {
      const mails = mailsTo(address, CANCELLED);
      expect(mails, address).toHaveLength(1);
      expect(mails[0]!.text).toContain(STAFF_MESSAGE);
    }
    expect(mailsTo(COSTA.email, CANCELLED)[0]!.text).toContain('4 posti');
    expect(stack.mailbox.messages.filter((m) => CANCELLED.test(m.subject ?? ''))).toHaveLength(4);
    await shown(page.getByText(/This performance was cancelled on/));
    await screenshot(page, 'box-office-cancelled-history');
  });

  it('3. the public show page keeps the date, marked cancelled, with nothing to book', async () => {
    const context = await stack.newContext({ width: 1024, height: 800 });
    const visitor = await context.newPage();
    await visitor.goto(`/shows/${SHOW.slug}`);
    const item = visitor.getByRole('listitem').filter({ has: visitor.locator(`time[datetime="${cancelledStart.toISOString()}"]`) });
    await shown(item.getByText('Cancelled', { exact: true }));
    expect(await item.getByRole('link').count()).toBe(0);
    await visitor.goto(`/shows/${SHOW.slug}?performance=${ids.cancelled}`);
    await shown(visitor.getByText(/This date has been cancelled/));
    expect(await accessibilityProblems(visitor)).toEqual([]);
    await screenshot(visitor, 'box-office-public-cancelled');
    await context.close();
  });

  it('4. writes to the guests already checked in: the preview counts them and shows the email, only they receive it', async () => {
    await page.goto(`/admin/performances/${ids.tonight}/messages`);
    await shown(page.getByRole('heading', { level: 2, name: 'Write to guests' }));
    await page.getByLabel('To', { exact: true }).selectOption({ label: 'Guests already checked in' });
    await page.getByLabel('Subject', { exact: true }).fill('Intervallo di 20 minuti');
    await page.getByLabel('Message', { exact: true }).fill('Stasera l’intervallo dura 20 minuti: il bar del foyer resta aperto.\n\nBuona visione!');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await shown(page.getByText('2 emails will be sent, one per address.'));
    await shown(page.getByText('Subject: Intervallo di 20 minuti – Zio Vanja'));
    await shown(page.getByText(/un messaggio per «Zio Vanja»/));
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.locator('.composer').screenshot({ path: screenshotPath('box-office-composer-preview') });

    // Changing the draft asks for a new preview before anything can be sent.
    await page.getByLabel('Subject', { exact: true }).fill('Intervallo di 20 minuti!');
    await shown(page.getByText('The message changed after the preview'));
    expect(await page.getByRole('button', { name: /^Send/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.getByRole('button', { name: 'Send 2 emails' }).click();
    await shown(notice('Message queued: 2 emails.'));

    for (const guest of ARRIVED) await stack.mailbox.waitFor(guest.email, /Intervallo di 20 minuti!/);
    const history = page.getByRole('region', { name: 'Sent to guests' });
    await shown(history.getByText('2 sent'));
    await shown(history.getByText('Guests already checked in'));
    const received = stack.mailbox.messages.filter((m) => /Intervallo di 20 minuti!/.test(m.subject ?? '')).map((m) => (Array.isArray(m.to) ? m.to[0]! : m.to!).text);
    expect(received.sort()).toEqual(ARRIVED.map((g) => g.email).sort());
    expect(mailsTo(LATE.email, /Intervallo/)).toEqual([]);
    await screenshot(page, 'box-office-messages-history');

    // The same page in Italian, the staff's language, for the docs.
    const camera = await stack.newContext({ width: 1280, height: 900, locale: 'it-IT' });
    const signIn = await camera.request.post('/api/auth/login', { data: { email: BOX_OFFICE.email, password: BOX_OFFICE.password }, headers: { Origin: stack.baseUrl } });
    expect(signIn.status()).toBe(200);
    const italian = await camera.newPage();
    await italian.goto(`/admin/performances/${ids.tonight}/messages`);
    await shown(italian.getByRole('heading', { level: 2, name: 'Scrivi agli ospiti' }));
    await shown(italian.getByText('2 inviate'));
    await screenshot(italian, 'box-office-messages-it');
    await camera.close();
  });
});
