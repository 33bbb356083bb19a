import { eq } from 'drizzle-orm';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../../server/src/db/seed-demo.js';
import { users } from '../../server/src/db/schema.js';
import { screenshot, startStack, type Stack } from './harness.js';
import { ROME } from './rome-time.js';

/*
 * Sign-in limits and sessions in a real browser: a box-office account mistyped five times waits,
 * and the sign-in page says until when; an admin sees the lock in Users and unlocks it; the
 * person signs in. Then My account lists where the admin is signed in, ends one session and all
 * the others, and the admin ends every session of the box-office account from Users.
 * The admin's browser speaks Italian (the staff's language, as in docs/screenshots/).
 */

const CASSA = { email: 'cassa@azionelab.local', name: 'Cassa serale', password: 'biglietteria-della-sera-2026' };
const PHONE = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

const shown = (locator: Locator) => locator.waitFor({ state: 'visible' });
const gone = (locator: Locator) => locator.waitFor({ state: 'hidden' });
const romeTime = (date: Date, locale: string) => new Intl.DateTimeFormat(locale, { timeZone: ROME, hour: '2-digit', minute: '2-digit' }).format(date);

describe('staff sign-in limits and sessions in a browser', () => {
  let stack: Stack;
  let staffContext: BrowserContext;
  let staff: Page;
  let adminContext: BrowserContext;
  let admin: Page;
  let cassaId = 0;

  const db = () => stack.runtime.services.database.db;

  async function signIn(page: Page, email: string, password: string, submit: string) {
    await page.locator('#login-email').fill(email);
    await page.locator('#login-password').fill(password);
    await page.getByRole('button', { name: submit, exact: true }).click();
  }

  /** Signs the admin in from outside the browser, as another device would. */
  async function otherDevice(userAgent: string) {
    const response = await fetch(`${stack.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': userAgent },
      body: JSON.stringify({ email: DEMO_ADMIN.email, password: DEMO_ADMIN.password }),
    });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    stack = await startStack();
    const created = await stack.runtime.services.auth.createUser({ email: CASSA.email, password: CASSA.password, role: 'box_office', displayName: CASSA.name });
    cassaId = created.id;
    staffContext = await stack.newContext({ locale: 'en-GB' });
    staff = await staffContext.newPage();
    adminContext = await stack.newContext({ locale: 'it-IT' });
    admin = await adminContext.newPage();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('1. five wrong passwords: even the right one is refused, with the time it may try again', async () => {
    await staff.goto('/admin/');
    for (let i = 0; i < 5; i += 1) {
      await signIn(staff, CASSA.email, `wrong password ${i}`, 'Sign in');
      await shown(staff.getByRole('alert').getByText('Wrong email or password, or the account is disabled.'));
      await expect.poll(async () => (await db().select().from(users).where(eq(users.id, cassaId)))[0]!.failedLogins).toBe(i + 1);
    }
    const [row] = await db().select().from(users).where(eq(users.id, cassaId));
    expect(row!.lockedUntil).not.toBeNull();

    await signIn(staff, CASSA.email, CASSA.password, 'Sign in');
    const until = romeTime(row!.lockedUntil!, 'en-GB');
    await shown(
      staff.getByRole('alert').getByText(`Too many wrong passwords for this account. You can try again from ${until}, or ask an admin to unlock it.`),
    );
    expect(await staff.getByRole('navigation').count()).toBe(0);
    await screenshot(staff, 'staff-signin-locked');
  });

  it('2. an admin sees the locked account in Users and unlocks it; the person signs in', async () => {
    await admin.goto('/admin/');
    await signIn(admin, DEMO_ADMIN.email, DEMO_ADMIN.password, 'Accedi');
    await shown(admin.getByRole('navigation', { name: /navigazione/i }));
    await admin.goto('/admin/users');
    const row = admin.getByRole('row').filter({ hasText: CASSA.email });
    const [locked] = await db().select().from(users).where(eq(users.id, cassaId));
    await shown(row.getByText(`Bloccato fino alle ${romeTime(locked!.lockedUntil!, 'it-IT')}`));
    await shown(row.getByText('5 accessi falliti'));
    await screenshot(admin, 'staff-users-locked');

    await row.getByRole('button', { name: `Sblocca ${CASSA.name}` }).click();
    await shown(admin.getByRole('status').getByText(`${CASSA.name} può di nuovo accedere.`));
    await gone(row.getByText(/Bloccato fino alle/));
    const [unlocked] = await db().select().from(users).where(eq(users.id, cassaId));
    expect(unlocked).toMatchObject({ failedLogins: 0, lockedUntil: null });

    await staff.getByRole('button', { name: 'Sign in', exact: true }).click();
    await shown(staff.getByText(`Signed in as ${CASSA.name} (Box office)`));
  });

  it('3. My account lists where the admin is signed in; one session and then all others end', async () => {
    await otherDevice(PHONE);
    await otherDevice(IPHONE);
    await admin.getByRole('link', { name: 'Il mio account' }).click();
    await shown(admin.getByRole('heading', { level: 1, name: 'Il mio account' }));
    const rows = admin.getByRole('row');
    await shown(rows.filter({ hasText: 'Chrome su Android' }));
    await shown(rows.filter({ hasText: 'Safari su iPhone' }));
    await shown(rows.filter({ hasText: 'Questo dispositivo' }));
    expect(await rows.count()).toBe(4); // the header and three sessions
    await screenshot(admin, 'staff-account-sessions');

    await rows.filter({ hasText: 'Safari su iPhone' }).getByRole('button', { name: /Chiudi/ }).click();
    await shown(admin.getByRole('status').getByText('Sessione chiusa: quel dispositivo è disconnesso.'));
    await gone(rows.filter({ hasText: 'Safari su iPhone' }));

    await admin.getByRole('button', { name: 'Chiudi tutte le altre sessioni' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Chiudere tutte le altre sessioni?' });
    await dialog.getByRole('button', { name: 'Chiudi tutte le altre sessioni' }).click();
    await shown(admin.getByRole('status').getByText('1 altra sessione chiusa.'));
    await shown(admin.getByText('Hai effettuato l’accesso solo qui.'));
    expect(await rows.count()).toBe(2);
  });

  it('4. an admin ends every session of the box-office account from Users', async () => {
    await admin.goto('/admin/users');
    const row = admin.getByRole('row').filter({ hasText: CASSA.email });
    await row.getByRole('button', { name: `Chiudi sessioni ${CASSA.name}` }).click();
    const dialog = admin.getByRole('dialog', { name: `Chiudere tutte le sessioni di ${CASSA.name}?` });
    await dialog.getByRole('button', { name: 'Chiudi tutte le sessioni' }).click();
    await shown(admin.getByRole('status').getByText('1 sessione chiusa.'));

    await staff.reload();
    await shown(staff.getByRole('button', { name: 'Sign in', exact: true }));
  });
});
