import { readFile } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../../server/src/db/seed-demo.js';
import { auditLog, mailOutbox, performances, reservations, shows, users, venues } from '../../server/src/db/schema.js';
import { zonedDateTime } from '../../server/src/lib/dates.js';
import { linkIn, screenshot, startStack, type Stack } from './harness.js';

/*
 * The staff admin in a real browser, as a person uses it: one flow in order, from signing in to
 * the refusals for a door account, through the forms, the guest's email link, the attendee
 * CSV and cancelling. The steps share one server and one signed-in admin tab (`page`); every
 * step checks what the screen says and, where it matters, the rows in the database.
 *
 * No sleeps: locators wait by themselves (`waitFor`), and values that change after a request
 * are polled (`expect.poll`).
 *
 * Screenshots of the main pages with the data of this flow are taken in Italian (the staff's
 * language, as in docs/screenshots/) by a second signed-in browser, the "camera", so that the
 * flow's own tab keeps its state. They land in test-results/screenshots/.
 */

const ROME = 'Europe/Rome';

const VENUE = { name: 'Sala Piccola', capacity: 40 };
const SHOW = { title: 'La locandiera', slug: 'la-locandiera', description: 'Goldoni, Mirandolina e i suoi pretendenti.' };
const GUEST = { name: 'Niccolò Rossi', email: 'niccolo.rossi@example.com', phone: '+39 333 123 4567', seats: 2 };
const DOOR = { email: 'porta@azionelab.local', name: 'Giulia Porta', password: 'door-password-2026' };

/** Waits until the element is visible; fails the test when it never appears. */
const shown = (locator: Locator) => locator.waitFor({ state: 'visible' });
/** Waits until the element is gone (a closed dialog). */
const gone = (locator: Locator) => locator.waitFor({ state: 'hidden' });
const isFocused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);

/** A date two days ahead at 20:30 in Rome: as typed in a datetime-local field, and the instant it means. */
function performanceStart() {
  const day = new Date(Date.now() + 2 * 86_400_000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: ROME, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(day)
      .map((part) => [part.type, part.value]),
  );
  return {
    input: `${parts.year}-${parts.month}-${parts.day}T20:30`,
    instant: zonedDateTime({ year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: 20, minute: 30 }, ROME),
  };
}

