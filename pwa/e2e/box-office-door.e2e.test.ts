import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/src/auth/passwords.js';
import { auditLog, checkIns, performances, reservations, shows, users, venues } from '../../server/src/db/schema.js';
import { hashToken } from '../../server/src/lib/tokens.js';
import { Cable, cameraBrowser, ticketVideo } from './door-harness.js';
import { screenshot, startStack, type Stack } from './harness.js';
import { ROME, romeEvening } from './rome-time.js';

/*
 * The box office and the door app together, in Chromium, with phones whose fake camera films the
 * guests' real QR codes: a check-in undone at the box office and the guest admitted again by the
 * door app; a resent ticket whose old QR still admits; a reissued ticket whose old QR the phone
 * refuses from the list's delta alone (network cut); and the new verdict screens: too early on
 * another day, a typed code of another night, a whole performance cancelled, a typed code
 * admitted online with the guest's name (a phone set to New York time: days and times stay Rome's).
 */

const DOOR_USER = { email: 'porta-cassa@azionelab.local', name: 'Giulia Porta', password: 'door-password-2026' };
const CLERK = { email: 'cassa-porta@azionelab.local', name: 'Carla Cassa', password: 'box-office-password-2026' };
const PHONE = { width: 390, height: 780 };
const SHOW = 'Le baruffe chiozzotte';
const OTHER_SHOW = 'Il campiello';

interface Guest {
  id: number;
  qr: string;
  token: string;
  code: string;
  name: string;
}

