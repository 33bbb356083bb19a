import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performances, shows, venues } from '../../server/src/db/schema.js';
import { DEMO_ADMIN } from '../../server/src/db/seed-demo.js';
import { screenshot, startStack, type Stack } from './harness.js';

/*
 * Stored XSS: guest names and notes, show titles and descriptions, venue names and staff names
 * that carry script payloads are shown as text on the public pages and in the admin. Each page
 * is checked three ways: the payload is visible as literal text, no element it describes
 * exists in the DOM, and no script ran (a marker set by the payload stays unset, and the CSP
 * reports no blocked attempt, which would mean markup got through and only the CSP stopped it).
 */

const MARK = '__xss';
const SCRIPT = `<script>window.${MARK}=1</script>`;
const IMG = `<img src=x id=xss-img onerror="window.${MARK}=2">`;
const SVG = `<svg id=xss-svg onload="window.${MARK}=3"></svg>`;
const FRAME = `"><iframe id=xss-frame srcdoc="<script>parent.${MARK}=4</script>"></iframe>`;

const GUEST_NAME = `Eve ${IMG}`;
const NOTES = `${SCRIPT} ${SVG} ${FRAME} {{constructor.constructor('window.${MARK}=5')()}}`;
const TITLE = `Amleto ${SCRIPT}${IMG}`.slice(0, 200);
const DESCRIPTION = `${SVG} ${FRAME} javascript:window.${MARK}=6`;
const VENUE = `Sala ${SVG}`;
const STAFF_NAME = `Mallory ${IMG}`;
const DEVICE = `Porta ${SVG}`;
const DOOR_USER = { email: 'mallory@azionelab.test', password: 'a long enough password' };
const INJECTED = '#xss-img, #xss-svg, #xss-frame, img[src="x"], iframe[srcdoc]';