describe('staff admin in a browser', () => {
  let stack: Stack;
  let admin: BrowserContext;
  let page: Page;
  /** The same data seen by a second admin, in Italian, for the screenshots. */
  let camera: Page;
  const ids = { admin: 0, venue: 0, show: 0, performance: 0, reservation: 0 };

  const db = () => stack.runtime.services.database.db;
  /** The notice area of the staff pages ("Saved.", "Performance created."). */
  const notice = (text: string | RegExp) => page.getByRole('status').getByText(text);
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });

  async function openFromMenu(name: string) {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name, exact: true }).click();
    await shown(heading(name));
  }

  async function newContext(options: { width?: number; height?: number; locale?: string } = {}) {
    const context = await stack.newContext(options);
    context.setDefaultTimeout(15_000);
    return context;
  }

  /** Signs a context in through the API (the camera is not what is being tested). */
  async function signIn(context: BrowserContext, email: string, password: string) {
    const response = await context.request.post('/api/auth/login', { data: { email, password }, headers: { Origin: stack.baseUrl } });
    expect(response.status()).toBe(200);
  }

  /** A full-page screenshot of a staff page once its data has loaded. */
  async function photograph(name: string, url: string, options: { on?: Page; width?: number; height?: number } = {}) {
    const on = options.on ?? camera;
    await on.setViewportSize({ width: options.width ?? 1280, height: options.height ?? 800 });
    await on.goto(url);
    await shown(on.getByRole('heading', { level: 1 }));
    // No "Caricamento…" (Loading…) left anywhere, the dashboard's charts included.
    await on.waitForFunction(() => !document.body.innerText.includes('Caricamento'));
    return screenshot(on, name);
  }

  beforeAll(async () => {
    stack = await startStack();
    admin = await newContext();
    page = await admin.newPage();
    camera = await (await newContext({ locale: 'it-IT' })).newPage();
    const [demo] = await db().select().from(users).where(eq(users.email, DEMO_ADMIN.email));
    ids.admin = demo!.id;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('1. refuses a wrong password with a message, then signs the demo admin in', async () => {
    await photograph('admin-login', '/admin/');

    await page.goto('/admin/');
    await shown(heading('Staff sign-in'));
    await page.getByLabel('Email').fill(DEMO_ADMIN.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await shown(page.getByRole('alert').getByText('Wrong email or password, or the account is disabled.'));
    expect(await page.getByRole('navigation').count()).toBe(0);
    await shown(heading('Staff sign-in'));

    await page.getByLabel('Password').fill(DEMO_ADMIN.password);
    await page.getByLabel('Password').press('Enter');

    await shown(heading('Dashboard'));
    await shown(page.getByText('Signed in as Demo admin (Administrator)'));
    const menu = page.getByRole('navigation', { name: 'Main navigation' });
    const entries = await menu.getByRole('link').allInnerTexts();
    expect(entries).toEqual(['Dashboard', 'Performances', 'Reservations', 'Shows', 'Venues', 'Users', 'Door devices', 'Audit log']);
    // The demo programme is on the dashboard.
    await shown(page.getByRole('heading', { level: 2, name: 'Clown in libertà' }).first());

    await signIn(camera.context(), DEMO_ADMIN.email, DEMO_ADMIN.password);
  });

  it('2. creates a venue (after a validation error), a show and a performance, and publishes the show', async () => {
    // Venue: saving an empty form shows the error next to the field, and nothing is stored.
    await openFromMenu('Venues');
    await page.getByRole('button', { name: 'New venue' }).click();
    const venueDialog = page.getByRole('dialog', { name: 'New venue' });
    await shown(venueDialog);
    await venueDialog.getByRole('button', { name: 'Save' }).click();

    const nameInput = venueDialog.getByLabel('Name');
    const nameField = venueDialog.locator('.field').filter({ has: page.locator('#venue-name') });
    await shown(nameField.getByText('This field is required.'));
    expect(await nameInput.getAttribute('aria-invalid')).toBe('true');
    expect(await nameInput.getAttribute('aria-describedby')).toContain('venue-name-error');
    await expect.poll(() => isFocused(nameInput)).toBe(true);
    await shown(venueDialog.getByRole('alert').getByText('Please correct the highlighted fields.'));
    expect(await db().select().from(venues)).toHaveLength(1);

    await nameInput.fill(VENUE.name);
    await venueDialog.getByLabel('Capacity').fill(String(VENUE.capacity));
    await venueDialog.getByRole('button', { name: 'Save' }).click();
    await gone(venueDialog);
    await shown(notice('Saved.'));
    const venueRow = page.getByRole('row').filter({ hasText: VENUE.name });
    await shown(venueRow);
    expect(await venueRow.getByRole('cell').nth(1).innerText()).toBe(String(VENUE.capacity));
    const [venue] = await db().select().from(venues).where(eq(venues.name, VENUE.name));
    expect(venue).toMatchObject({ capacity: VENUE.capacity });
    ids.venue = venue!.id;

    // Show: saved as a draft, then published from the list.
    await openFromMenu('Shows');
    await page.getByRole('button', { name: 'New show' }).click();
    const showDialog = page.getByRole('dialog', { name: 'New show' });
    await showDialog.getByLabel('Title').fill(SHOW.title);
    await showDialog.getByLabel('Description').fill(SHOW.description);
    await showDialog.getByRole('button', { name: 'Save' }).click();
    await gone(showDialog);
    const showRow = page.getByRole('row').filter({ hasText: SHOW.title });
    await shown(showRow.getByText('Draft', { exact: true }));
    let [show] = await db().select().from(shows).where(eq(shows.title, SHOW.title));
    expect(show).toMatchObject({ slug: SHOW.slug, published: false });

    await showRow.getByRole('button', { name: `Publish ${SHOW.title}` }).click();
    await shown(notice(`“${SHOW.title}” is published.`));
    await shown(showRow.getByText('Published', { exact: true }));
    [show] = await db().select().from(shows).where(eq(shows.title, SHOW.title));
    expect(show!.published).toBe(true);
    ids.show = show!.id;

    // Performance of that show in that venue, two days ahead.
    const start = performanceStart();
    await openFromMenu('Performances');
    await page.getByRole('button', { name: 'New performance' }).click();
    const performanceDialog = page.getByRole('dialog', { name: 'New performance' });
    await performanceDialog.getByLabel('Show', { exact: true }).selectOption({ label: SHOW.title });
    await performanceDialog.getByLabel('Venue').selectOption({ label: `${VENUE.name} (${VENUE.capacity} seats)` });
    await performanceDialog.getByLabel('Starts at').fill(start.input);
    await performanceDialog.getByRole('button', { name: 'Save' }).click();
    await gone(performanceDialog);
    await shown(notice('Performance created.'));

    const performanceRow = page.getByRole('row').filter({ hasText: SHOW.title });
    await shown(performanceRow.getByText(`0 of ${VENUE.capacity} confirmed`));
    await shown(performanceRow.getByText(`0 pending · ${VENUE.capacity} free`));
    await shown(performanceRow.getByText('Open', { exact: true }));
    const [performance] = await db().select().from(performances).where(eq(performances.showId, ids.show));
    expect(performance).toMatchObject({ venueId: ids.venue, bookingOpen: true, additionalSeats: 0, manuallyOccupiedSeats: 0 });
    expect(performance!.startsAt.toISOString()).toBe(start.instant.toISOString());
    ids.performance = performance!.id;

    const actions = await db().select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.actorUserId, ids.admin));
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['venue.create', 'show.create', 'show.publish', 'performance.create']));
  });

  it('3. makes a manual reservation for a phone guest, which stays pending until the guest confirms', async () => {
    await openFromMenu('Reservations');
    await page.getByRole('button', { name: 'New reservation' }).click();
    const dialog = page.getByRole('dialog', { name: 'New reservation' });
    await dialog.getByRole('radio', { name: /Confirmation email/ }).check();
    await shown(dialog.getByText('The reservation stays pending until the guest confirms it from the email link.'));
    await dialog.getByLabel('Performance').selectOption(String(ids.performance));
    await dialog.getByLabel('Name', { exact: true }).pressSequentially(GUEST.name);
    await dialog.getByLabel('Seats').fill(String(GUEST.seats));
    await dialog.getByLabel('Email', { exact: true }).fill(GUEST.email);
    await dialog.getByLabel(/^Phone/).fill(GUEST.phone);
    await dialog.getByLabel('Notes').fill('Prenotata per telefono.');
    // The caller speaks English: their emails will be written in it.
    await dialog.getByLabel('Email language').selectOption('en');
    await dialog.getByRole('button', { name: 'New reservation' }).click();
    await gone(dialog);

    const [reservation] = await db().select().from(reservations).where(eq(reservations.email, GUEST.email));
    expect(reservation).toMatchObject({
      performanceId: ids.performance,
      name: GUEST.name,
      phone: GUEST.phone,
      partySize: GUEST.seats,
      status: 'pending',
      source: 'admin',
      createdByUserId: ids.admin,
      locale: 'en',
    });
    ids.reservation = reservation!.id;

    await shown(
      notice(
        `Reservation no. ${ids.reservation} created for ${GUEST.seats} seats. ` +
          'The reservation stays pending until the guest confirms it from the email link.',
      ),
    );
    const row = page.getByRole('row').filter({ hasText: GUEST.name });
    await shown(row.getByText('Pending', { exact: true }));
    await shown(row.getByText('Staff', { exact: true }));
  });

  it('4. the guest confirms from the email link; the admin sees it confirmed, with its emails and history', async () => {
    const mail = await stack.mailbox.waitFor(GUEST.email, /Confirm your reservation: La locandiera/);
    const link = linkIn(mail, /https?:\/\/\S+\/confirm#token=[\w-]+/);
    expect(link.startsWith(`${stack.baseUrl}/confirm#token=`)).toBe(true);

    // The guest: another person, in another browser.
    const guest = await (await newContext({ width: 390, height: 844, locale: 'it-IT' })).newPage();
    // The public confirmation page posts the token from the fragment and shows the ticket.
    await guest.goto(link);
    await shown(guest.getByTestId('ticket'));
    await guest.context().close();

    const [confirmed] = await db().select().from(reservations).where(eq(reservations.id, ids.reservation));
    expect(confirmed!.status).toBe('confirmed');
    await stack.mailbox.waitFor(GUEST.email, /Your ticket: La locandiera/);
    // The outbox marks a message sent just after the SMTP server has it. The reminder waits in
    // the outbox until the day before: it is due REMINDER_BEFORE ahead of the performance.
    const outbox = async () => db().select().from(mailOutbox).where(eq(mailOutbox.reservationId, ids.reservation));
    await expect
      .poll(async () => (await outbox()).map((m) => `${m.kind}:${m.status}`).sort())
      .toEqual(['reservation_confirmation:sent', 'reservation_reminder:pending', 'reservation_ticket:sent']);
    const reminder = (await outbox()).find((m) => m.kind === 'reservation_reminder')!;
    const [booked] = await db().select().from(performances).where(eq(performances.id, ids.performance));
    expect(reminder.nextAttemptAt.getTime()).toBe(booked!.startsAt.getTime() - stack.runtime.services.env.REMINDER_BEFORE);
    expect(reminder).toMatchObject({ recipient: GUEST.email, attempts: 0, sentAt: null });

    // The performance now counts the seats.
    await openFromMenu('Performances');
    const performanceRow = page.getByRole('row').filter({ hasText: SHOW.title });
    await shown(performanceRow.getByText(`${GUEST.seats} of ${VENUE.capacity} confirmed`));
    await shown(performanceRow.getByText(`0 pending · ${VENUE.capacity - GUEST.seats} free`));

    // Its reservations, then the reservation.
    await performanceRow.getByRole('link', { name: 'Reservations' }).click();
    await shown(heading('Reservations'));
    const row = page.getByRole('row').filter({ hasText: GUEST.name });
    await shown(row.getByText('Confirmed', { exact: true }));
    await row.getByRole('link', { name: GUEST.name }).click();

    await shown(page.getByText(`Reservation no. ${ids.reservation}`, { exact: true }));
    const title = heading(new RegExp(GUEST.name));
    await shown(title.getByText('Confirmed', { exact: true }));
    await shown(page.getByText('Confirmed on'));
    const guestCard = page.getByRole('region', { name: 'Guest' });
    await shown(guestCard.getByRole('link', { name: GUEST.phone }));
    await shown(guestCard.getByText('2 seats'));

    const emails = page.getByRole('region', { name: 'Emails' });
    await shown(emails.getByRole('row').filter({ hasText: 'Confirmation link' }).getByText('Sent', { exact: true }));
    await shown(emails.getByRole('row').filter({ hasText: 'Ticket' }).getByText('Sent', { exact: true }));
    await shown(emails.getByRole('row').filter({ hasText: 'Reminder (the day before)' }).getByText('Waiting', { exact: true }));
    expect(await emails.getByRole('row').count()).toBe(4);

    const history = page.getByRole('region', { name: 'History' }).getByRole('listitem');
    await expect.poll(() => history.count()).toBe(2);
    // Each entry is a sentence (pwa/src/admin/audit-render.ts): who, what, which reservation and performance.
    expect(await history.nth(0).innerText()).toMatch(/Demo admin made reservation #\d+ \(\d+ seats?\) for La locandiera/);
    expect(await history.nth(1).innerText()).toMatch(/The guest confirmed reservation [A-Z0-9]{4}-[A-Z0-9]{4} \(\d+ seats?\) for La locandiera/);

    // The pages with this data, in Italian, for the docs.
    await photograph('admin-dashboard', '/admin/');
    await photograph('admin-dashboard-tablet', '/admin/', { width: 820, height: 1180 });
    await photograph('admin-performances', '/admin/performances');
    await photograph('admin-reservations', `/admin/reservations?performance_id=${ids.performance}`);
    await photograph('admin-reservation', `/admin/reservations/${ids.reservation}`);
  });

  it('5. exports the attendee list as CSV with a BOM and the accented name', async () => {
    await page.getByRole('link', { name: '← All reservations of this performance' }).click();
    await shown(heading('Reservations'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Attendees (CSV)' }).click()]);
    // English interface: English headers and `,` (pwa/e2e/attendee-exports.e2e.test.ts has Italian and XLSX).
    expect(download.suggestedFilename()).toMatch(/^attendees-.*\.csv$/);
    const bytes = await readFile(await download.path());

    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('Code,Name,Email,Phone,Seats,Source,Status,Notes,Confirmed at,Checked in at');
    expect(lines).toHaveLength(2);
    // A leading + would start a spreadsheet formula: the export defuses it.
    expect(lines[1]).toContain(`,${GUEST.name},${GUEST.email},'${GUEST.phone},${GUEST.seats},Staff,Not checked in yet,`);
  });

  it('6. cancels the reservation after the confirmation dialog; the seats are free again', async () => {
    await page.getByRole('row').filter({ hasText: GUEST.name }).getByRole('link', { name: GUEST.name }).click();
    await shown(page.getByText(`Reservation no. ${ids.reservation}`, { exact: true }));
    await page.getByRole('button', { name: 'Cancel reservation' }).click();

    const dialog = page.getByRole('dialog', { name: 'Cancel this reservation?' });
    await shown(dialog.getByText(`The reservation of ${GUEST.name} for ${GUEST.seats} seats will be cancelled.`, { exact: false }));
    // The safe choice has the focus.
    await expect.poll(() => isFocused(dialog.getByRole('button', { name: 'Keep it' }))).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel reservation' }).click();
    await gone(dialog);

    await shown(notice('The reservation is cancelled and the guest will be emailed.'));
    await shown(heading(new RegExp(GUEST.name)).getByText('Cancelled', { exact: true }));
    await shown(page.getByText('Cancelled on'));
    expect(await page.getByRole('button', { name: 'Cancel reservation' }).count()).toBe(0);

    const [cancelled] = await db().select().from(reservations).where(eq(reservations.id, ids.reservation));
    expect(cancelled!.status).toBe('cancelled');
    expect(cancelled!.cancelledAt).toBeInstanceOf(Date);
    await stack.mailbox.waitFor(GUEST.email, /Reservation cancelled: La locandiera/);
    const history = page.getByRole('region', { name: 'History' }).getByRole('listitem');
    expect(await history.nth(2).innerText()).toMatch(/Demo admin cancelled reservation [A-Z0-9]{4}-[A-Z0-9]{4} \(\d+ seats?\) for La locandiera/);

    await openFromMenu('Performances');
    const performanceRow = page.getByRole('row').filter({ hasText: SHOW.title });
    await shown(performanceRow.getByText(`0 of ${VENUE.capacity} confirmed`));
    await shown(performanceRow.getByText(`0 pending · ${VENUE.capacity} free`));
  });

  it('7. a door account sees only the way to the door app and is refused by the staff API', async () => {
    await openFromMenu('Users');
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Email', { exact: true }).fill(DOOR.email);
    await dialog.getByLabel('Name').fill(DOOR.name);
    await dialog.getByLabel('Role').selectOption({ label: 'Door: only the door app' });
    // Inviting by email is the default (pwa/e2e/staff-invitation.e2e.test.ts); here the admin hands a password over.
    await dialog.getByLabel('Set a password now and tell it to them').check();
    await dialog.getByLabel('Password', { exact: true }).fill(DOOR.password);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await gone(dialog);
    await shown(notice('Saved.'));
    const row = page.getByRole('row').filter({ hasText: DOOR.name });
    await shown(row.getByText('Door', { exact: true }));
    await shown(row.getByText('Active', { exact: true }));
    const [doorUser] = await db().select().from(users).where(and(eq(users.email, DOOR.email), eq(users.role, 'door')));
    expect(doorUser).toMatchObject({ displayName: DOOR.name, active: true });

    const doorContext = await newContext();
    const door = await doorContext.newPage();
    await door.goto('/admin/reservations');
    await door.getByLabel('Email').fill(DOOR.email);
    await door.getByLabel('Password').fill(DOOR.password);
    await door.getByRole('button', { name: 'Sign in' }).click();

    await shown(door.getByRole('heading', { level: 1, name: 'The door app is your tool' }));
    expect(await door.getByRole('link', { name: 'Open the door app' }).getAttribute('href')).toBe('/door/');
    expect(await door.getByRole('navigation').count()).toBe(0);
    expect(await door.getByRole('link', { name: 'Reservations' }).count()).toBe(0);
    expect(await door.getByRole('table').count()).toBe(0);
    await shown(door.getByRole('button', { name: 'Sign out' }));

    for (const url of ['/api/admin/venues', '/api/admin/reservations', '/api/admin/users']) {
      const response = await doorContext.request.get(url);
      expect({ url, status: response.status() }).toEqual({ url, status: 403 });
      expect(await response.json()).toMatchObject({ status: 'forbidden' });
    }
    // Its session is real: the refusal is about the role.
    expect(await (await doorContext.request.get('/api/auth/me')).json()).toMatchObject({ user: { email: DOOR.email, role: 'door' } });

    await photograph('admin-users', '/admin/users');
    await photograph('admin-audit', '/admin/audit');
    const doorCamera = await (await newContext({ locale: 'it-IT' })).newPage();
    await signIn(doorCamera.context(), DOOR.email, DOOR.password);
    await photograph('admin-door-role', '/admin/', { on: doorCamera });
    await doorCamera.context().close();
    await doorContext.close();
  });

  it('8. keyboard: the skip link reaches the content, and Escape closes a dialog returning the focus', async () => {
    await page.goto('/admin/venues');
    await shown(heading('Venues'));

    await page.keyboard.press('Tab');
    const skipLink = page.getByRole('link', { name: 'Skip to content' });
    expect(await isFocused(skipLink)).toBe(true);
    // Hidden above the page until focused, then on screen.
    expect((await skipLink.boundingBox())!.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');

    // The next Tab lands in the content, past the menu.
    await page.keyboard.press('Tab');
    const newVenue = page.getByRole('button', { name: 'New venue' });
    expect(await isFocused(newVenue)).toBe(true);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New venue' });
    await shown(dialog);
    await expect.poll(() => isFocused(dialog.getByLabel('Name'))).toBe(true);

    await page.keyboard.press('Escape');
    await gone(dialog);
    await expect.poll(() => isFocused(newVenue)).toBe(true);
  });
});
