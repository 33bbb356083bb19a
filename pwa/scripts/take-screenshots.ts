/*
 * Screenshots of the staff app for docs/screenshots/, and a quick look at every page on a laptop
 * and a tablet. Needs the API and the app running (`npx vite` proxies /api to the API):
 *
 *   npx tsx pwa/scripts/take-screenshots.ts [--base http://localhost:5173] [--out dir] [--fixtures]
 *                                           [--only name,name] [--locale en-GB] [--docs]
 *
 * Every page at both sizes goes to --out as admin-<page>-<laptop|tablet>.png. With --docs, only
 * the pictures kept in docs/screenshots/ are taken, named admin-<page>.png (laptop) and
 * admin-<page>-tablet.png: `npx tsx pwa/scripts/take-screenshots.ts --fixtures --docs`.
 *
 * With --fixtures, the admin reads are answered with example data shaped like the contract
 * (screenshot-fixtures.ts): reproducible pictures, and every page can be looked at before the
 * server has all its endpoints. Sign-in still goes to the real API.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Page, type Route } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../../scripts/chromium.js';
import { fixtureFor } from './screenshot-fixtures.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(name);
  return index >= 0 && args[index + 1] ? args[index + 1]! : fallback;
};
const base = option('--base', 'http://localhost:5173');
const out = resolve(option('--out', 'docs/screenshots'));
const useFixtures = args.includes('--fixtures');
const docs = args.includes('--docs');
/** The pictures of docs/screenshots/: which page at which size. */
const docShots: Record<string, string[]> = {
  laptop: ['login', 'dashboard', 'performances', 'reservations', 'reservation'],
  tablet: ['dashboard'],
};
const only = option('--only', '');

const viewports = [
  { name: 'laptop', width: 1280, height: 800 },
  { name: 'tablet', width: 820, height: 1180 },
];

/** Reads come from the fixtures; everything else (sign-in, changes) goes to the real API. */
async function answerFromFixtures(route: Route) {
  const fixture = fixtureFor(route.request().method(), new URL(route.request().url()));
  if (fixture === undefined) return route.continue();
  return route.fulfill({ status: fixture.status ?? 200, contentType: 'application/json', body: JSON.stringify(fixture.body) });
}

async function login(page: Page) {
  await page.getByLabel(/email/i).fill('admin@azionelab.local');
  await page.getByLabel(/password/i).fill('azionelab-demo');
  await page.getByRole('button', { name: /accedi|sign in/i }).click();
  await page.getByRole('navigation').first().waitFor();
}

const shots: { name: string; path: string; prepare?: (page: Page) => Promise<void> }[] = [
  { name: 'login', path: '/admin/' },
  { name: 'dashboard', path: '/admin/' },
  { name: 'performances', path: '/admin/performances' },
  { name: 'performance-form', path: '/admin/performances', prepare: (p) => p.getByRole('button', { name: /nuova replica|new performance/i }).click() },
  { name: 'shows', path: '/admin/shows' },
  { name: 'venues', path: '/admin/venues' },
  { name: 'reservations', path: '/admin/reservations?performance_id=1' },
  { name: 'reservation-form', path: '/admin/reservations?performance_id=1', prepare: (p) => p.getByRole('button', { name: /nuova prenotazione|new reservation/i }).first().click() },
  { name: 'reservation', path: '/admin/reservations/1' },
  { name: 'reservation-cancel', path: '/admin/reservations/1', prepare: (p) => p.getByRole('button', { name: /annulla prenotazione|cancel reservation/i }).click() },
  { name: 'door-list', path: '/admin/performances/1/door-list' },
  { name: 'users', path: '/admin/users' },
  { name: 'audit', path: '/admin/audit' },
];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: CHROMIUM_FLAGS,
});
mkdirSync(out, { recursive: true });
try {
  for (const viewport of viewports) {
    const context = await browser.newContext({ viewport, locale: option('--locale', 'it-IT'), timezoneId: 'Europe/Rome' });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') console.log(`[${viewport.name}] console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => console.log(`[${viewport.name}] page error: ${error.message}`));
    if (useFixtures) await page.route('**/api/admin/**', answerFromFixtures);

    for (const shot of shots) {
      if (only && !only.split(',').includes(shot.name)) continue;
      if (docs && !docShots[viewport.name]?.includes(shot.name)) continue;
      await page.goto(`${base}${shot.path}`);
      await page
        .locator('h1')
        .first()
        .waitFor({ timeout: 10_000 })
        .catch(async (error: unknown) => {
          await page.screenshot({ path: `${out}/failed-${shot.name}-${viewport.name}.png` });
          throw error;
        });
      if (shot.name !== 'login' && (await page.getByRole('button', { name: /accedi|sign in/i }).count())) {
        await login(page);
      }
      await page.waitForLoadState('networkidle');
      await shot.prepare?.(page);
      await page.waitForTimeout(300);
      const suffix = docs && viewport.name === 'laptop' ? '' : `-${viewport.name}`;
      const file = `${out}/admin-${shot.name}${suffix}.png`;
      await page.screenshot({ path: file, fullPage: !shot.prepare });
      console.log(file);
    }
    await context.close();
  }
} finally {
  await browser.close();
}