describe('stored XSS payloads render as text', () => {
  let stack: Stack;
  let visitor: BrowserContext;
  let staff: BrowserContext;
  const ids = { performance: 0, reservation: 0 };
  let checkInToken = '';
  let pendingToken = '';

  beforeAll(async () => {
    stack = await startStack();
    const { db } = stack.runtime.services.database;
    const [venue] = await db.insert(venues).values({ name: VENUE, capacity: 40 }).returning();
    const [show] = await db.insert(shows).values({ title: TITLE, slug: 'xss-prova', description: DESCRIPTION, published: true }).returning();
    const [performance] = await db
      .insert(performances)
      .values({ showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 3 * 86_400_000) })
      .returning();
    ids.performance = performance!.id;

    const { bookings } = stack.runtime.services;
    const guest = { name: GUEST_NAME, email: 'eve@example.com', phone: null, notes: NOTES, party_size: 2 };
    const booked = await bookings.create(performance!.id, guest);
    const confirmed = await bookings.confirm(booked.rawConfirmationToken);
    ids.reservation = booked.reservation.id;
    checkInToken = confirmed.rawCheckInToken;
    pendingToken = (await bookings.create(performance!.id, { ...guest, email: 'eve2@example.com' })).rawConfirmationToken;

    visitor = await stack.newContext();
    staff = await stack.newContext();
    const origin = { Origin: stack.baseUrl };
    expect((await staff.request.post('/api/auth/login', { data: DEMO_ADMIN, headers: origin })).status()).toBe(200);
    const created = await staff.request.post('/api/admin/users', {
      data: { ...DOOR_USER, display_name: STAFF_NAME, role: 'door' },
      headers: origin,
    });
    expect(created.status()).toBe(201);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** Alerts, confirms and prompts a page opened: a payload calling alert() would show up here. */
  const dialogs = new WeakMap<Page, string[]>();

  /** Opens a page with a CSP-violation recorder installed before any of its scripts run. */
  async function open(context: BrowserContext, url: string): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.addInitScript(() => {
      const violations: string[] = [];
      Object.assign(window, { __cspViolations: violations });
      document.addEventListener('securitypolicyviolation', (event) => {
        // zod probes once whether it may compile validators with `Function('')`; the CSP says
        // no and zod falls back. That probe (eval, empty sample) is not an injection.
        if (event.blockedURI === 'eval' && event.sample === '') return;
        violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample} at ${event.sourceFile}:${event.lineNumber}`);
      });
    });
    dialogs.set(page, []);
    page.on('dialog', (dialog) => {
      dialogs.get(page)!.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(url);
    return page;
  }

  async function expectInert(page: Page, name: string, texts: string[]) {
    for (const text of texts) {
      await page.getByText(text).filter({ visible: true }).first().waitFor({ state: 'visible' });
    }
    expect(await page.locator(INJECTED).count()).toBe(0);
    expect(await page.evaluate((mark) => (window as unknown as Record<string, unknown>)[mark], MARK)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
    expect(dialogs.get(page)).toEqual([]);
    await screenshot(page, `xss-${name}`);
    await page.close();
  }

  describe('public site', () => {
    it('programme: show title as text', async () => {
      await expectInert(await open(visitor, '/'), 'programme', [TITLE]);
    });

    it('show page: title, description and venue name as text', async () => {
      await expectInert(await open(visitor, '/shows/xss-prova'), 'show', [TITLE, DESCRIPTION, VENUE]);
    });

    it('confirmation page: the confirmed performance as text', async () => {
      await expectInert(await open(visitor, `/confirm#token=${pendingToken}`), 'confirm', [TITLE]);
    });

    it('ticket page: show and venue as text', async () => {
      await expectInert(await open(visitor, `/ticket#token=${checkInToken}`), 'ticket', [TITLE, VENUE]);
    });
  });

  describe('admin', () => {
    it('dashboard', async () => {
      await expectInert(await open(staff, '/admin/'), 'admin-dashboard', [TITLE]);
    });

    it('reservation list: guest name as text', async () => {
      await expectInert(await open(staff, `/admin/reservations?performance_id=${ids.performance}`), 'admin-reservations', [GUEST_NAME]);
    });

    it('reservation detail: name and notes as text', async () => {
      await expectInert(await open(staff, `/admin/reservations/${ids.reservation}`), 'admin-reservation', [GUEST_NAME, NOTES]);
    });

    it('printable door list: names and notes as text', async () => {
      await expectInert(await open(staff, `/admin/performances/${ids.performance}/door-list`), 'admin-door-list', [GUEST_NAME, NOTES]);
    });

    it('shows, performances and venues', async () => {
      await expectInert(await open(staff, '/admin/shows'), 'admin-shows', [TITLE]);
      await expectInert(await open(staff, '/admin/performances'), 'admin-performances', [VENUE]);
      await expectInert(await open(staff, '/admin/venues'), 'admin-venues', [VENUE]);
    });

    it('users and audit log: staff display name as text', async () => {
      await expectInert(await open(staff, '/admin/users'), 'admin-users', [STAFF_NAME]);
      // The audit page names staff by their display name at the time (the account's, for its creation).
      await expectInert(await open(staff, '/admin/audit'), 'admin-audit', [STAFF_NAME]);
    });
  });

  describe('door app', () => {
    it('performance list, guest search and device name as text', async () => {
      const page = await open(await stack.newContext(), '/door/');
      await page.getByLabel('Email').fill(DOOR_USER.email);
      await page.getByLabel('Password').fill(DOOR_USER.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Device name').fill(DEVICE);
      await page.getByRole('button', { name: 'Register this device' }).click();
      await page.getByRole('heading', { name: 'Which performance?' }).waitFor();
      const item = page.getByRole('listitem').filter({ hasText: TITLE });
      await item.getByRole('button', { name: 'Download guest list' }).click();
      await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
      await page.getByRole('button', { name: 'Guest without phone' }).click();
      await page.getByLabel('Guest name').fill('Eve');
      await page.getByLabel('Guest name').press('Enter');
      await expectInert(page, 'door-guest-search', [GUEST_NAME, DEVICE]);
    });

    it('admin door devices page: device name as text', async () => {
      await expectInert(await open(staff, '/admin/door-devices'), 'admin-door-devices', [DEVICE]);
    });
  });
});
