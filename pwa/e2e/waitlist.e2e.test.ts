import { eq } from 'drizzle-orm';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../../server/src/db/seed-demo.js';
import { performances, reservations, shows, venues, waitlistEntries } from '../../server/src/db/schema.js';
import { linkIn, screenshot, startStack, type Stack } from './harness.js';
import { accessibilityProblems, decodeQrOnScreen, recordApiCalls } from './public-helpers.js';
import { ROME, romeEvening, romeLongDate } from './rome-time.js';

/*
 * Issue 8's waiting list in a real browser, as visitors and the box office use it: a visitor
 * joins a sold-out date from the show page, confirms the opt-in email, a guest cancels from
 * their ticket, the offer email arrives, the visitor takes the seats and gets a ticket; the admin
 * panel shows the entry as accepted. Then the other ways an offer ends: declined (the next in
 * line gets the email), expired, invalid links; the booking form's way onto the list; staff
 * offering out of turn (refused without seats) and removing. Every new page is checked with
 * axe-core. The steps share one server and run in order.
 *
 * The browser runs in New York time: times must still read in Rome's.
 */

const VENUE = { name: 'Sala Ridotto', capacity: 2 };
const SHOW = { title: 'Le serve', slug: 'le-serve', description: 'Genet, due sorelle e la loro padrona.' };
const HOLDER = { name: 'Carla Neri', email: 'carla.neri@example.com' };
const VERA = { name: 'Vera Conti', email: 'vera.conti@example.com', seats: 2 };
const DORA = { name: 'Dora Galli', email: 'dora.galli@example.com' };
const EZIO = { name: 'Ezio Villa', email: 'ezio.villa@example.com' };

const OPT_IN = /^Waiting list, please confirm: Le serve/;
const OFFER = /^Seats for you: Le serve/;

const longDate = (date: Date | string) => romeLongDate(date, 'en-GB');
const clock = (date: Date | string) => new Intl.DateTimeFormat('en-GB', { timeZone: ROME, hour: '2-digit', minute: '2-digit' }).format(new Date(date));

const shown = (locator: Locator) => locator.waitFor({ state: 'visible' });
const gone = (locator: Locator) => locator.waitFor({ state: 'hidden' });
const isFocused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);