describe('box office and the door app', () => {
  let stack: Stack;
  let clerk: BrowserContext;
  const cables: Cable[] = [];
  const browsers: Browser[] = [];
  const contexts: BrowserContext[] = [];
  /** Tonight (doors open), tomorrow (same show), and tonight's other show, which gets cancelled. */
  const nights = { tonight: 0, tomorrow: 0, cancelled: 0 };
  let tomorrowStartsAt = new Date();
  const db = () => stack.runtime.services.database.db;

  async function aGuest(performanceId: number, name: string, partySize = 2): Promise<Guest> {
    const { bookings } = stack.runtime.services;
    const pending = await bookings.create(performanceId, { name, email: `${name.split(' ')[0]!.toLowerCase()}-${performanceId}@example.com`, phone: null, notes: null, party_size: partySize });
    const confirmed = await bookings.confirm(pending.rawConfirmationToken);
    const [row] = await db().select({ code: reservations.code }).from(reservations).where(eq(reservations.id, confirmed.reservation.id));
    return { id: confirmed.reservation.id, qr: confirmed.qrCodeImage, token: confirmed.rawCheckInToken, code: row!.code!, name };
  }

  /** The box office's API, as the admin app calls it (session cookie, own Origin). */
  const boxOffice = (method: 'POST' | 'DELETE', path: string, data: unknown = {}) =>
    clerk.request.fetch(path, { method, data, headers: { Origin: stack.baseUrl } });

  /** A door phone: its own storage, its own network cable, the camera allowed. */
  async function aPhone(browser: Browser, cable: Cable | null, options: { timezoneId?: string } = {}) {
    const context = await browser.newContext({
      baseURL: cable?.origin ?? stack.baseUrl,
      viewport: PHONE,
      locale: 'en-GB',
      permissions: ['camera'],
      hasTouch: true,
      ...options,
    });
    context.setDefaultTimeout(20_000);
    contexts.push(context);
    return { context, page: await context.newPage() };
  }

  /** Sign in, name the device, download a performance's guest list: the scan screen is up. */
  async function setUp(page: Page, deviceName: string, performanceId: number) {
    await page.goto('/door/');
    await page.getByLabel('Email').fill(DOOR_USER.email);
    await page.getByLabel('Password').fill(DOOR_USER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Device name').fill(deviceName);
    await page.getByRole('button', { name: 'Register this device' }).click();
    await page.getByRole('heading', { name: 'Which performance?' }).waitFor();
    await page.getByTestId('offline-setup').waitFor({ state: 'hidden', timeout: 45_000 });
    await open(page, performanceId);
  }

  async function open(page: Page, performanceId: number) {
    await page.locator(`li:has(#performance-${performanceId})`).getByRole('button', { name: /Download/ }).click();
    await page.getByTestId('counters').waitFor();
  }

  const verdict = (page: Page, kind: string) => page.locator(`[data-testid="verdict"][data-kind="${kind}"]`);

  async function dismissVerdict(page: Page) {
    const shown = page.getByTestId('verdict');
    if (await shown.isVisible()) await shown.click({ timeout: 2_000 }).catch(() => undefined);
    await shown.waitFor({ state: 'hidden' });
  }

  /** The device menu's "Sync now": the scans go and the list's changes come, at once. */
  async function syncNow(page: Page, deviceName: string) {
    await dismissVerdict(page);
    await page.getByRole('button', { name: deviceName, exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Sync now' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
  }

  /** What the phone keeps about a reservation in IndexedDB (its entry of the guest list). */
  const storedEntry = (page: Page, reservationId: number) =>
    page.evaluate(
      (id) =>
        new Promise<{ h: string; c: unknown; lc?: unknown; x?: boolean; why?: string } | undefined>((resolve, reject) => {
          const request = indexedDB.open('azionelab-door');
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const read = request.result.transaction('entries').objectStore('entries').get(id);
            read.onsuccess = () => resolve(read.result);
          };
        }),
      reservationId,
    );

  /** Records every verdict screen the page shows from now on. */
  async function recordVerdicts(page: Page) {
    await page.evaluate(() => {
      const log: string[] = [];
      (window as unknown as { verdictLog: string[] }).verdictLog = log;
      let last = '';
      new MutationObserver(() => {
        const element = document.querySelector<HTMLElement>('[data-testid="verdict"]');
        const now = element ? `${element.dataset.kind}/${element.dataset.tone}` : '';
        if (now && now !== last) log.push(now);
        last = now;
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-kind', 'data-tone'] });
    });
  }
  const verdictsShown = (page: Page) => page.evaluate(() => (window as unknown as { verdictLog: string[] }).verdictLog);

  /** A typed reservation code, as staff type it for a guest without phone. */
  async function typeCode(page: Page, code: string) {
    await dismissVerdict(page);
    const field = page.getByLabel('Scanner or code');
    await field.fill(code.toLowerCase());
    await field.press('Enter');
  }

  const checkInOf = async (reservationId: number) => (await db().select().from(checkIns).where(eq(checkIns.reservationId, reservationId)))[0];

  beforeAll(async () => {
    for (let i = 0; i < 3; i += 1) cables.push(await Cable.reserve());
    stack = await startStack({ TRUSTED_ORIGINS: cables.map((c) => c.origin).join(',') });
    for (const cable of cables) await cable.connect(stack.baseUrl);

    const [venue] = await db().insert(venues).values({ name: 'Sala Goldoni', capacity: 80 }).returning();
    const [show] = await db().insert(shows).values({ title: SHOW, slug: 'le-baruffe-chiozzotte-door', published: true }).returning();
    const [other] = await db().insert(shows).values({ title: OTHER_SHOW, slug: 'il-campiello-door', published: true }).returning();
    tomorrowStartsAt = romeEvening(1);
    const rows = await db()
      .insert(performances)
      .values([
        // Doors are open: it starts in an hour.
        { showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 3_600_000) },
        { showId: show!.id, venueId: venue!.id, startsAt: tomorrowStartsAt },
        { showId: other!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 3_600_000) },
      ])
      .returning();
    [nights.tonight, nights.tomorrow, nights.cancelled] = rows.map((r) => r.id) as [number, number, number];

    await db()
      .insert(users)
      .values([
        { email: DOOR_USER.email, displayName: DOOR_USER.name, role: 'door', passwordHash: await hashPassword(DOOR_USER.password) },
        { email: CLERK.email, displayName: CLERK.name, role: 'box_office', passwordHash: await hashPassword(CLERK.password) },
      ]);
    clerk = await stack.newContext();
    const login = await clerk.request.post('/api/auth/login', { data: { email: CLERK.email, password: CLERK.password }, headers: { Origin: stack.baseUrl } });
    expect(login.status()).toBe(200);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    for (const browser of browsers) await browser.close();
    for (const cable of cables) await cable.close();
    await clerk?.close();
    await stack?.stop();
  });

  it('a check-in undone at the box office: the phone learns it from the list and admits the guest again', async () => {
    const guest = await aGuest(nights.tonight, 'Niccolò Rossi', 2);
    const browser = await cameraBrowser(ticketVideo(guest.qr, { blankSeconds: 5, showSeconds: 1.5 }));
    browsers.push(browser);
    const { page } = await aPhone(browser, cables[0]!);
    await setUp(page, 'Door U', nights.tonight);
    await recordVerdicts(page);

    // Online: the server admits the scan.
    await verdict(page, 'admit').waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await checkInOf(guest.id))?.method, { timeout: 10_000 }).toBe('online');
    await page.getByText('Niccolò Rossi').first().waitFor();

    // The wrong party went in: the box office undoes the check-in, with a reason.
    const undone = await boxOffice('DELETE', `/api/admin/check-ins/${guest.id}`, { reason: 'Admitted the wrong party by mistake' });
    expect(undone.status()).toBe(200);
    expect(await checkInOf(guest.id)).toBeUndefined();
    const before = (await verdictsShown(page)).length;

    // The phone's list brings the undo (a list made more than a second after the check-in), and
    // the QR, coming round again, is admitted again by the server.
    await page.waitForTimeout(1_200);
    await syncNow(page, 'Door U');
    await verdict(page, 'admit').waitFor({ timeout: 30_000 });
    await screenshot(page, 'box-office-door-admitted-again');
    await expect.poll(async () => (await checkInOf(guest.id))?.method, { timeout: 10_000 }).toBe('online');
    expect((await verdictsShown(page)).slice(before).filter((shown) => shown === 'admit/admit')).toHaveLength(1);

    // The reservation's page in the admin: admitted online, and the undo in its history.
    const admin = await clerk.newPage();
    await admin.goto(`/admin/reservations/${guest.id}`);
    await admin.getByText('online scan').waitFor();
    await admin.getByText(/undid the check-in of reservation [A-Z0-9]{4}-[A-Z0-9]{4} \(made .+\); reason: Admitted the wrong party by mistake/).waitFor();
    const [undo] = await db().select().from(auditLog).where(and(eq(auditLog.entityId, guest.id), eq(auditLog.action, 'check_in.undo')));
    expect(undo?.summary).toContain('Admitted the wrong party by mistake');
    await admin.close();
  });

  it('a resent ticket: the guest\'s old QR still admits', async () => {
    const guest = await aGuest(nights.tonight, 'Anna Bianchi', 1);
    const browser = await cameraBrowser(ticketVideo(guest.qr, { blankSeconds: 8, showSeconds: 1.5 }));
    browsers.push(browser);
    const { page } = await aPhone(browser, cables[1]!);
    await setUp(page, 'Door R', nights.tonight);
    await recordVerdicts(page);

    const resent = await boxOffice('POST', `/api/admin/reservations/${guest.id}/resend`);
    expect(resent.status()).toBe(202);
    expect(await resent.json()).toMatchObject({ kind: 'reservation_ticket', ticket: 'same' });
    await syncNow(page, 'Door R');

    await verdict(page, 'admit').waitFor({ timeout: 30_000 });
    expect(await verdict(page, 'admit').innerText()).toContain('Anna Bianchi');
    await expect.poll(async () => (await checkInOf(guest.id))?.method, { timeout: 10_000 }).toBe('online');
    expect(await verdictsShown(page)).not.toContain('revoked/refuse');
  });

  it('a reissued ticket: the old QR is refused by the phone from the list\'s delta, with no network', async () => {
    const guest = await aGuest(nights.tonight, 'Marco Verdi', 3);
    const browser = await cameraBrowser(ticketVideo(guest.qr, { blankSeconds: 14, showSeconds: 1.5 }));
    browsers.push(browser);
    const cable = cables[2]!;
    const { context, page } = await aPhone(browser, cable);
    await setUp(page, 'Door X', nights.tonight);
    await recordVerdicts(page);

    const reissued = await boxOffice('POST', `/api/admin/reservations/${guest.id}/reissue`);
    expect(reissued.status()).toBe(200);
    await syncNow(page, 'Door X');
    // The delta: the reservation's entry under its new ticket, the old one refused as replaced.
    await expect.poll(async () => (await storedEntry(page, guest.id))?.h, { timeout: 15_000 }).not.toBe(hashToken(guest.token));

    // The phone is on its own now: the refusal comes from its list, not from the server.
    cable.cut();
    await context.setOffline(true);
    await page.getByTestId('connection').getByText('Offline').waitFor();
    await verdict(page, 'revoked').waitFor({ timeout: 40_000 });
    expect(await verdict(page, 'revoked').innerText()).toMatch(/Ticket replaced/i);
    await screenshot(page, 'box-office-door-reissued-old-qr');
    expect(await verdictsShown(page)).not.toContain('admit/admit');
    expect(await checkInOf(guest.id)).toBeUndefined();
    cable.restore();
    await context.setOffline(false);
  });

  it('says too early with the day, another night for a typed code, a cancelled performance, and the name of a typed code online', async () => {
    const early = await aGuest(nights.tomorrow, 'Sofia Neri', 2);
    const typed = await aGuest(nights.tonight, 'Luca Gallo', 4);
    const cancelled = await aGuest(nights.cancelled, 'Paola Conti', 2);
    // No camera: typed codes only. The phone's clock is in New York; the theatre's days are Rome's.
    const { page } = await aPhone(stack.browser, null, { timezoneId: 'America/New_York' });
    await setUp(page, 'Door T', nights.tomorrow);

    const opens = new Date(tomorrowStartsAt.getTime() - 3 * 3_600_000);
    const day = new Intl.DateTimeFormat('en-GB', { timeZone: ROME, weekday: 'short', day: 'numeric', month: 'short' }).format(opens);
    const time = new Intl.DateTimeFormat('en-GB', { timeZone: ROME, hour: '2-digit', minute: '2-digit' }).format(opens);
    await typeCode(page, early.code);
    await verdict(page, 'too_early').waitFor();
    expect(await page.getByTestId('opens').innerText()).toBe(`Doors open ${day} at ${time}.`);
    await screenshot(page, 'box-office-door-too-early-day');

    // Tonight's door, tomorrow's code: the night it is for, from the list alone.
    await changePerformance(page, 'Door T', nights.tonight);
    await typeCode(page, early.code);
    await verdict(page, 'wrong_performance').waitFor();
    const when = new Intl.DateTimeFormat('en-GB', { timeZone: ROME, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(tomorrowStartsAt);
    expect(await verdict(page, 'wrong_performance').innerText()).toContain(`This ticket is for ${SHOW}, ${when}.`);
    expect(await verdict(page, 'wrong_performance').innerText()).toMatch(/Decided on this device/);
    await screenshot(page, 'box-office-door-other-performance-code');

    // A code of tonight, online: the server admits it and names the guest; the admin says online.
    await typeCode(page, typed.code);
    await verdict(page, 'admit').waitFor();
    await verdict(page, 'admit').getByText('Luca Gallo').waitFor();
    expect(await verdict(page, 'admit').innerText()).toMatch(/Checked by the server/);
    await screenshot(page, 'box-office-door-code-online-name');
    expect(await checkInOf(typed.id)).toMatchObject({ method: 'online' });
    const admin = await clerk.newPage();
    await admin.goto(`/admin/reservations/${typed.id}`);
    await admin.getByText('online scan').waitFor();
    await admin.close();

    // The other show tonight, cancelled as a whole while this phone holds its list.
    await changePerformance(page, 'Door T', nights.cancelled);
    const cancel = await boxOffice('POST', `/api/admin/performances/${nights.cancelled}/cancel`, { message: 'The lead actor is ill. We are sorry.' });
    expect(cancel.status()).toBe(200);
    await syncNow(page, 'Door T');
    await expect.poll(async () => (await storedEntry(page, cancelled.id))?.x ?? false, { timeout: 15_000 }).toBe(true);
    await typeCode(page, cancelled.code);
    await verdict(page, 'revoked').waitFor();
    const words = await verdict(page, 'revoked').innerText();
    expect(words).toMatch(/Performance cancelled/i);
    expect(words).toContain('This performance was cancelled.');
    expect(words).toMatch(/Decided on this device/);
    await screenshot(page, 'box-office-door-performance-cancelled');
  });

  async function changePerformance(page: Page, deviceName: string, performanceId: number) {
    await dismissVerdict(page);
    await page.getByRole('button', { name: deviceName, exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Change performance' }).click();
    await page.getByRole('heading', { name: 'Which performance?' }).waitFor();
    await open(page, performanceId);
  }
});
