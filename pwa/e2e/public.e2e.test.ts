import { readFile } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performances, reservationTokens, reservations, shows, venues } from '../../server/src/db/schema.js';
import { linkIn, screenshot, startStack, type Stack } from './harness.js';
import { accessibilityProblems, decodeQrOnScreen, decodeQrPng, recordApiCalls } from './public-helpers.js';
import { romeEvening, romeLongDate } from './rome-time.js';

/*
 * The public site in a real browser, as a visitor uses it: the programme, a booking with its
 * client-side checks, the confirmation email's link, the ticket with its QR code (decoded from
 * the screen), the ticket email's link, cancelling, the languages; then the refusals (sold out,
 * closed, bad and expired links, too many attempts). The steps share one server; each opens its
 * own browser context, as a separate visitor. Every page shown is checked with axe-core.
 *
 * The browser runs in New York time on purpose: performances must still read in Rome's time.
 */

const GUEST = { name: 'Maria Bianchi', email: 'maria.bianchi@example.com', phone: '+39 06 1234 5678', seats: 2 };
/** A small venue of our own, so that seats run out after a few bookings. */
const STUDIO = { name: 'Sala Studio', capacity: 4 };
const SHOW = { title: 'Prova aperta', slug: 'prova-aperta', description: 'Le prove del nuovo spettacolo, aperte al pubblico.' };
const CHERRY = { title: 'Il giardino dei ciliegi', slug: 'il-giardino-dei-ciliegi', venue: 'Sala Grande', capacity: 80 };

const longDate = romeLongDate;

const shown = (locator: Locator) => locator.waitFor({ state: 'visible' });
const gone = (locator: Locator) => locator.waitFor({ state: 'hidden' });
const isFocused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);