describe('waiting list in a browser', () => {
  let stack: Stack;
  let admin: BrowserContext;
  /** The main date (sold out to Carla), one to decline and expire offers on, one with seats left. */
  const ids = { full: 0, declines: 0, roomy: 0 };
  const starts: Record<keyof typeof ids, Date> = {} as never;
  let offerLink = '';

  const db = () => stack.runtime.services.database.db;
  const entryOf = async (email: string) => (await db().select().from(waitlistEntries).where(eq(waitlistEntries.email, email)))[0];

  async function visitor(options: { width?: number; height?: number } = {}): Promise<Page> {
    const context = await stack.browser.newContext({
      baseURL: stack.baseUrl,
      viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
      locale: 'en-GB',
      timezoneId: 'America/New_York',
    });
    context.setDefaultTimeout(15_000);
    return context.newPage();
  }
  const phone = () => visitor({ width: 390, height: 844 });

  async function expectAccessible(page: Page) {
    expect(await accessibilityProblems(page)).toEqual([]);
  }

  async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '');

  /** Joins a list through the API and confirms the opt-in email's token (the pages are tested with Vera). */
  async function joinThroughApi(performanceId: number, guest: { name: string; email: string }, partySize: number) {
    // In English, as the pages of this test are: every email below is.
    expect((await post(`/api/performances/${performanceId}/waitlist`, { ...guest, party_size: partySize, locale: 'en' })).status).toBe(201);
    const link = linkIn(await stack.mailbox.waitFor(guest.email, OPT_IN), /https?:\/\/\S+\/waitlist\/confirm#token=[\w-]+/);
    expect((await post('/api/waitlist/confirm', { token: tokenOf(link) })).status).toBe(200);
  }

  const adminPage = () => admin.newPage();

  beforeAll(async () => {
    stack = await startStack();
    const [venue] = await db().insert(venues).values(VENUE).returning();
    const [show] = await db().insert(shows).values({ ...SHOW, published: true }).returning();
    const add = async (key: keyof typeof ids, days: number, extra: Partial<typeof performances.$inferInsert> = {}) => {
      starts[key] = romeEvening(days);
      const [row] = await db().insert(performances).values({ showId: show!.id, venueId: venue!.id, startsAt: starts[key], ...extra }).returning();
      ids[key] = row!.id;
    };
    await add('full', 5);
    await add('declines', 6, { manuallyOccupiedSeats: VENUE.capacity });
    await add('roomy', 7);

    // Carla holds both seats of the main date, confirmed from her email's link.
    expect((await post(`/api/performances/${ids.full}/reservations`, { ...HOLDER, party_size: 2, locale: 'en' })).status).toBe(201);
    const confirm = linkIn(await stack.mailbox.waitFor(HOLDER.email, /Confirm your reservation/), /https?:\/\/\S+\/confirm#token=[\w-]+/);
    expect((await post('/api/reservations/confirm', { token: tokenOf(confirm) })).status).toBe(200);

    admin = await stack.newContext();
    admin.setDefaultTimeout(15_000);
    const login = await admin.request.post('/api/auth/login', { data: DEMO_ADMIN, headers: { Origin: stack.baseUrl } });
    expect(login.status()).toBe(200);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('1. a sold-out date offers its waiting list; the form checks the fields, then says to confirm by email', async () => {
    const page = await phone();
    await page.goto(`/shows/${SHOW.slug}`);
    const row = page.getByRole('listitem').filter({ has: page.locator(`time[datetime="${starts.full.toISOString()}"]`) });
    await shown(row.getByText('Sold out', { exact: true }));
    await row.getByRole('link', { name: `Waiting list: ${SHOW.title}, ${longDate(starts.full)}, 19:00` }).click();
    await page.waitForURL((url) => url.search === `?performance=${ids.full}`);
    const heading = page.getByRole('heading', { level: 2, name: 'Join the waiting list' });
    await shown(heading);
    await expect.poll(() => isFocused(heading)).toBe(true);
    await shown(page.getByText('This date is sold out, but seats often free up.'));
    await page.getByLabel('Name and surname').fill(VERA.name);
    await page.getByLabel('Email', { exact: true }).fill(VERA.email);
    await page.getByLabel('Seats', { exact: true }).selectOption(String(VERA.seats));
    await expectAccessible(page);
    await screenshot(page, 'waitlist-join-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, 'waitlist-join-desktop');

    // Nothing is sent until the fields are right.
    const calls = recordApiCalls(page);
    await page.getByLabel('Name and surname').fill('');
    await page.getByLabel('Email', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Join the waiting list' }).click();
    await shown(page.getByText('Please correct the highlighted fields.'));
    expect(await page.locator('#waitlist-name-error').textContent()).toBe('This field is required.');
    expect(await page.locator('#waitlist-email-error').textContent()).toBe('This field is required.');
    expect(await isFocused(page.getByLabel('Name and surname'))).toBe(true);
    expect(calls).toEqual([]);

    await page.getByLabel('Name and surname').fill(VERA.name);
    await page.getByLabel('Email', { exact: true }).fill(` ${VERA.email.toUpperCase()} `);
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Join the waiting list' }).click();
    const sent = page.getByRole('heading', { level: 2, name: 'Check your email' });
    await shown(sent);
    await expect.poll(() => isFocused(sent)).toBe(true);
    await shown(page.getByRole('status').getByText(`We have sent an email to ${VERA.email}.`, { exact: false }));
    await shown(page.getByText(/Until you click it, you are not on the list/));
    expect(calls).toEqual([`POST /api/performances/${ids.full}/waitlist`]);
    expect(await entryOf(VERA.email)).toMatchObject({ name: VERA.name, partySize: VERA.seats, status: 'pending', performanceId: ids.full });
    await expectAccessible(page);
    await page.context().close();
  });

  it('2. the opt-in link puts the visitor in line with a POST, says the position and leaves the address bar', async () => {
    const link = linkIn(await stack.mailbox.waitFor(VERA.email, OPT_IN), /https?:\/\/\S+\/waitlist\/confirm#token=[\w-]+/);
    // A mail scanner fetching the link gets the page and confirms nothing.
    expect((await fetch(link)).status).toBe(200);
    expect((await entryOf(VERA.email))!.status).toBe('pending');

    const page = await phone();
    const calls = recordApiCalls(page);
    await page.goto(link);
    await shown(page.getByRole('heading', { level: 1, name: 'You are on the waiting list' }));
    await shown(page.getByRole('status').getByText('You are number 1 in line.'));
    await shown(page.getByText(SHOW.title, { exact: true }));
    await shown(page.getByText(`${longDate(starts.full)}, 19:00`));
    await shown(page.getByText(`${VERA.seats} seats`, { exact: true }));
    expect(calls).toEqual(['POST /api/waitlist/confirm']);
    expect(new URL(page.url()).hash).toBe('');
    expect(page.url()).toBe(`${stack.baseUrl}/waitlist/confirm`);
    expect((await entryOf(VERA.email))!.status).toBe('waiting');
    await expectAccessible(page);
    await screenshot(page, 'waitlist-confirmed-phone');
    // The words follow a change of language.
    await page.getByRole('button', { name: 'IT, Italiano' }).click();
    await shown(page.getByRole('heading', { level: 1, name: 'Sei in lista d’attesa' }));
    await shown(page.getByRole('status').getByText('Sei il numero 1 in lista.'));
    await screenshot(page, 'waitlist-confirmed-it-phone');
    await page.getByRole('button', { name: 'EN, English' }).click();
    await page.context().close();
  });

  it('3. a guest cancels from the ticket page: the freed seats are offered to the visitor by email and held', async () => {
    const ticketLink = linkIn(await stack.mailbox.waitFor(HOLDER.email, /Your ticket: Le serve/), /https?:\/\/\S+\/ticket#token=[\w-]+/);
    const page = await visitor();
    await page.goto(ticketLink);
    await page.getByRole('button', { name: 'I can’t come' }).click();
    await page.getByRole('dialog', { name: 'Cancel your reservation?' }).getByRole('button', { name: 'Yes, cancel it' }).click();
    await shown(page.getByRole('heading', { level: 1, name: 'Reservation cancelled' }));
    await page.context().close();

    const offerMail = await stack.mailbox.waitFor(VERA.email, OFFER);
    offerLink = linkIn(offerMail, /https?:\/\/\S+\/waitlist\/offer#token=[\w-]+/);
    const entry = await entryOf(VERA.email);
    expect(entry!.status).toBe('offered');
    // Held for the offer: nobody else can book them meanwhile.
    const open = (await (await fetch(`${stack.baseUrl}/api/performances/${ids.full}`)).json()) as { available_seats: number; sold_out: boolean };
    expect(open).toMatchObject({ available_seats: 0, sold_out: true });

    // The box office sees the offer and the held seats.
    const staff = await adminPage();
    await staff.goto('/admin/performances');
    const performanceRow = staff.getByRole('row').filter({ has: staff.locator(`time[datetime="${starts.full.toISOString()}"]`) });
    await shown(performanceRow.getByText('2 held for the waiting list'));
    await performanceRow.getByRole('link', { name: 'Waiting list' }).click();
    const panel = staff.getByRole('region', { name: 'Waiting list' });
    await expect.poll(() => isFocused(panel.getByRole('heading', { name: 'Waiting list' }))).toBe(true);
    const veraRow = panel.getByRole('row').filter({ hasText: VERA.name });
    await shown(veraRow.getByText('Offered', { exact: true }));
    await shown(veraRow.getByText(`Held until`, { exact: false }));
    expect(await veraRow.getByRole('button', { name: `Offer seats ${VERA.name}` }).count()).toBe(0);
    await staff.close();
  });

  it('4. the offer page shows the held seats; taking them opens the ticket, its QR code the check-in URL', async () => {
    const entry = await entryOf(VERA.email);
    const until = entry!.offerExpiresAt!;
    const heldText = longDate(until) === longDate(new Date()) ? `Held for you until ${clock(until)}.` : `Held for you until ${longDate(until)}, ${clock(until)}.`;

    const page = await phone();
    const calls = recordApiCalls(page);
    await page.goto(offerLink);
    await shown(page.getByRole('heading', { level: 1, name: 'Seats for you' }));
    await shown(page.getByText(heldText));
    await shown(page.getByText(`${longDate(starts.full)}, 19:00`));
    await shown(page.getByText(VENUE.name, { exact: true }));
    await shown(page.getByText(`${VERA.seats} seats`, { exact: true }));
    // Looking takes nothing; the link stays for a reload while the offer is open.
    expect(calls).toEqual(['POST /api/waitlist/offer']);
    expect(page.url()).toBe(offerLink);
    expect((await entryOf(VERA.email))!.status).toBe('offered');
    await expectAccessible(page);
    await screenshot(page, 'waitlist-offer-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, 'waitlist-offer-desktop');

    await page.getByRole('button', { name: 'Take the seats' }).click();
    await shown(page.getByTestId('ticket'));
    await shown(page.getByRole('status').getByText('Your reservation is confirmed.'));
    const address = new URL(page.url());
    expect(address.pathname).toBe('/ticket');
    const checkInToken = address.hash.replace('#token=', '');
    expect(checkInToken).toMatch(/^[\w-]{43}$/);
    expect(page.url()).not.toContain(tokenOf(offerLink));
    // The full ticket (with the performance) replaces the answer's QR code once loaded.
    await shown(page.getByTestId('ticket').getByRole('heading', { name: SHOW.title }));
    expect(await decodeQrOnScreen(page.getByRole('img', { name: /QR code of your ticket/ }))).toBe(
      `${stack.baseUrl}/api/check-ins/preview/?token=${checkInToken}`,
    );

    const taken = await entryOf(VERA.email);
    expect(taken!.status).toBe('accepted');
    const [reservation] = await db().select().from(reservations).where(eq(reservations.id, taken!.reservationId!));
    expect(reservation).toMatchObject({ status: 'confirmed', partySize: VERA.seats, email: VERA.email, performanceId: ids.full });
    await stack.mailbox.waitFor(VERA.email, /Your ticket: Le serve/);
    await expectAccessible(page);

    // The offer link again: already taken, said so, and the token leaves the address bar.
    await page.goto('about:blank');
    await page.goto(offerLink);
    await shown(page.getByRole('alert').getByText(/You have already taken these seats/));
    expect(new URL(page.url()).hash).toBe('');
    await page.context().close();
  });

  it('5. the admin panel shows the entry as accepted, with its reservation', async () => {
    const staff = await adminPage();
    await staff.goto(`/admin/reservations?performance_id=${ids.full}`);
    const panel = staff.getByRole('region', { name: 'Waiting list' });
    const veraRow = panel.getByRole('row').filter({ hasText: VERA.name });
    await shown(veraRow.getByText('Accepted', { exact: true }));
    const reservationId = (await entryOf(VERA.email))!.reservationId!;
    await shown(veraRow.getByRole('link', { name: `Reservation no. ${reservationId}` }));
    await shown(veraRow.getByText(VERA.email));
    expect(await veraRow.getByRole('button').count()).toBe(0);
    await staff.close();
  });

  it('6. staff cannot offer seats that are not free; freeing one offers it; declining passes it to the next in line', async () => {
    await joinThroughApi(ids.declines, DORA, 1);
    await joinThroughApi(ids.declines, EZIO, 1);

    const staff = await adminPage();
    await staff.goto(`/admin/reservations?performance_id=${ids.declines}`);
    const panel = staff.getByRole('region', { name: 'Waiting list' });
    await shown(panel.getByText('2 waiting in line · 0 seats held by open offers · 0 free'));
    const doraRow = panel.getByRole('row').filter({ hasText: DORA.name });
    await shown(doraRow.getByText('Waiting', { exact: true }));
    await doraRow.getByRole('button', { name: `Offer seats ${DORA.name}` }).click();
    const dialog = staff.getByRole('dialog', { name: `Offer seats to ${DORA.name}?` });
    await shown(dialog.getByText(`1 seat is held for ${DORA.name} out of turn`));
    await dialog.getByRole('button', { name: 'Offer seats' }).click();
    await gone(dialog);
    await shown(panel.getByRole('alert').getByText('Not enough free seats for this party: 0 free.', { exact: false }));
    expect((await entryOf(DORA.email))!.status).toBe('waiting');
    await expectAccessible(staff);
    await screenshot(staff, 'waitlist-admin-panel-desktop');

    // One seat freed by the staff: the first in line is offered it at once.
    const patch = await admin.request.patch(`/api/admin/performances/${ids.declines}`, {
      data: { manually_occupied_seats: VENUE.capacity - 1 },
      headers: { Origin: stack.baseUrl },
    });
    expect(patch.status()).toBe(200);
    const doraOffer = linkIn(await stack.mailbox.waitFor(DORA.email, OFFER), /https?:\/\/\S+\/waitlist\/offer#token=[\w-]+/);
    await staff.reload();
    await shown(panel.getByRole('row').filter({ hasText: DORA.name }).getByText('Offered', { exact: true }));
    await staff.close();

    const page = await phone();
    await page.goto(doraOffer);
    await page.getByRole('button', { name: 'No thanks, give them to the next person' }).click();
    const decline = page.getByRole('dialog', { name: 'Give up these seats?' });
    await shown(decline.getByText('Your seat goes to the next person on the waiting list'));
    // Keeping the offer is the safe default.
    expect(await isFocused(decline.getByRole('button', { name: 'Keep the offer' }))).toBe(true);
    await expectAccessible(page);
    await decline.getByRole('button', { name: 'Yes, give them up' }).click();
    const done = page.getByRole('heading', { level: 1, name: 'Seats passed on' });
    await shown(done);
    await expect.poll(() => isFocused(done)).toBe(true);
    expect(new URL(page.url()).hash).toBe('');
    expect((await entryOf(DORA.email))!.status).toBe('removed');

    // The next in line gets the seat and the email.
    await stack.mailbox.waitFor(EZIO.email, OFFER);
    expect((await entryOf(EZIO.email))!.status).toBe('offered');
    await page.context().close();
  });

  it('7. an expired offer, a declined one and bad links say what happened', async () => {
    const ezioOffer = linkIn(await stack.mailbox.waitFor(EZIO.email, OFFER), /https?:\/\/\S+\/waitlist\/offer#token=[\w-]+/);
    const ezio = await entryOf(EZIO.email);
    await db().update(waitlistEntries).set({ offerExpiresAt: new Date(Date.now() - 60_000) }).where(eq(waitlistEntries.id, ezio!.id));

    const page = await phone();
    await page.goto(ezioOffer);
    await shown(page.getByRole('heading', { level: 1, name: 'This offer cannot be taken' }));
    await shown(page.getByRole('alert').getByText(/This offer has expired, and the seats went to the next person/));
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.getByRole('button', { name: 'Take the seats' }).count()).toBe(0);
    await expectAccessible(page);

    // Dora's declined offer.
    await page.goto(linkIn(await stack.mailbox.waitFor(DORA.email, OFFER), /https?:\/\/\S+\/waitlist\/offer#token=[\w-]+/));
    await shown(page.getByRole('alert').getByText(/This offer is no longer open/));

    await page.goto('/waitlist/offer#token=not-a-real-token');
    await shown(page.getByRole('alert').getByText(/This offer link is not valid/));
    expect(new URL(page.url()).hash).toBe('');
    await page.goto('/waitlist/confirm#token=not-a-real-token');
    await shown(page.getByRole('heading', { level: 1, name: 'Your place could not be confirmed' }));
    await shown(page.getByRole('alert').getByText(/This link is not valid/));
    await page.goto('/waitlist/confirm');
    await shown(page.getByRole('alert').getByText(/This link is incomplete/));
    await expectAccessible(page);
    await page.context().close();
  });

  it('8. too few seats for the party: the booking form leads to the waiting list, which sends back to booking if seats are free', async () => {
    const page = await visitor();
    await page.goto(`/shows/${SHOW.slug}?performance=${ids.roomy}`);
    await page.getByLabel('Name and surname').fill('Fabio Rota');
    await page.getByLabel('Email', { exact: true }).fill('fabio.rota@example.com');
    await page.getByLabel('Seats', { exact: true }).selectOption('3');
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    await shown(page.getByRole('alert').getByText('Only 2 seats are left for this date.', { exact: false }));
    await shown(page.getByText('Would you rather wait for 3 seats?', { exact: false }));
    await expectAccessible(page);
    await screenshot(page, 'waitlist-from-booking-desktop');
    await page.getByRole('button', { name: 'Join the waiting list' }).click();

    // What was typed comes along.
    const heading = page.getByRole('heading', { level: 2, name: 'Join the waiting list' });
    await shown(heading);
    await expect.poll(() => isFocused(heading)).toBe(true);
    expect(await page.getByLabel('Name and surname').inputValue()).toBe('Fabio Rota');
    expect(await page.getByLabel('Seats', { exact: true }).inputValue()).toBe('3');

    // Two seats would fit: the server says to book instead, and the form goes back.
    await page.getByLabel('Seats', { exact: true }).selectOption('2');
    await page.getByRole('button', { name: 'Join the waiting list' }).click();
    await shown(page.getByRole('alert').getByText('2 seats are free for this date: you can book them now.'));
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Book instead' }).click();
    await shown(page.getByRole('heading', { level: 2, name: 'Book your seats' }));

    // Three seats do not fit: that party joins.
    await page.getByLabel('Name and surname').fill('Fabio Rota');
    await page.getByLabel('Email', { exact: true }).fill('fabio.rota@example.com');
    await page.getByLabel('Seats', { exact: true }).selectOption('3');
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    await page.getByRole('button', { name: 'Join the waiting list' }).click();
    await shown(heading);
    await page.getByRole('button', { name: 'Join the waiting list' }).click();
    await shown(page.getByRole('heading', { level: 2, name: 'Check your email' }));
    expect(await entryOf('fabio.rota@example.com')).toMatchObject({ partySize: 3, status: 'pending', performanceId: ids.roomy });
    await page.context().close();
  });

  it('9. staff remove an entry after a confirmation step', async () => {
    const staff = await adminPage();
    await staff.goto(`/admin/reservations?performance_id=${ids.roomy}`);
    const panel = staff.getByRole('region', { name: 'Waiting list' });
    const row = panel.getByRole('row').filter({ hasText: 'Fabio Rota' });
    await shown(row.getByText('Email not confirmed', { exact: true }));
    await row.getByRole('button', { name: 'Remove Fabio Rota' }).click();
    const dialog = staff.getByRole('dialog', { name: 'Remove Fabio Rota from the waiting list?' });
    expect(await isFocused(dialog.getByRole('button', { name: 'Cancel' }))).toBe(true);
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await gone(dialog);
    await shown(staff.getByRole('status').getByText('Fabio Rota was removed from the waiting list.'));
    await shown(row.getByText('Removed', { exact: true }));
    expect((await entryOf('fabio.rota@example.com'))!.status).toBe('removed');
    await staff.close();
  });

  it('10. a date that sells out while the booking form is open turns into its waiting list, keeping what was typed', async () => {
    const page = await phone();
    await page.goto(`/shows/${SHOW.slug}?performance=${ids.roomy}`);
    await page.getByLabel('Name and surname').fill('Gina Sala');
    await page.getByLabel('Email', { exact: true }).fill('gina.sala@example.com');
    await page.getByLabel('Seats', { exact: true }).selectOption('2');
    await db().update(performances).set({ manuallyOccupiedSeats: VENUE.capacity }).where(eq(performances.id, ids.roomy));
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    await shown(page.getByRole('alert').getByText('This date has just sold out. Please choose another one.'));
    await shown(page.getByRole('heading', { level: 2, name: 'Join the waiting list' }));
    expect(await page.getByLabel('Name and surname').inputValue()).toBe('Gina Sala');
    expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe('gina.sala@example.com');
    expect(await page.getByLabel('Seats', { exact: true }).inputValue()).toBe('2');
    await page.getByRole('button', { name: 'Join the waiting list' }).click();
    await shown(page.getByRole('heading', { level: 2, name: 'Check your email' }));
    expect(await entryOf('gina.sala@example.com')).toMatchObject({ partySize: 2, status: 'pending', performanceId: ids.roomy });
    await page.context().close();
  });
});
