import type { APIRequestContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../shared/src/audit-details.js';
import { DEMO_ADMIN } from '../../server/src/db/seed-demo.js';
import { aScanEvent } from '../../server/src/test/scan-events.js';
import { screenshot, startStack, type Stack } from './harness.js';
import { romeEvening } from './rome-time.js';

/*
 * Issue 15's audit trail as a manager reads it: after a scripted day (a show created, its
 * performance moved, a reservation made, a ticket admitted offline by a door phone and synced,
 * another reservation cancelled), the audit page says what happened in sentences, in Italian
 * and in English: no action code, no `key=value`.
 */

const SHOW = 'Il giardino dei ciliegi';

describe('the audit trail', () => {
  let stack: Stack;
  let api: APIRequestContext;

  async function call(method: 'post' | 'patch', path: string, data: unknown) {
    const response = await api[method](path, { data, headers: { Origin: stack.baseUrl } });
    expect(response.status(), `${method} ${path}: ${await response.text()}`).toBeLessThan(300);
    return response.json();
  }

  beforeAll(async () => {
    stack = await startStack();
    const context = await stack.newContext();
    api = context.request;
    await call('post', '/api/auth/login', { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password });

    // The day: a show and its performance, then the performance moved to tonight.
    const [venue] = await (await api.get('/api/admin/venues')).json();
    const show = await call('post', '/api/admin/shows', { title: SHOW, published: true });
    const performance = await call('post', '/api/admin/performances', { show_id: show.id, venue_id: venue.id, starts_at: romeEvening(5).toISOString() });
    await call('patch', `/api/admin/performances/${performance.id}`, { starts_at: new Date(Date.now() + 60 * 60_000).toISOString() });

    // Two guests book; one is admitted by a door phone offline and synced, the other cancels.
    const { bookings } = stack.runtime.services;
    const book = async (name: string) => {
      const pending = await bookings.create(performance.id, { name, email: `${name.toLowerCase()}@example.com`, phone: null, notes: null, party_size: 2 });
      return bookings.confirm(pending.rawConfirmationToken);
    };
    const admitted = await book('Anna');
    const cancelled = await book('Bruno');
    const device = await call('post', '/api/door/devices', { name: 'Door 2' });
    await call('post', '/api/door/sync', { device_id: device.id, events: [aScanEvent(performance.id, admitted.rawCheckInToken, new Date(Date.now() - 60_000))] });
    await call('post', `/api/admin/reservations/${cancelled.reservation.id}/cancel`, {});
  });
  afterAll(() => stack?.stop());

  async function auditPage(locale: string): Promise<Page> {
    const context = await stack.newContext({ locale, width: 1280, height: 900 });
    await context.request.post('/api/auth/login', { data: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password }, headers: { Origin: stack.baseUrl } });
    const page = await context.newPage();
    await page.goto('/admin/audit');
    await page.locator('table tbody tr').first().waitFor();
    return page;
  }

  /** What the page shows of its entries: sentences, never codes. */
  async function assertReadable(page: Page) {
    const text = await page.locator('main').innerText();
    for (const action of AUDIT_ACTIONS) expect(text, action).not.toContain(action);
    expect(text).not.toMatch(/\b[a-z_]+\.(create|update|delete|confirm|cancel|register|revoke|move|offer|expire|issue|reissue|resend|undo|publish|unpublish)\b/);
    expect(text).not.toMatch(/\b[a-z_]+=[^\s]/);
    expect(text).not.toMatch(/admin\.[a-z_]+\./);
    return text;
  }

  it('reads as English sentences, with links to what they name', async () => {
    const page = await auditPage('en-GB');
    const text = await assertReadable(page);
    expect(text).toContain(`created the show ${SHOW}`);
    expect(text).toMatch(new RegExp(`moved the performance of ${SHOW} from .+ to .+`));
    expect(text).toMatch(/Door 2 \(.+\) admitted reservation [A-Z0-9]{4}-[A-Z0-9]{4} \(2 seats\), offline at \d\d:\d\d, synced \d\d:\d\d/);
    expect(text).toMatch(/cancelled reservation [A-Z0-9]{4}-[A-Z0-9]{4} \(2 seats\)/);
    expect(text).toContain('registered the door phone Door 2');
    await expect(page.getByRole('link', { name: SHOW, exact: true }).first().getAttribute('href')).resolves.toBe('/admin/shows');
    await expect(page.getByRole('link', { name: 'Door 2' }).first().getAttribute('href')).resolves.toBe('/admin/door-devices');
    await screenshot(page, 'audit-en');
  });

  it('reads as Italian sentences', async () => {
    const page = await auditPage('it-IT');
    const text = await assertReadable(page);
    expect(text).toContain(`ha creato lo spettacolo ${SHOW}`);
    expect(text).toMatch(new RegExp(`ha spostato la replica di ${SHOW} da .+ a .+`));
    expect(text).toMatch(/Door 2 \(.+\) ha fatto entrare la prenotazione [A-Z0-9]{4}-[A-Z0-9]{4} \(2 posti\), offline/);
    expect(text).toMatch(/ha annullato la prenotazione [A-Z0-9]{4}-[A-Z0-9]{4} \(2 posti\)/);
    await screenshot(page, 'audit-it');
  });

  it('filters by action and by person', async () => {
    const page = await auditPage('en-GB');
    await page.getByLabel('Action').selectOption({ label: 'Checked in' });
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/action=check_in\.create/);
    await expect.poll(async () => page.locator('table tbody tr').count()).toBe(1);
    await expect(page.locator('table tbody tr').first().innerText()).resolves.toMatch(/Door 2 .* admitted reservation/);
  });
});
