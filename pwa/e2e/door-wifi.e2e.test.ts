import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/src/auth/passwords.js';
import { DEMO_ADMIN } from '../../server/src/db/seed-demo.js';
import { auditLog, checkIns, performances, reservations, scanEvents, sessions, shows, users, venues } from '../../server/src/db/schema.js';
import { screenshot, startStack, type Stack } from './harness.js';
import { WifiProxy, browserOn, type RecordedAnswer } from './wifi-proxy.js';

/*
 * The door app on a foyer's real Wi-Fi: each phone has its own proxy that can be up, down,
 * hanging (connected, never answering), slow, or losing answers, for the page and its service
 * worker alike. Scans go through the "Scanner or code" field (a keyboard-wedge scanner), so
 * each one is made exactly when the test says.
 */

const PHONE = { width: 390, height: 780 };
const MANIFEST = /\/api\/door\/performances\/\d+\/manifest/;
const NOT_MODIFIED: RecordedAnswer = { status: 304, headers: {}, body: Buffer.alloc(0) };
const SHOW = 'Il gabbiano';
const PASSWORD = 'door-password-2026';

interface Phone {
  wifi: WifiProxy;
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/** One verdict screen as the page showed it, and when (ms since the recorder started). */
interface Shown {
  kind: string;
  tone: string;
  at: number;
}

describe('door app on bad Wi-Fi', () => {
  let stack: Stack;
  let performanceId = 0;
  let tomorrowId = 0;
  const phones: Phone[] = [];
  const db = () => stack.runtime.services.database.db;

  async function aDoorUser(email: string) {
    const [user] = await db().insert(users).values({ email, displayName: email.split('@')[0]!, role: 'door', passwordHash: await hashPassword(PASSWORD) }).returning();
    return user!;
  }

  async function aTicket(name: string, onPerformance = performanceId) {
    const { bookings } = stack.runtime.services;
    const pending = await bookings.create(onPerformance, { name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, phone: null, notes: null, party_size: 2 });
    const confirmed = await bookings.confirm(pending.rawConfirmationToken);
    return { id: confirmed.reservation.id, token: confirmed.rawCheckInToken, name };
  }

  async function aPhone(extraArgs: string[] = []): Promise<Phone> {
    const wifi = await WifiProxy.start();
    const browser = await browserOn(wifi, extraArgs);
    const context = await browser.newContext({ baseURL: stack.baseUrl, viewport: PHONE, locale: 'en-GB', hasTouch: true });
    context.setDefaultTimeout(20_000);
    const phone = { wifi, browser, context, page: await context.newPage() };
    phones.push(phone);
    return phone;
  }

  /**
   * Sign in, name the device, wait until the app is saved for offline use, download the list.
   * `{ offered }`: keep the name the app offers, which must be that one.
   */
  async function setUp(page: Page, email: string, deviceName: string | { offered: string }) {
    await page.goto('/door/');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const name = page.getByLabel('Device name');
    if (typeof deviceName === 'string') await name.fill(deviceName);
    else await expect.poll(() => name.inputValue()).toBe(deviceName.offered);
    await page.getByRole('button', { name: 'Register this device' }).click();
    await page.getByRole('heading', { name: 'Which performance?' }).waitFor();
    await page.getByTestId('offline-setup').waitFor({ state: 'hidden', timeout: 45_000 });
    await page.getByRole('listitem').filter({ hasText: SHOW }).first().getByRole('button', { name: 'Download guest list' }).click();
    await page.getByRole('heading', { level: 1, name: SHOW }).waitFor();
  }

  /** What a keyboard-wedge scanner does: the QR's text and Enter. */
  async function scan(page: Page, token: string) {
    const field = page.getByLabel('Scanner or code');
    await field.fill(`${stack.baseUrl}/api/check-ins/preview/?token=${token}`);
    await field.press('Enter');
  }

  const verdict = (page: Page, kind: string) => page.locator(`[data-testid="verdict"][data-kind="${kind}"]`);
  const connection = (page: Page, state: string) => page.locator(`[data-testid="connection"][data-state="${state}"]`);

  async function dismissVerdict(page: Page) {
    const shown = page.getByTestId('verdict');
    // It may go by itself (3 s for a green) or be replaced while the click is on its way.
    if (await shown.isVisible()) await shown.click({ timeout: 2_000 }).catch(() => undefined);
    await shown.waitFor({ state: 'hidden' });
  }

  /** A setting as the phone stored it in IndexedDB (what a reload will read). */
  const storedSetting = (page: Page, key: string) =>
    page.evaluate(
      (name) =>
        new Promise<unknown>((resolve, reject) => {
          const open = indexedDB.open('azionelab-door');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const read = open.result.transaction('meta').objectStore('meta').get(name);
            read.onsuccess = () => resolve((read.result as { value?: unknown } | undefined)?.value);
          };
        }),
      key,
    );

  async function menu(page: Page, deviceName: string) {
    await dismissVerdict(page);
    await page.getByRole('button', { name: deviceName, exact: true }).click();
    return page.getByRole('dialog');
  }

  /** Records every verdict screen the page shows from now on (kind and tone as they change). */
  async function recordVerdicts(page: Page) {
    await page.evaluate(() => {
      const log: { kind: string; tone: string; at: number }[] = [];
      const started = performance.now();
      (window as unknown as { verdictLog: typeof log }).verdictLog = log;
      let last = '';
      new MutationObserver(() => {
        const element = document.querySelector<HTMLElement>('[data-testid="verdict"]');
        const now = element ? `${element.dataset.kind}/${element.dataset.tone}` : '';
        if (now && now !== last) log.push({ kind: element!.dataset.kind!, tone: element!.dataset.tone!, at: Math.round(performance.now() - started) });
        last = now;
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-kind', 'data-tone'] });
    });
  }

  async function shownSince(page: Page, from: number): Promise<Shown[]> {
    return (await page.evaluate(() => (window as unknown as { verdictLog: Shown[] }).verdictLog)).slice(from);
  }

  beforeAll(async () => {
    stack = await startStack();
    const [venue] = await db().insert(venues).values({ name: 'Sala Piccola', capacity: 60 }).returning();
    const [show] = await db().insert(shows).values({ title: SHOW, slug: 'il-gabbiano-wifi', published: true }).returning();
    const [tonight, tomorrow] = await db()
      .insert(performances)
      .values([
        // Doors are open: it starts in an hour.
        { showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 3_600_000) },
        { showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 25 * 3_600_000) },
      ])
      .returning();
    performanceId = tonight!.id;
    tomorrowId = tomorrow!.id;
  });

  afterAll(async () => {
    for (const phone of phones) {
      await phone.browser.close();
      await phone.wifi.close();
    }
    await stack?.stop();
  });

  it('opens from the phone at once when the Wi-Fi hangs, says so within 10 s, admits offline and signs out at once', async () => {
    const user = await aDoorUser('porta.hang@azionelab.local');
    const guest = await aTicket('Elena Hang');
    const { wifi, page } = await aPhone();
    await setUp(page, user.email, 'Door H');
    await connection(page, 'online').waitFor();

    // Connected and dead: every request is accepted and never answered.
    wifi.set({ kind: 'hang' });
    const reloadedAt = Date.now();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: SHOW }).waitFor();
    // Well before any request could have timed out (3 s): the app did not wait for the network.
    expect(Date.now() - reloadedAt).toBeLessThan(2_500);

    await connection(page, 'no_answer').waitFor({ timeout: 10_000 });
    expect(Date.now() - reloadedAt).toBeLessThan(10_000);
    expect(await page.getByTestId('connection').innerText()).toMatch(/No answer from the server since \d{2}:\d{2}/);
    await screenshot(page, 'door-wifi-no-answer');

    // With the server known not to answer, the phone's own verdict comes at once.
    await scan(page, guest.token);
    await verdict(page, 'admit').waitFor();
    await page.getByTestId('pending').getByText('1 scan to send').waitFor();

    // Signing out does not wait for the server either.
    const dialog = await menu(page, 'Door H');
    await dialog.getByRole('button', { name: 'Sign out' }).click();
    const signingOutAt = Date.now();
    await page.getByRole('dialog').filter({ hasText: 'Signing out erases' }).getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'AzioneLab Door' }).waitFor();
    await page.getByText('Signed out. The guest lists and scans were erased').waitFor();
    expect(Date.now() - signingOutAt).toBeLessThan(2_500);
    expect(await db().select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(1);

    // The Wi-Fi answers again: the sign-out the server missed is sent, and the session ends there too.
    wifi.set({ kind: 'up' });
    await expect.poll(async () => (await db().select().from(sessions).where(eq(sessions.userId, user.id))).length, { timeout: 15_000 }).toBe(0);
    await page.reload();
    await page.getByRole('heading', { name: 'AzioneLab Door' }).waitFor();
    await page.getByLabel('Email').waitFor();
  });

  describe('one phone, from a good network to a slow one', () => {
    const user = { email: 'porta.slow@azionelab.local', device: 'Door S' };
    let phone: Phone;
    const guests: Record<string, { id: number; token: string; name: string }> = {};
    let fullList: Promise<RecordedAnswer>;

    beforeAll(async () => {
      await aDoorUser(user.email);
      guests.cancelledBefore = await aTicket('Carla Annullata');
      guests.tomorrow = await aTicket('Tommaso Domani', tomorrowId);
      guests.cancelledLater = await aTicket('Luca Tardi');
      guests.elsewhere = await aTicket('Paola Altrove');
      guests.valid = await aTicket('Valeria Valida');
      guests.stop = await aTicket('Stefano Fermato');
      guests.lost = await aTicket('Laura Persa');
      await stack.runtime.services.bookings.cancel(guests.cancelledBefore.id, null);
      phone = await aPhone();
      fullList = phone.wifi.record(/\/api\/door\/performances\/\d+\/manifest$/);
      await setUp(phone.page, user.email, user.device);
      await connection(phone.page, 'online').waitFor();
      await recordVerdicts(phone.page);
    });

    it('never shows green before the server has had its say: 0, 600 and 1,500 ms of delay', async () => {
      const { page, wifi } = phone;
      const timings: Record<string, number> = {};
      // The phone's list stays a little behind, as between two updates: every update answers
      // "nothing new", so only the server's answer to the scan can know of the changes below.
      wifi.replay(MANIFEST, NOT_MODIFIED);

      // A good network: CHECKING, then the server's green.
      let from = (await shownSince(page, 0)).length;
      await scan(page, guests.valid!.token);
      await verdict(page, 'admit').waitFor();
      let shown = await shownSince(page, from);
      expect(shown.map((s) => s.kind)).toEqual(['checking', 'admit']);
      timings['0 ms'] = shown[1]!.at - shown[0]!.at;
      await page.getByText('Checked by the server').waitFor();

      // 600 ms: a ticket cancelled a moment ago, still valid in the phone's list.
      wifi.set({ kind: 'slow', delayMs: 600 });
      await stack.runtime.services.bookings.cancel(guests.cancelledLater!.id, null);
      await dismissVerdict(page);
      from = (await shownSince(page, 0)).length;
      await scan(page, guests.cancelledLater!.token);
      await verdict(page, 'revoked').waitFor();
      shown = await shownSince(page, from);
      expect(shown.map((s) => s.kind)).toEqual(['checking', 'revoked']);
      timings['600 ms'] = shown[1]!.at - shown[0]!.at;
      expect(timings['600 ms']).toBeGreaterThanOrEqual(550);

      // 1,500 ms: a ticket admitted at another door a moment ago.
      wifi.set({ kind: 'slow', delayMs: 1_500 });
      const marco = await aDoorUser('marco.altra.porta@azionelab.local');
      await stack.runtime.services.checkIns.confirm(guests.elsewhere!.token, { id: marco.id, email: marco.email, displayName: 'Marco', role: 'door' });
      await dismissVerdict(page);
      from = (await shownSince(page, 0)).length;
      await scan(page, guests.elsewhere!.token);
      await verdict(page, 'already_admitted').waitFor({ timeout: 10_000 });
      shown = await shownSince(page, from);
      expect(shown.map((s) => s.kind)).toEqual(['checking', 'already_admitted']);
      timings['1,500 ms'] = shown[1]!.at - shown[0]!.at;
      await screenshot(page, 'door-wifi-slow-already');
      // No admit beep, no green: nobody was admitted here, nothing waits to be sent.
      expect(shown.some((s) => s.tone === 'admit')).toBe(false);
      await page.getByTestId('pending').getByText('All scans sent').waitFor();
      console.info(`door: CHECKING to the server's verdict: ${JSON.stringify(timings)}`);
      wifi.set({ kind: 'up' });
    });

    it('past the 2 s budget shows the phone\'s green as unconfirmed, and a late refusal as a full-screen STOP', async () => {
      const { page, wifi } = phone;
      // Only the scan's confirmation is that slow: a heartbeat as slow would time out (3 s) and
      // make the phone decide alone at once, which is the next state, not this one.
      wifi.set({ kind: 'slow', delayMs: 2_600 }, /\/api\/check-ins\/confirm/);
      await stack.runtime.services.bookings.cancel(guests.stop!.id, null);
      await dismissVerdict(page);
      const from = (await shownSince(page, 0)).length;
      await scan(page, guests.stop!.token);
      await page.getByText('the server did not answer within 2 s').waitFor();
      const stop = page.getByTestId('stop');
      await stop.waitFor({ timeout: 10_000 });
      const shown = await shownSince(page, from);
      expect(shown.map((s) => `${s.kind}/${s.tone}`)).toEqual(['checking/checking', 'admit/admit', 'revoked/stop']);
      expect(await page.getByTestId('verdict').innerText()).toContain(guests.stop!.name);
      await screenshot(page, 'door-wifi-stop');
      // The server never admitted anyone: the phone's scan is not sent.
      await page.getByTestId('pending').getByText('All scans sent').waitFor();
      wifi.set({ kind: 'up' });
      wifi.stopReplaying();
    });

    it('says CANCELLED and OTHER PERFORMANCE with no network at all', async () => {
      const { page, wifi } = phone;
      wifi.set({ kind: 'down' });
      await connection(page, 'no_answer').waitFor({ timeout: 10_000 });
      await dismissVerdict(page);

      await scan(page, guests.cancelledBefore!.token);
      await verdict(page, 'revoked').waitFor();
      expect(await verdict(page, 'revoked').innerText()).toMatch(/cancel/i);
      await screenshot(page, 'door-wifi-cancelled-offline');
      await dismissVerdict(page);

      await scan(page, guests.tomorrow!.token);
      const otherNight = verdict(page, 'wrong_performance');
      await otherNight.waitFor();
      expect(await otherNight.innerText()).toContain(SHOW);
      await screenshot(page, 'door-wifi-other-night');
      wifi.set({ kind: 'up' });
      await connection(page, 'online').waitFor({ timeout: 10_000 });
    });

    it('shows a refused list update (an older signed list played back) on the scan screen, until a new list is taken', async () => {
      const { page, wifi } = phone;
      const older = await fullList;
      // The list moves on (a new booking), and the phone takes the change.
      await aTicket('Nuova Prenotazione');
      let dialog = await menu(page, user.device);
      await dialog.getByRole('button', { name: 'Sync now' }).click();
      await expect.poll(() => wifi.seen.filter((line) => /manifest\?since=/.test(line)).length).toBeGreaterThan(0);
      await page.keyboard.press('Escape');
      await page.getByTestId('list-age').getByText('List updated just now').waitFor();

      // Someone on the path answers with the older, correctly signed list.
      wifi.replay(MANIFEST, older);
      dialog = await menu(page, user.device);
      await dialog.getByRole('button', { name: 'Sync now' }).click();
      await page.keyboard.press('Escape');
      const problem = page.getByTestId('list-problem');
      await problem.waitFor();
      expect(await problem.getAttribute('data-code')).toBe('manifest_replayed');
      expect(await problem.innerText()).toContain('older guest list');
      await screenshot(page, 'door-wifi-list-refused');

      // The real list again: the warning goes.
      wifi.stopReplaying();
      await problem.getByRole('button', { name: 'Download the list again' }).click();
      await problem.waitFor({ state: 'hidden' });
      expect(await db().select({ id: reservations.id }).from(reservations).where(eq(reservations.performanceId, performanceId))).not.toHaveLength(0);
    });

    it('loses answers: the server admitted the guest, the phone never heard; the scan it sends later is the same scan, not a conflict', async () => {
      const { page, wifi } = phone;
      await dismissVerdict(page);
      await connection(page, 'online').waitFor({ timeout: 10_000 });
      // The server gets the scan's confirmation and does the work; the answer is lost on the way
      // back. (Only that answer: a lost heartbeat would send the phone offline before the scan.)
      wifi.set({ kind: 'lose' }, /\/api\/check-ins\/confirm/);
      await scan(page, guests.lost!.token);
      await verdict(page, 'admit').waitFor();
      await page.getByText('the server did not answer within 2 s').waitFor();
      const [online] = await db().select().from(checkIns).where(eq(checkIns.reservationId, guests.lost!.id));
      expect(online).toMatchObject({ method: 'online' });

      // The phone sends the scan through the sync, which the server knows as that check-in.
      await page.getByTestId('pending').getByText('All scans sent').waitFor({ timeout: 30_000 });
      wifi.set({ kind: 'up' });
      const rows = await db().select().from(checkIns).where(eq(checkIns.reservationId, guests.lost!.id));
      expect(rows).toHaveLength(1);
      expect(rows[0]!.eventId).toBe(online!.eventId);
      const events = await db().select().from(scanEvents).where(eq(scanEvents.reservationId, guests.lost!.id));
      expect(events.map((e) => e.result)).toEqual(['accepted']);
      expect(await page.getByTestId('conflict-badge').count()).toBe(0);
    });
  });

  it('keeps the sound and vibration switches across a reload, and asks for one tap when the browser locked the sound', async () => {
    await aDoorUser('porta.suono@azionelab.local');
    // As on a phone: sound only after a tap on the page (headless Chromium plays at once otherwise).
    const { page } = await aPhone(['--autoplay-policy=document-user-activation-required']);
    await setUp(page, 'porta.suono@azionelab.local', 'Door A');
    // Signing in was a tap: the sound is unlocked, nothing to ask.
    await expect.poll(() => page.evaluate(() => document.body.dataset.audio)).toBe('running');
    expect(await page.getByTestId('enable-sound').count()).toBe(0);
    let dialog = await menu(page, 'Door A');
    await dialog.getByLabel('Vibration').uncheck();
    await page.keyboard.press('Escape');
    await expect.poll(() => storedSetting(page, 'vibration')).toBe(false);

    // A reload: the browser locks the sound again until a tap.
    const reopen = async () => {
      await page.reload();
      await page.getByRole('heading', { level: 1, name: SHOW }).waitFor();
    };
    await reopen();
    const prompt = page.getByTestId('enable-sound');
    await prompt.waitFor();
    expect(await page.evaluate(() => document.body.dataset.audio)).toBe('locked');
    await screenshot(page, 'door-sound-prompt');
    await prompt.click();
    await prompt.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.body.dataset.audio)).toBe('running');

    dialog = await menu(page, 'Door A');
    expect(await dialog.getByLabel('Vibration').isChecked()).toBe(false);
    expect(await dialog.getByLabel('Sound').isChecked()).toBe(true);
    await dialog.getByLabel('Sound').uncheck();
    await page.keyboard.press('Escape');
    await expect.poll(() => storedSetting(page, 'sound')).toBe(false);
    await reopen();
    await expect.poll(() => page.evaluate(() => document.body.dataset.audio)).toBe('off');
    expect(await page.getByTestId('enable-sound').count()).toBe(0);
    dialog = await menu(page, 'Door A');
    expect(await dialog.getByLabel('Sound').isChecked()).toBe(false);
    expect(await dialog.getByLabel('Vibration').isChecked()).toBe(false);
  });

  it('keeps the reassignment of a check-in in the reservation history, and tells both doors with names and seconds', async () => {
    await aDoorUser('porta.uno@azionelab.local');
    await aDoorUser('porta.due@azionelab.local');
    const guest = await aTicket('Giorgio Conteso');
    const first = await aPhone();
    const second = await aPhone();
    // The next free "Door N" is offered to each new phone.
    await setUp(first.page, 'porta.uno@azionelab.local', { offered: 'Door 1' });
    await setUp(second.page, 'porta.due@azionelab.local', { offered: 'Door 2' });
    first.wifi.set({ kind: 'down' });
    second.wifi.set({ kind: 'down' });
    for (const phone of [first, second]) await connection(phone.page, 'no_answer').waitFor({ timeout: 10_000 });

    // Door 2 admits the guest first; Door 1 a moment later, and Door 1's scan reaches the server first.
    await scan(second.page, guest.token);
    await verdict(second.page, 'admit').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await scan(first.page, guest.token);
    await verdict(first.page, 'admit').waitFor();
    first.wifi.set({ kind: 'up' });
    await first.page.getByTestId('pending').getByText('All scans sent').waitFor({ timeout: 30_000 });
    second.wifi.set({ kind: 'up' });
    await second.page.getByTestId('pending').getByText('All scans sent').waitFor({ timeout: 30_000 });

    const history = await db().select().from(auditLog).where(eq(auditLog.entityId, guest.id));
    const actions = history.filter((row) => row.entityType === 'reservation').map((row) => row.action);
    expect(actions).toContain('check_in.create');
    expect(actions).toContain('check_in.reassign');

    const dialog = await menu(first.page, 'Door 1');
    await dialog.getByRole('button', { name: 'Sync now' }).click();
    const conflicts = dialog.getByTestId('conflicts');
    await conflicts.getByText(guest.name).waitFor();
    expect(await conflicts.innerText()).toMatch(/\d{2}:\d{2}:\d{2}/);
    await screenshot(first.page, 'door-wifi-conflict-names');

    // The manager reads it in the reservation's history: who first, who won, why.
    const admin = await stack.newContext();
    await admin.request.post('/api/auth/login', { data: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password }, headers: { Origin: stack.baseUrl } });
    const adminPage = await admin.newPage();
    await adminPage.goto(`/admin/reservations/${guest.id}`);
    const moved = adminPage.getByText('The check-in is now the scan on Door 2');
    await moved.waitFor();
    expect(await moved.innerText()).toMatch(/Door 1 by porta\.uno at \d{2}:\d{2}:\d{2}/);
    await adminPage.getByText(/^Reservation [A-Z0-9]{4}-[A-Z0-9]{4}: The check-in is now/).waitFor();
    await screenshot(adminPage, 'door-wifi-reassign-history');
    await admin.close();
  });
});
