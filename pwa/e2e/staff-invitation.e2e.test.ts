import { eq } from 'drizzle-orm';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../../server/src/db/seed-demo.js';
import { staffTokens, users } from '../../server/src/db/schema.js';
import { hashToken } from '../../server/src/lib/tokens.js';
import { linkIn, screenshot, startStack, type Stack } from './harness.js';

/*
 * A new staff member in a real browser, from the invitation to a forgotten password: the admin
 * invites them by email (the default of the "New user" form), the email reaches the SMTP
 * mailbox of the test, they choose a password (a common one is refused in words first), sign
 * in; later they forget it, ask for a link from the sign-in page, choose a new one, and only the
 * new one opens the door. Screenshots: staff-invite-*.png and staff-reset-*.png.
 */

const NEWCOMER = { email: 'marta.cassa@azionelab.local', name: 'Marta Cassa' };
const FIRST = 'una sera a teatro con Marta';
const SECOND = 'il sipario si alza alle nove';
const LINK = /https?:\/\/\S+\/admin\/set-password#token=[A-Za-z0-9_-]+(?:&reset=1)?/;

const shown = (locator: Locator) => locator.waitFor({ state: 'visible' });
const gone = (locator: Locator) => locator.waitFor({ state: 'hidden' });

describe('staff invitation and password reset in a browser', () => {
  let stack: Stack;
  let adminContext: BrowserContext;
  let admin: Page;
  let newcomer: BrowserContext;
  let page: Page;
  const db = () => stack.runtime.services.database.db;

  /** Into test-results/screenshots/; the ones in docs/screenshots/ were copied from there by hand. */
  const photo = (target: Page, name: string) => screenshot(target, name);

  async function signInThroughPage(target: Page, email: string, password: string) {
    await target.goto('/admin/');
    await shown(target.getByRole('heading', { level: 1, name: 'Staff sign-in' }));
    await target.getByLabel('Email').fill(email);
    await target.getByLabel('Password').fill(password);
    await target.getByRole('button', { name: 'Sign in' }).click();
  }

  beforeAll(async () => {
    stack = await startStack();
    adminContext = await stack.newContext();
    adminContext.setDefaultTimeout(15_000);
    admin = await adminContext.newPage();
    newcomer = await stack.newContext({ width: 480, height: 900 });
    newcomer.setDefaultTimeout(15_000);
    page = await newcomer.newPage();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('1. the admin invites a new colleague by email (the default)', async () => {
    await signInThroughPage(admin, DEMO_ADMIN.email, DEMO_ADMIN.password);
    await shown(admin.getByRole('heading', { level: 1, name: 'Dashboard' }));
    await admin.goto('/admin/users');
    await admin.getByRole('button', { name: 'New user' }).click();
    const dialog = admin.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Email', { exact: true }).fill(NEWCOMER.email);
    await dialog.getByLabel('Name').fill(NEWCOMER.name);
    await dialog.getByLabel('Role').selectOption({ label: 'Box office: reservations and the dashboard' });
    expect(await dialog.getByLabel('Invite by email: they choose their own password').isChecked()).toBe(true);
    expect(await dialog.getByLabel('Password', { exact: true }).count()).toBe(0);
    await photo(admin, 'staff-invite-1-form');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await gone(dialog);
    const row = admin.getByRole('row').filter({ hasText: NEWCOMER.name });
    await shown(row.getByText('Invited'));
    await shown(row.getByRole('button', { name: `Resend invitation: ${NEWCOMER.name}` }).or(row.getByRole('button', { name: 'Resend invitation' })));
    await photo(admin, 'staff-invite-2-users');
  });

  it('2. the invitation arrives by email; a common password is refused in words; a good one is saved', async () => {
    const mail = await stack.mailbox.waitFor(NEWCOMER.email, /^Benvenuto in AzioneLab Tickets$/);
    expect(mail.text).toContain('Demo admin');
    const link = linkIn(mail, LINK);
    const token = new URLSearchParams(new URL(link).hash.slice(1)).get('token')!;
    const [user] = await db().select().from(users).where(eq(users.email, NEWCOMER.email));
    const rows = await db().select().from(staffTokens).where(eq(staffTokens.userId, user!.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ purpose: 'invitation', tokenHash: hashToken(token), usedAt: null });

    await page.goto(link);
    await shown(page.getByRole('heading', { level: 1, name: 'Choose your password' }));
    // The token left the address bar once read.
    expect(page.url()).not.toContain('token=');
    await page.getByLabel('New password', { exact: true }).fill('Password1234');
    await page.getByLabel('Repeat the password').fill('Password1234');
    await page.getByRole('button', { name: 'Save the password' }).click();
    await shown(page.getByText('This password is too common: it appears in lists of breached passwords. Choose another.'));
    await photo(page, 'staff-invite-3-refused');

    await page.getByLabel('New password', { exact: true }).fill(FIRST);
    await page.getByLabel('Repeat the password').fill(FIRST);
    await page.getByRole('button', { name: 'Save the password' }).click();
    await shown(page.getByText('Your password is saved. Sign in with it now.'));
    await photo(page, 'staff-invite-4-done');
  });

  it('3. the newcomer signs in with the password they chose', async () => {
    await page.getByRole('link', { name: 'Sign in' }).click();
    await shown(page.getByRole('heading', { level: 1, name: 'Staff sign-in' }));
    await page.getByLabel('Email').fill(NEWCOMER.email);
    await page.getByLabel('Password').fill(FIRST);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await shown(page.getByRole('heading', { level: 1, name: 'Dashboard' }));
  });

  it('4. the door sign-in also leads to "forgot password"', async () => {
    const door = await newcomer.newPage();
    await door.goto('/door/');
    const forgot = door.getByRole('link', { name: 'Forgot your password?' });
    await shown(forgot);
    expect(await forgot.getAttribute('href')).toBe('/admin/forgot-password');
    await photo(door, 'staff-reset-0-door-sign-in');
    await door.close();
  });

  it('5. forgotten: a reset link from the sign-in page; the new password works, the old one no more, and other sessions end', async () => {
    const other = await stack.newContext({ width: 480, height: 900 });
    other.setDefaultTimeout(15_000);
    const forgetful = await other.newPage();
    await forgetful.goto('/admin/');
    await forgetful.getByLabel('Email').fill(NEWCOMER.email);
    await forgetful.getByRole('link', { name: 'Forgot your password?' }).click();
    await shown(forgetful.getByRole('heading', { level: 1, name: 'Forgot your password?' }));
    expect(await forgetful.getByLabel('Email').inputValue()).toBe(NEWCOMER.email);
    await forgetful.getByRole('button', { name: 'Send the link' }).click();
    await shown(forgetful.getByText(/If the address belongs to a staff account, a link is on its way/));
    await photo(forgetful, 'staff-reset-1-sent');

    const mail = await stack.mailbox.waitFor(NEWCOMER.email, /Reset your password/);
    const link = linkIn(mail, LINK);
    expect(link).toMatch(/&reset=1$/);
    await forgetful.goto(link);
    await shown(forgetful.getByRole('heading', { level: 1, name: 'Choose a new password' }));
    await forgetful.getByLabel('New password', { exact: true }).fill(SECOND);
    await forgetful.getByLabel('Repeat the password').fill(`${SECOND}!`);
    await forgetful.getByRole('button', { name: 'Save the password' }).click();
    await shown(forgetful.getByText('The two passwords are different.'));
    await forgetful.getByLabel('Repeat the password').fill(SECOND);
    await photo(forgetful, 'staff-reset-2-form');
    await forgetful.getByRole('button', { name: 'Save the password' }).click();
    await shown(forgetful.getByText('Your password is saved. Sign in with it now.'));

    // The session of step 3 ended with the reset.
    expect((await newcomer.request.get('/api/auth/me')).status()).toBe(401);

    await signInThroughPage(forgetful, NEWCOMER.email, FIRST);
    await shown(forgetful.getByRole('alert').getByText('Wrong email or password, or the account is disabled.'));
    await forgetful.getByLabel('Password').fill(SECOND);
    await forgetful.getByRole('button', { name: 'Sign in' }).click();
    await shown(forgetful.getByRole('heading', { level: 1, name: 'Dashboard' }));
    await photo(forgetful, 'staff-reset-3-signed-in');

    // The same link a second time: used up, said in words (known once the form is sent).
    const again = await other.newPage();
    await again.goto(link);
    await again.getByLabel('New password', { exact: true }).fill('yet another evening out');
    await again.getByLabel('Repeat the password').fill('yet another evening out');
    await again.getByRole('button', { name: 'Save the password' }).click();
    await shown(again.getByText('This link does not work any more: it has been used already, or a newer one was sent. Ask for a new link.'));
    await photo(again, 'staff-reset-4-used-link');
    await other.close();
  });
});