describe('public booking site in a browser', () => {
  let stack: Stack;
  /** Our performances: one per refusal, so the steps do not depend on each other's seats. */
  const ids = { soldOut: 0, closed: 0, runsOut: 0, closes: 0, fillsUp: 0, expires: 0, cherryFirst: 0 };
  const starts: Record<keyof typeof ids, Date> = {} as never;
  /** What step 3 leaves for the steps after it. */
  const ticket = { confirmLink: '', checkInToken: '', reservationId: 0 };
  /** A confirmation link used up in step 8 (its reservation is confirmed, not cancelled). */
  let usedConfirmLink = '';

  const db = () => stack.runtime.services.database.db;

  async function visitor(options: { width?: number; height?: number; locale?: string } = {}): Promise<Page> {
    const context = await stack.browser.newContext({
      baseURL: stack.baseUrl,
      viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
      locale: options.locale ?? 'en-GB',
      timezoneId: 'America/New_York',
      acceptDownloads: true,
    });
    context.setDefaultTimeout(15_000);
    return context.newPage();
  }
  const phone = (locale?: string) => visitor({ width: 390, height: 844, ...(locale && { locale }) });

  /** The row of one performance in a list of dates. */
  const dateRow = (page: Page, id: keyof typeof ids) =>
    page.getByRole('listitem').filter({ has: page.locator(`time[datetime="${starts[id].toISOString()}"]`) });

  async function expectAccessible(page: Page) {
    expect(await accessibilityProblems(page)).toEqual([]);
  }

  async function setSeats(id: number, change: Partial<typeof performances.$inferInsert>) {
    await db().update(performances).set(change).where(eq(performances.id, id));
  }

  async function reservationOf(email: string) {
    const [row] = await db().select().from(reservations).where(eq(reservations.email, email));
    return row;
  }

  /** A booking made through the API (the form itself is tested in step 2), and its confirmation link. */
  async function bookThroughApi(performanceId: number, email: string, partySize: number): Promise<string> {
    const response = await fetch(`${stack.baseUrl}/api/performances/${performanceId}/reservations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Anna Verdi', email, party_size: partySize, locale: 'en' }),
    });
    expect(response.status).toBe(201);
    const mail = await stack.mailbox.waitFor(email, /Confirm your reservation/);
    return linkIn(mail, /https?:\/\/\S+\/confirm#token=[\w-]+/);
  }

  async function fillBooking(page: Page, seats: number, email = `guest-${Date.now()}@example.com`) {
    await page.getByLabel('Name and surname').fill('Luca Neri');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Seats', { exact: true }).selectOption(String(seats));
  }

  const submit = (page: Page) => page.getByRole('button', { name: 'Book', exact: true }).click();

  beforeAll(async () => {
    // A low limit on bookings per address, so that the last step can reach it. A day's window
    // (aligned to midnight UTC) keeps the wait long enough to be said as a clock time.
    stack = await startStack({ THROTTLE_RESERVATION_CREATE: '12/day' });
    const [studio] = await db().insert(venues).values(STUDIO).returning();
    const [show] = await db().insert(shows).values({ ...SHOW, published: true }).returning();
    const add = async (key: keyof typeof ids, days: number, extra: Partial<typeof performances.$inferInsert> = {}) => {
      starts[key] = romeEvening(days);
      const [row] = await db()
        .insert(performances)
        .values({ showId: show!.id, venueId: studio!.id, startsAt: starts[key], ...extra })
        .returning();
      ids[key] = row!.id;
    };
    await add('runsOut', 6);
    await add('closes', 7);
    await add('fillsUp', 8);
    await add('soldOut', 9, { manuallyOccupiedSeats: STUDIO.capacity });
    await add('closed', 10, { bookingOpen: false });
    await add('expires', 11);
    const [cherry] = await db().select().from(shows).where(eq(shows.slug, CHERRY.slug));
    const [first] = await db().select().from(performances).where(eq(performances.showId, cherry!.id)).orderBy(performances.startsAt).limit(1);
    ids.cherryFirst = first!.id;
    starts.cherryFirst = first!.startsAt;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('1. shows the programme from one API call: Rome times, seats left, sold out, closed', async () => {
    const page = await phone();
    const calls = recordApiCalls(page);
    await page.goto('/');
    await shown(page.getByRole('heading', { level: 1, name: 'What’s on' }));
    await shown(page.getByRole('heading', { level: 2, name: CHERRY.title }));
    await shown(page.getByRole('heading', { level: 2, name: SHOW.title }));

    // 19:00 in Rome, although the browser is in New York (13:00 there).
    const runsOut = dateRow(page, 'runsOut');
    expect(await runsOut.locator('time').textContent()).toBe(`${longDate(starts.runsOut, 'en-GB')}, 19:00`);
    await shown(runsOut.getByText(`· ${STUDIO.name}`));
    await shown(runsOut.getByText(`Few seats left: ${STUDIO.capacity}`));
    await shown(dateRow(page, 'cherryFirst').getByText(`${CHERRY.capacity} seats left`));

    await shown(dateRow(page, 'soldOut').getByText('Sold out', { exact: true }));
    // A sold-out date cannot be booked; its only link is the waiting list (waitlist.e2e.test.ts).
    expect(await dateRow(page, 'soldOut').getByRole('link').allTextContents()).toEqual(['Waiting list']);
    await shown(dateRow(page, 'closed').getByText('Booking closed', { exact: true }));
    expect(await dateRow(page, 'closed').getByRole('link').count()).toBe(0);
    await shown(runsOut.getByRole('link', { name: `Book: ${SHOW.title}, ${longDate(starts.runsOut, 'en-GB')}, 19:00` }));

    expect(calls).toEqual(['GET /api/shows']);
    await expectAccessible(page);

    // Keyboard: the first Tab reaches the skip link, which moves the focus to the content.
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await isFocused(skip)).toBe(true);
    await page.keyboard.press('Enter');
    expect(await isFocused(page.getByRole('main'))).toBe(true);
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByRole('link', { name: 'Clown in libertà', exact: true }))).toBe(true);
    await screenshot(page, 'public-programme-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, 'public-programme-desktop');
    await page.context().close();
  });

  it('2. books a date: the form checks the fields as the server does, then says to check the email', async () => {
    const page = await visitor();
    await page.goto('/');
    await dateRow(page, 'cherryFirst').getByRole('link', { name: /^Book/ }).click();
    await page.waitForURL((url) => url.pathname === `/shows/${CHERRY.slug}` && url.search === `?performance=${ids.cherryFirst}`);
    const formHeading = page.getByRole('heading', { level: 2, name: 'Book your seats' });
    await shown(formHeading);
    // The form of the chosen date takes the focus (and scrolls into view on a phone).
    await expect.poll(() => isFocused(formHeading)).toBe(true);

    // Nothing goes to the server until the fields are right.
    const calls = recordApiCalls(page);
    await submit(page);
    await shown(page.getByText('Please correct the highlighted fields.'));
    expect(await page.locator('#booking-name-error').textContent()).toBe('This field is required.');
    expect(await page.locator('#booking-email-error').textContent()).toBe('This field is required.');
    expect(await page.getByLabel('Name and surname').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Name and surname').getAttribute('aria-describedby')).toContain('booking-name-error');
    expect(await isFocused(page.getByLabel('Name and surname'))).toBe(true);

    await page.getByLabel('Name and surname').fill(GUEST.name);
    await page.getByLabel('Email', { exact: true }).fill('maria.bianchi@example');
    await page.getByLabel('Phone').fill('call me');
    await submit(page);
    await shown(page.locator('#booking-email-error').getByText('Enter a valid email address.'));
    await shown(page.locator('#booking-phone-error').getByText('Use digits, spaces and + ( ) . - only.'));
    expect(await page.locator('#booking-name-error').count()).toBe(0);
    expect(await isFocused(page.getByLabel('Email', { exact: true }))).toBe(true);
    expect(calls).toEqual([]);
    await expectAccessible(page);
    await screenshot(page, 'public-booking-errors-desktop');

    await page.getByLabel('Email', { exact: true }).fill(`  ${GUEST.email.toUpperCase()} `);
    await page.getByLabel('Phone').fill(GUEST.phone);
    await page.getByLabel('Seats', { exact: true }).selectOption(String(GUEST.seats));
    await submit(page);
    await page.waitForURL('**/booking-sent');
    await shown(page.getByRole('heading', { level: 1, name: 'Check your email' }));
    await shown(page.getByText(`We have sent an email to ${GUEST.email} with a link to confirm your reservation.`));
    await shown(page.getByText(`${CHERRY.title} · ${longDate(starts.cherryFirst, 'en-GB')}, 21:00 · ${GUEST.seats} seats`));
    await shown(page.getByText(/The link is valid for 48 hours/));
    expect(calls).toEqual([`POST /api/performances/${ids.cherryFirst}/reservations`]);

    const row = await reservationOf(GUEST.email);
    expect(row).toMatchObject({ name: GUEST.name, phone: GUEST.phone, partySize: GUEST.seats, status: 'pending', performanceId: ids.cherryFirst });
    await expectAccessible(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'public-booking-sent-phone');
    await page.context().close();
  });

  it('3. the email link confirms with a POST and shows the ticket; its QR holds only the check-in URL', async () => {
    const mail = await stack.mailbox.waitFor(GUEST.email, /Confirm your reservation: Il giardino dei ciliegi/);
    ticket.confirmLink = linkIn(mail, /https?:\/\/\S+\/confirm#token=[\w-]+/);
    const confirmationToken = new URL(ticket.confirmLink).hash.replace('#token=', '');

    // A mail scanner fetching the link gets the page and confirms nothing.
    const scanned = await fetch(ticket.confirmLink);
    expect(scanned.status).toBe(200);
    expect(await scanned.text()).toContain('<div id="app">');
    expect((await reservationOf(GUEST.email))!.status).toBe('pending');

    const page = await phone();
    const calls = recordApiCalls(page);
    await page.goto(ticket.confirmLink);
    await shown(page.getByTestId('ticket'));
    await shown(page.getByRole('status').getByText('Your reservation is confirmed.'));
    expect(calls.filter((call) => call.includes('/confirm'))).toEqual(['POST /api/reservations/confirm']);
    const row = await reservationOf(GUEST.email);
    expect(row!.status).toBe('confirmed');
    ticket.reservationId = row!.id;

    // The address is now the ticket's, with the new check-in token: the confirmation token is gone.
    const address = new URL(page.url());
    expect(address.pathname).toBe('/ticket');
    expect(page.url()).not.toContain(confirmationToken);
    ticket.checkInToken = address.hash.replace('#token=', '');
    expect(ticket.checkInToken).toMatch(/^[\w-]{43}$/);

    const card = page.getByTestId('ticket');
    await shown(card.getByRole('heading', { name: CHERRY.title }));
    await shown(card.getByText(`${longDate(starts.cherryFirst, 'en-GB')}, 21:00`));
    await shown(card.getByText(CHERRY.venue));
    await shown(card.getByText(`${GUEST.seats} seats`));
    // As on a paper ticket: the guest's name and the code the door accepts typed; never the email.
    await shown(card.getByTestId('ticket-name').getByText(GUEST.name));
    const { code } = (await reservationOf(GUEST.email))!;
    await shown(card.getByTestId('ticket-code').getByText(code!));
    expect(await card.textContent()).not.toContain(GUEST.email);

    const qrText = await decodeQrOnScreen(page.getByRole('img', { name: 'QR code of your ticket, to show at the door' }));
    expect(qrText).toBe(`${stack.baseUrl}/api/check-ins/preview/?token=${ticket.checkInToken}`);
    for (const personal of [GUEST.name, GUEST.email, 'Bianchi', 'maria']) expect(qrText!.toLowerCase()).not.toContain(personal.toLowerCase());
    expect([...new URL(qrText!).searchParams.keys()]).toEqual(['token']);

    // "Save the QR code" saves a PNG that scans to the same URL.
    const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Save the QR code' }).click()]);
    expect(saved.suggestedFilename()).toBe(`azionelab-ticket-${ticket.reservationId}.png`);
    expect(decodeQrPng(await readFile((await saved.path())!))).toBe(qrText);

    const [calendar] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Add to calendar' }).click()]);
    const ics = await readFile((await calendar.path())!, 'utf8');
    expect(ics).toContain('BEGIN:VEVENT');
    expect(ics).toContain(`SUMMARY:${CHERRY.title}`);
    expect(ics).not.toContain(GUEST.email);

    await expectAccessible(page);
    await screenshot(page, 'public-ticket-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, 'public-ticket-desktop');
    // Printed: the ticket alone, without the site's header, buttons or the cancel section.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('banner').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'I can’t come' }).isVisible()).toBe(false);
    expect(await card.isVisible()).toBe(true);
    await screenshot(page, 'public-ticket-print');
    await page.context().close();
  });

  it('4. the ticket email reopens the ticket; the guest cancels and the seats are free again', async () => {
    const mail = await stack.mailbox.waitFor(GUEST.email, /Your ticket: Il giardino dei ciliegi/);
    const link = linkIn(mail, /https?:\/\/\S+\/ticket#token=[\w-]+/);
    expect(new URL(link).hash).toBe(`#token=${ticket.checkInToken}`);

    const page = await visitor();
    await page.goto(link);
    const card = page.getByTestId('ticket');
    await shown(card.getByRole('heading', { name: CHERRY.title }));
    expect(await page.getByText('Your reservation is confirmed.').count()).toBe(0);
    expect(await decodeQrOnScreen(page.getByRole('img', { name: /QR code of your ticket/ }))).toBe(
      `${stack.baseUrl}/api/check-ins/preview/?token=${ticket.checkInToken}`,
    );

    const seatsLeft = async () => ((await (await fetch(`${stack.baseUrl}/api/performances/${ids.cherryFirst}`)).json()) as { available_seats: number }).available_seats;
    expect(await seatsLeft()).toBe(CHERRY.capacity - GUEST.seats);

    // First thoughts: the dialog says what will happen, and keeping the ticket is the default.
    await page.getByRole('button', { name: 'I can’t come' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel your reservation?' });
    await shown(dialog.getByText(`Your ${GUEST.seats} seats for ${CHERRY.title} on ${longDate(starts.cherryFirst, 'en-GB')}, 21:00 will be released`));
    expect(await isFocused(dialog.getByRole('button', { name: 'Keep my ticket' }))).toBe(true);
    await expectAccessible(page);
    await screenshot(page, 'public-cancel-dialog-desktop');
    await dialog.getByRole('button', { name: 'Keep my ticket' }).click();
    await gone(dialog);
    expect((await reservationOf(GUEST.email))!.status).toBe('confirmed');

    await page.getByRole('button', { name: 'I can’t come' }).click();
    await dialog.getByRole('button', { name: 'Yes, cancel it' }).click();
    const cancelledHeading = page.getByRole('heading', { level: 1, name: 'Reservation cancelled' });
    await shown(cancelledHeading);
    await expect.poll(() => isFocused(cancelledHeading)).toBe(true);
    await shown(page.getByText(`your ${GUEST.seats} seats are free again`));
    expect((await reservationOf(GUEST.email))!.status).toBe('cancelled');
    expect(await seatsLeft()).toBe(CHERRY.capacity);
    await stack.mailbox.waitFor(GUEST.email, /Reservation cancelled: Il giardino dei ciliegi/);
    await expectAccessible(page);

    // The programme counts the seats again; the ticket link no longer opens a ticket.
    await page.getByRole('link', { name: 'Back to the programme' }).click();
    await shown(dateRow(page, 'cherryFirst').getByText(`${CHERRY.capacity} seats left`));
    await page.goto(link);
    await shown(page.getByRole('heading', { level: 1, name: 'This ticket cannot be shown' }));
    await shown(page.getByRole('alert').getByText(/This ticket link is not valid/));
    await page.context().close();
  });

  it('5. speaks the browser’s language, switches on request, and formats dates per language', async () => {
    const page = await visitor({ locale: 'it-IT' });
    await page.goto('/');
    await shown(page.getByRole('heading', { level: 1, name: 'In scena' }));
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    const time = dateRow(page, 'runsOut').locator('time');
    expect(await time.textContent()).toBe(`${longDate(starts.runsOut, 'it-IT')}, 19:00`);
    await shown(dateRow(page, 'runsOut').getByText('Ultimi posti: 4'));
    await expectAccessible(page);
    await screenshot(page, 'public-programme-it-desktop');

    await page.getByRole('button', { name: 'EN, English' }).click();
    await shown(page.getByRole('heading', { level: 1, name: 'What’s on' }));
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await time.textContent()).toBe(`${longDate(starts.runsOut, 'en-GB')}, 19:00`);
    expect(await page.getByRole('button', { name: 'EN, English' }).getAttribute('aria-pressed')).toBe('true');

    // The choice is remembered.
    await page.reload();
    await shown(page.getByRole('heading', { level: 1, name: 'What’s on' }));
    await page.context().close();
  });

  it('6. a date that runs out while the form is open: the form says how many seats are left, then that it is sold out', async () => {
    const page = await visitor();
    await page.goto(`/shows/${SHOW.slug}?performance=${ids.runsOut}`);
    await fillBooking(page, 3);
    await setSeats(ids.runsOut, { manuallyOccupiedSeats: 2 });
    await submit(page);
    await shown(page.getByRole('alert').getByText('Only 2 seats are left for this date. Choose fewer seats or another date.'));
    // The list shows the new count too.
    await shown(dateRow(page, 'runsOut').getByText('Few seats left: 2'));

    await setSeats(ids.runsOut, { manuallyOccupiedSeats: STUDIO.capacity });
    await page.getByLabel('Seats', { exact: true }).selectOption('1');
    await submit(page);
    await shown(page.getByRole('alert').getByText('This date has just sold out. Please choose another one.'));
    await shown(dateRow(page, 'runsOut').getByText('Sold out', { exact: true }));
    await expectAccessible(page);
    await screenshot(page, 'public-sold-out-desktop');
    await page.context().close();
  });

  it('7. a date whose booking closes while the form is open says so', async () => {
    const page = await phone();
    await page.goto(`/shows/${SHOW.slug}?performance=${ids.closes}`);
    await fillBooking(page, 1);
    await setSeats(ids.closes, { bookingOpen: false });
    await submit(page);
    await shown(page.getByRole('alert').getByText('Booking for this date has just closed. Please choose another one.'));
    await shown(dateRow(page, 'closes').getByText('Booking closed', { exact: true }));
    await page.context().close();
  });

  it('8. a confirmation after the seats ran out leaves the reservation pending; the same link works once seats are free', async () => {
    const email = 'anna.verdi@example.com';
    const link = await bookThroughApi(ids.fillsUp, email, 2);
    await setSeats(ids.fillsUp, { manuallyOccupiedSeats: 3 });

    const page = await phone();
    await page.goto(link);
    await shown(page.getByRole('heading', { level: 1, name: 'The reservation could not be confirmed' }));
    await shown(page.getByRole('alert').getByText(/1 seat is left, not enough for your party/));
    expect((await reservationOf(email))!.status).toBe('pending');
    // Worth trying again later: the link stays in the address bar.
    expect(page.url()).toBe(link);
    await expectAccessible(page);
    await screenshot(page, 'public-confirm-full-phone');
    // The explanation follows a change of language.
    await page.getByRole('button', { name: 'IT, Italiano' }).click();
    await shown(page.getByRole('alert').getByText(/resta 1 posto, non abbastanza per il tuo gruppo/));
    await page.getByRole('button', { name: 'EN, English' }).click();

    await setSeats(ids.fillsUp, { manuallyOccupiedSeats: 0 });
    await page.getByRole('button', { name: 'Try again' }).click();
    await shown(page.getByTestId('ticket'));
    expect((await reservationOf(email))!.status).toBe('confirmed');
    usedConfirmLink = link;

    // The reminder's "I can't come" link opens the ticket on its cancellation step; keeping it is one click.
    const checkInToken = new URL(page.url()).hash.replace('#token=', '');
    await page.goto('about:blank');
    await page.goto(`/ticket#token=${checkInToken}&cancel=1`);
    const dialog = page.getByRole('dialog', { name: 'Cancel your reservation?' });
    await shown(dialog);
    await expect.poll(() => isFocused(dialog.getByRole('button', { name: 'Keep my ticket' }))).toBe(true);
    await dialog.getByRole('button', { name: 'Keep my ticket' }).click();
    await gone(dialog);
    await shown(page.getByTestId('ticket'));
    expect((await reservationOf(email))!.status).toBe('confirmed');
    await page.context().close();
  });

  it('9. bad, spent and incomplete links say what happened', async () => {
    const page = await phone();
    await page.goto('/confirm#token=not-a-real-token');
    await shown(page.getByRole('alert').getByText(/This confirmation link is not valid/));
    // A useless token does not stay in the address bar or in history.
    expect(new URL(page.url()).hash).toBe('');

    await page.goto('/confirm');
    await shown(page.getByRole('alert').getByText(/This link is incomplete/));

    // A second click on a confirmation link; the link of a cancelled reservation is revoked.
    await page.goto(usedConfirmLink);
    await shown(page.getByRole('alert').getByText(/This reservation is already confirmed/));
    await page.goto(ticket.confirmLink);
    await shown(page.getByRole('alert').getByText(/This confirmation link is not valid/));

    await page.goto('/ticket#token=not-a-real-token');
    await shown(page.getByRole('heading', { level: 1, name: 'This ticket cannot be shown' }));
    await page.goto('/ticket');
    await shown(page.getByRole('alert').getByText(/This link is incomplete/));
    await expectAccessible(page);

    await page.goto('/shows/no-such-show');
    await shown(page.getByRole('heading', { level: 1, name: 'Show not found' }));
    await page.goto('/no/such/page');
    await shown(page.getByRole('heading', { level: 1, name: 'Page not found' }));
    await page.context().close();
  });

  it('10. an expired confirmation link says the seats were not held and offers to book again', async () => {
    const email = 'late.guest@example.com';
    const link = await bookThroughApi(ids.expires, email, 1);
    const reservation = await reservationOf(email);
    await db()
      .update(reservationTokens)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(and(eq(reservationTokens.reservationId, reservation!.id), eq(reservationTokens.purpose, 'confirmation')));

    const page = await phone();
    await page.goto(link);
    await shown(page.getByRole('alert').getByText(/This confirmation link has expired/));
    expect(new URL(page.url()).hash).toBe('');
    expect((await reservationOf(email))!.status).toBe('pending');
    await page.getByRole('link', { name: 'Book again' }).click();
    await shown(page.getByRole('heading', { level: 1, name: 'What’s on' }));
    await page.context().close();
  });

  it('11. too many bookings from one address: the form says from when to try again', async () => {
    const page = await visitor();
    await page.goto(`/shows/${CHERRY.slug}?performance=${ids.cherryFirst}`);
    await fillBooking(page, 1);
    // Every request counts towards the limit, valid or not: empty ones use it up without booking.
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 429; attempt += 1) {
      status = (await fetch(`${stack.baseUrl}/api/performances/${ids.cherryFirst}/reservations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status;
    }
    expect(status).toBe(429);
    await submit(page);
    await shown(page.getByRole('alert').getByText(/^Too many attempts from this connection\. You can try again from \d\d:\d\d\.$/));
    await expectAccessible(page);
    await page.context().close();
  });
});
