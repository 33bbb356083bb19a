import { eq } from 'drizzle-orm';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/src/auth/passwords.js';
import { checkIns, performances, reservations, shows, users, venues } from '../../server/src/db/schema.js';
import { screenshot, startStack, type Stack } from './harness.js';

/*
 * Finding anyone and fixing their reservation, in a real browser: the box office finds a guest
 * by the code read out on the phone (lower case, no dash) and by a name typed without its
 * accent, opens the reservation, and changes the party size through the edit form: too many
 * seats are refused in words (how many are left), then a size that fits is saved and the guest
 * gets the "reservation changed" email at a real SMTP server.
 *
 * Screenshots (Italian, the staff's language) by a second signed-in browser, the "camera".
 */

const CLERK = { email: 'cassa-ricerca@azionelab.local', password: 'box-office-password-2026' };
const shown = (locator: Locator) => locator.waitFor({ state: 'visible' });
const gone = (locator: Locator) => locator.waitFor({ state: 'hidden' });

describe('box office: find a guest, change the reservation', () => {
  let stack: Stack;
  let clerk: BrowserContext;
  let page: Page;
  let camera: Page;
  let performanceId = 0;
  const guest = { id: 0, code: '', email: 'niccolo.bellini@example.com' };
  const admitted = { id: 0, token: '' };
  const db = () => stack.runtime.services.database.db;

  async function signedIn(locale?: string) {
    const context = await stack.newContext(locale ? { locale } : {});
    context.setDefaultTimeout(15_000);
    const login = await context.request.post('/api/auth/login', { data: CLERK, headers: { Origin: stack.baseUrl } });
    expect(login.status()).toBe(200);
    return context;
  }

  /** A confirmed reservation made the guests' way (email link), as the list would hold it. */
  async function confirmed(name: string, email: string, partySize: number, phone: string | null = null) {
    const { bookings } = stack.runtime.services;
    const created = await bookings.create(performanceId, { name, email, phone, notes: null, party_size: partySize });
    return bookings.confirm(created.rawConfirmationToken);
  }

  beforeAll(async () => {
    stack = await startStack();
    await db().insert(users).values({ email: CLERK.email, displayName: 'Carla Cassa', passwordHash: await hashPassword(CLERK.password), role: 'box_office' });
    // A small hall: six seats, five of them taken below.
    const [venue] = await db().insert(venues).values({ name: 'Sala Prove', capacity: 6 }).returning();
    const [show] = await db().insert(shows).values({ title: 'Il servitore di due padroni', slug: 'servitore-due-padroni', published: true }).returning();
    // Tonight, doors open: the check-in below admits now.
    const [first] = await db()
      .insert(performances)
      .values({ showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 2 * 3_600_000) })
      .returning();
    // Another date of the same show, offered by the edit form's date choice.
    await db().insert(performances).values({ showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 9 * 86_400_000) });
    performanceId = first!.id;

    const niccolo = (await confirmed('Niccolò Bellini', guest.email, 2, '+39 06 1234 5678')).reservation;
    const anna = await confirmed('Anna Verdi', 'anna.verdi@example.com', 2);
    admitted.id = anna.reservation.id;
    admitted.token = anna.rawCheckInToken;
    await confirmed('Marco Neri', 'marco.neri@example.com', 1, '+39 347 765 4321');
    guest.id = niccolo.id;
    guest.code = (await db().select({ code: reservations.code }).from(reservations).where(eq(reservations.id, niccolo.id)))[0]!.code!;

    clerk = await signedIn();
    page = await clerk.newPage();
    camera = await (await signedIn('it-IT')).newPage();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const rows = () => page.locator('tbody tr');

  async function search(text: string) {
    await page.getByLabel('Search', { exact: true }).fill(text);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
  }

  it('shows every reservation with its code and finds a guest by the code, typed any way', async () => {
    await page.goto(`/admin/reservations?performance_id=${performanceId}`);
    await shown(page.getByRole('columnheader', { name: 'Code' }));
    await expect.poll(() => rows().count()).toBe(3);
    // The newest reservation comes first.
    await expect.poll(() => rows().first().textContent()).toContain('Marco Neri');
    await shown(rows().filter({ hasText: 'Niccolò Bellini' }).getByText(guest.code, { exact: true }));

    await search(guest.code.replace('-', '').toLowerCase());
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain('Niccolò Bellini');
    expect(new URL(page.url()).searchParams.get('q')).toBe(guest.code.replace('-', '').toLowerCase());

    await camera.goto(`/admin/reservations?performance_id=${performanceId}`);
    await shown(camera.getByRole('columnheader', { name: 'Codice' }));
    await shown(camera.getByText(guest.code, { exact: true }));
    await screenshot(camera, 'box-office-list');
  });

  it('finds the guest by a name typed without its accent, and by a few digits of the phone', async () => {
    await search('niccolo');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain('Niccolò Bellini');

    await search('06 1234');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain('Niccolò Bellini');

    await search('nessuno così');
    await shown(page.getByText('No reservations match.'));
  });

  it('sorts by party size on request', async () => {
    await page.goto(`/admin/reservations?performance_id=${performanceId}`);
    await page.getByLabel('Order').selectOption('party_size');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('party_size');
    // 2 (Anna), 2 (Niccolò), 1 (Marco): the largest parties first, equal ones by name.
    await expect.poll(async () => (await rows().allTextContents()).map((text) => /Anna|Niccolò|Marco/.exec(text)?.[0])).toEqual(['Anna', 'Niccolò', 'Marco']);
  });

  it('changes the party size through the edit form: refused in words when it does not fit, saved when it does', async () => {
    await page.goto(`/admin/reservations?performance_id=${performanceId}&q=niccolo`);
    await page.getByRole('link', { name: 'Niccolò Bellini' }).click();
    await shown(page.getByRole('heading', { level: 1, name: /Niccolò Bellini/ }));
    await shown(page.getByTestId('reservation-code').getByText(guest.code, { exact: true }));

    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit the reservation' });
    await shown(dialog);
    // Only the show's own dates are offered: this one and the other one.
    await expect.poll(() => dialog.getByLabel('Date').locator('option').count()).toBe(2);

    // Five of six seats are taken: two more for this party do not fit.
    await dialog.getByLabel('Seats').fill('4');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await shown(dialog.getByRole('alert').getByText('Not enough seats: only 1 more is free, so the party can be at most 3.'));
    expect((await db().select().from(reservations).where(eq(reservations.id, guest.id)))[0]!.partySize).toBe(2);

    await dialog.getByLabel('Seats').fill('3');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await gone(dialog);
    await shown(page.getByRole('status').getByText('Reservation changed. The guest will be emailed.'));
    await shown(page.getByText('3 seats', { exact: true }));
    expect((await db().select().from(reservations).where(eq(reservations.id, guest.id)))[0]!.partySize).toBe(3);
    // The history says who changed what, before and after.
    await shown(page.getByText(/changed reservation [A-Z0-9]{4}-[A-Z0-9]{4}: seats 2 → 3/));

    // Booked without a language: the guest's emails are Italian.
    const mail = await stack.mailbox.waitFor(guest.email, /^Prenotazione modificata: /);
    expect(mail.text).toContain('Posti: 2 → 3');
    expect(mail.text).toContain(guest.code);
  });

  it('undoes a check-in after asking for a reason', async () => {
    const checkIn = await clerk.request.post('/api/check-ins/confirm', { data: { token: admitted.token }, headers: { Origin: stack.baseUrl } });
    expect(checkIn.status()).toBe(200);
    await page.goto(`/admin/reservations/${admitted.id}`);
    await shown(page.getByRole('heading', { level: 1, name: /Anna Verdi/ }));
    await page.getByRole('button', { name: 'Undo check-in' }).click();
    const dialog = page.getByRole('dialog', { name: 'Undo this check-in?' });
    await shown(dialog);
    await dialog.getByRole('button', { name: 'Undo check-in' }).click();
    await shown(dialog.getByText('This field is required.'));
    expect(await db().select().from(checkIns).where(eq(checkIns.reservationId, admitted.id))).toHaveLength(1);

    await dialog.getByLabel('Reason').fill('Scanned for the wrong party');
    await dialog.getByRole('button', { name: 'Undo check-in' }).click();
    await gone(dialog);
    await shown(page.getByRole('status').getByText('Check-in undone.'));
    await shown(page.getByText('Not checked in yet.'));
    expect(await db().select().from(checkIns).where(eq(checkIns.reservationId, admitted.id))).toHaveLength(0);
  });

  it('photographs the reservation and its edit form', async () => {
    // Tall enough for the whole page: the dialog's backdrop covers the viewport only.
    await camera.setViewportSize({ width: 1280, height: 1250 });
    await camera.goto(`/admin/reservations/${guest.id}`);
    await shown(camera.getByTestId('reservation-code'));
    await camera.waitForFunction(() => !document.body.innerText.includes('Caricamento'));
    await screenshot(camera, 'box-office-reservation');
    await camera.getByRole('button', { name: 'Modifica', exact: true }).click();
    const dialog = camera.getByRole('dialog', { name: 'Modifica la prenotazione' });
    await shown(dialog);
    await expect.poll(() => dialog.getByLabel('Data').locator('option').count()).toBe(2);
    await screenshot(camera, 'box-office-edit');
  });
});
