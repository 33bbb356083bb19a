import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, mailOutbox, sessions, staffTokens, users } from '../db/schema.js';
import { hashToken } from '../lib/tokens.js';
import { aUser, createTestContext, loggedIn, PASSWORD, tokenFromUrl, type TestContext } from '../test/harness.js';

let ctx: TestContext;
let admin: { user: typeof users.$inferSelect; cookie: string };
beforeAll(async () => {
  ctx = await createTestContext();
  admin = await loggedIn(ctx, 'admin');
});
afterAll(() => ctx.close());

const GOOD = 'a brand new passphrase 42';
let counter = 0;
const uniqueEmail = (prefix: string) => `${prefix}-${++counter}-${Date.now().toString(36)}@azionelab.test`;
const db = () => ctx.services.database.db;
const login = (email: string, password: string) => ctx.client.post('/api/auth/login', { email, password });
const confirm = (token: string, password: string, client = ctx.client) => client.post('/api/auth/password-reset/confirm', { token, password });
const tokensOf = (userId: number) => db().select().from(staffTokens).where(eq(staffTokens.userId, userId)).orderBy(asc(staffTokens.id));
const outboxTo = (recipient: string) => db().select().from(mailOutbox).where(eq(mailOutbox.recipient, recipient)).orderBy(asc(mailOutbox.id));
/** The user's audit trail, failed sign-ins left out (other tests try wrong passwords on purpose). */
const auditOf = async (userId: number) =>
  (await db().select().from(auditLog).where(and(eq(auditLog.entityType, 'user'), eq(auditLog.entityId, userId))).orderBy(asc(auditLog.id))).filter(
    (entry) => entry.action !== 'auth.login_failed',
  );

/** Delivers the queue and returns the link of the last email sent to `to`. */
async function linkSentTo(to: string): Promise<string> {
  await ctx.services.staffLinks.settled();
  await ctx.services.mailWorker.drain();
  const mail = ctx.mail.sent.filter((m) => m.to === to).at(-1);
  expect(mail, `an email to ${to}`).toBeDefined();
  const link = /https:\/\/\S+\/admin\/set-password#token=[A-Za-z0-9_-]+(?:&reset=1)?/.exec(mail!.text)?.[0];
  expect(link).toBeDefined();
  return link!;
}

async function invite(role = 'door') {
  const email = uniqueEmail('invited');
  const response = await ctx.client.post('/api/admin/users', { email, role, display_name: 'New Colleague' }, { cookie: admin.cookie });
  expect(response.status).toBe(201);
  return { email, body: response.body as { id: number; invitation_pending: boolean } };
}

describe('password rules wherever a password is set', () => {
  it.each([
    ['too short', 'short1234', { code: 'too_short', min: 10 }],
    ['common', 'password1234', { code: 'password_common' }],
    ['common in capitals', 'PASSWORD1234', { code: 'password_common' }],
  ])('the users API refuses a %s password on create and on set', async (_name, password, fieldError) => {
    const created = await ctx.client.post('/api/admin/users', { email: uniqueEmail('weak'), role: 'door', password }, { cookie: admin.cookie });
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ status: 'validation_error', errors: { password: [fieldError] } });
    const target = await aUser(ctx, 'door');
    const set = await ctx.client.post(`/api/admin/users/${target.id}/password`, { password }, { cookie: admin.cookie });
    expect(set.status).toBe(400);
    expect(set.body).toMatchObject({ status: 'validation_error', errors: { password: [fieldError] } });
  });

  it('the users API accepts a good password', async () => {
    const email = uniqueEmail('good');
    const created = await ctx.client.post('/api/admin/users', { email, role: 'door', password: GOOD }, { cookie: admin.cookie });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ invitation_pending: false });
    expect((await login(email, GOOD)).status).toBe(200);
  });

  it('an invitation or a reset refuses a common password and keeps the link usable', async () => {
    const { email } = await invite();
    const token = tokenFromUrl(await linkSentTo(email));
    const refused = await confirm(token, 'Password1234');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ status: 'validation_error', errors: { password: [{ code: 'password_common' }] } });
    expect((await confirm(token, GOOD)).status).toBe(200);
  });
});

describe('invitations', () => {
  it('creates the user without a usable password, stores only the hash of a 48-hour link and emails it', async () => {
    const started = Date.now();
    const { email, body } = await invite('box_office');
    expect(body.invitation_pending).toBe(true);
    // Not able to sign in with anything until they choose a password.
    expect((await login(email, '')).status).toBe(400);
    expect((await login(email, GOOD)).status).toBe(401);

    const link = await linkSentTo(email);
    expect(link.startsWith(`${ctx.env.SITE_BASE_URL}/admin/set-password#token=`)).toBe(true);
    expect(link).not.toContain('reset=1');
    const token = tokenFromUrl(link);
    const [row] = await tokensOf(body.id);
    expect(row).toMatchObject({ purpose: 'invitation', tokenHash: hashToken(token), usedAt: null, createdByUserId: admin.user.id });
    expect(JSON.stringify(await tokensOf(body.id))).not.toContain(token);
    const ttl = row!.expiresAt.getTime() - started;
    expect(ttl).toBeGreaterThan(48 * 3_600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(48 * 3_600_000 + 60_000);
    // The outbox forgot the raw link once the email went out.
    const [queued] = await outboxTo(email);
    expect(queued).toMatchObject({ kind: 'staff_invitation', status: 'sent', payload: {} });
    expect(ctx.mail.sent.filter((m) => m.to === email).at(-1)!.text).toContain('New Colleague');

    const accepted = await confirm(token, GOOD);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ email, role: 'box_office' });
    expect((await login(email, GOOD)).status).toBe(200);
    expect((await ctx.client.get('/api/admin/users', { cookie: admin.cookie })).body).toContainEqual(
      expect.objectContaining({ email, invitation_pending: false }),
    );
    const audit = await auditOf(body.id);
    expect(audit.map((a) => a.action)).toEqual(['user.create', 'user.invite', 'auth.password_reset']);
    expect(audit[2]).toMatchObject({ actorUserId: body.id });
  });

  it('is one-time', async () => {
    const { email } = await invite();
    const token = tokenFromUrl(await linkSentTo(email));
    expect((await confirm(token, GOOD)).status).toBe(200);
    const again = await confirm(token, 'another good passphrase 7');
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ status: 'invalid_token' });
    expect((await login(email, GOOD)).status).toBe(200);
  });

  it('expires after 48 hours', async () => {
    const { email } = await invite();
    const token = tokenFromUrl(await linkSentTo(email));
    const later = ctx.withEnv({}, { now: () => new Date(Date.now() + 48 * 3_600_000 + 60_000) });
    const expired = await confirm(token, GOOD, later.client);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ status: 'expired_token' });
    const justBefore = ctx.withEnv({}, { now: () => new Date(Date.now() + 47 * 3_600_000) });
    expect((await confirm(token, GOOD, justBefore.client)).status).toBe(200);
  });

  it('refuses unknown and malformed tokens', async () => {
    for (const token of ['x'.repeat(43), 'not a token', 'A'.repeat(43)]) {
      const response = await confirm(token, GOOD);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ status: 'invalid_token' });
    }
  });

  it('can be sent again while the user never chose a password: the old link stops working', async () => {
    const { email, body } = await invite();
    const first = tokenFromUrl(await linkSentTo(email));
    const resent = await ctx.client.post(`/api/admin/users/${body.id}/invitation`, undefined, { cookie: admin.cookie });
    expect(resent.status).toBe(202);
    const second = tokenFromUrl(await linkSentTo(email));
    expect(second).not.toBe(first);
    expect((await confirm(first, GOOD)).body).toMatchObject({ status: 'invalid_token' });
    expect((await confirm(second, GOOD)).status).toBe(200);
    expect((await auditOf(body.id)).map((a) => a.action)).toEqual(['user.create', 'user.invite', 'user.invite', 'auth.password_reset']);

    const already = await ctx.client.post(`/api/admin/users/${body.id}/invitation`, undefined, { cookie: admin.cookie });
    expect(already.status).toBe(409);
    const missing = await ctx.client.post('/api/admin/users/999999/invitation', undefined, { cookie: admin.cookie });
    expect(missing.status).toBe(404);
  });

  it('a password set by an admin closes the invitation link', async () => {
    const { email, body } = await invite();
    const token = tokenFromUrl(await linkSentTo(email));
    expect((await ctx.client.post(`/api/admin/users/${body.id}/password`, { password: GOOD }, { cookie: admin.cookie })).status).toBe(204);
    expect((await confirm(token, 'another good passphrase 7')).body).toMatchObject({ status: 'invalid_token' });
    expect((await login(email, GOOD)).status).toBe(200);
  });
});

describe('forgot password', () => {
  const request = (email: string, client = ctx.client, ip?: string) =>
    client.post('/api/auth/password-reset', { email }, ip ? { headers: { 'x-forwarded-for': ip } } : {});

  it('answers 202 for an unknown address and sends nothing', async () => {
    const email = uniqueEmail('nobody');
    const response = await request(email);
    expect(response.status).toBe(202);
    await ctx.services.staffLinks.settled();
    await ctx.services.mailWorker.drain();
    expect(await outboxTo(email)).toEqual([]);
    expect(ctx.mail.sent.filter((m) => m.to === email)).toEqual([]);
  });

  it('writes the reset in the language of the browser that asked for it, the invitation in Italian', async () => {
    const user = await aUser(ctx, 'door');
    const asked = await ctx.client.post('/api/auth/password-reset', { email: user.email }, { headers: { 'accept-language': 'en-GB,en;q=0.9,it;q=0.5' } });
    expect(asked.status).toBe(202);
    await linkSentTo(user.email);
    const reset = ctx.mail.sent.filter((m) => m.to === user.email).at(-1)!;
    expect(reset.subject).toBe('Reset your password');
    expect(reset.text).toMatch(/^Hello /);
    // The other language: the same one-time link, opening the page in Italian.
    expect(reset.text).toMatch(/Italiano: Scegli una nuova password\nhttps:\/\/\S+\/admin\/set-password\?lang=it#token=[\w-]+&reset=1/);

    const { email } = await invite();
    await linkSentTo(email);
    const invitation = ctx.mail.sent.filter((m) => m.to === email).at(-1)!;
    expect(invitation.subject).toBe('Benvenuto in AzioneLab Tickets');
    expect(invitation.text).toMatch(/^Ciao New Colleague,/);
    expect(invitation.text).toContain('English: Choose your password');
  });

  it('answers 202 for a deactivated account and sends nothing', async () => {
    const user = await aUser(ctx, 'door', { active: false });
    expect((await request(user.email)).status).toBe(202);
    await ctx.services.staffLinks.settled();
    expect(await outboxTo(user.email)).toEqual([]);
  });

  it('refuses a malformed request', async () => {
    expect((await ctx.client.post('/api/auth/password-reset', { email: 'not an email' })).status).toBe(400);
    expect((await ctx.client.post('/api/auth/password-reset', {})).status).toBe(400);
    expect((await ctx.client.post('/api/auth/password-reset/confirm', { token: 'x' })).status).toBe(400);
  });

  it('emails a one-time reset link; confirming it sets the password and ends every session', async () => {
    const user = await aUser(ctx, 'door');
    const first = await ctx.client.login(user.email, PASSWORD);
    const second = await ctx.client.login(user.email, PASSWORD);
    expect(await db().select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(2);

    expect((await request(user.email.toUpperCase())).status).toBe(202);
    const link = await linkSentTo(user.email);
    expect(link).toMatch(/#token=[A-Za-z0-9_-]{43}&reset=1$/);
    const token = tokenFromUrl(link);
    expect((await tokensOf(user.id)).at(-1)).toMatchObject({ purpose: 'password_reset', tokenHash: hashToken(token), createdByUserId: null });
    expect((await outboxTo(user.email)).at(-1)).toMatchObject({ kind: 'staff_password_reset', payload: {} });

    // Asking is not changing: the old password works until the link is used.
    expect((await login(user.email, PASSWORD)).status).toBe(200);
    const done = await confirm(token, GOOD);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ email: user.email, role: 'door' });
    expect(await db().select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    for (const cookie of [first, second]) expect((await ctx.client.get('/api/auth/me', { cookie })).status).toBe(401);
    expect((await login(user.email, PASSWORD)).status).toBe(401);
    expect((await login(user.email, GOOD)).status).toBe(200);
    expect((await confirm(token, 'another good passphrase 7')).body).toMatchObject({ status: 'invalid_token' });
    expect((await auditOf(user.id)).at(-1)).toMatchObject({ action: 'auth.password_reset', actorUserId: user.id });
  });

  it('a reset ends the wait of an account locked by wrong guesses', async () => {
    const user = await aUser(ctx, 'door');
    await db().update(users).set({ failedLogins: 7, lockedUntil: new Date(Date.now() + 15 * 60_000) }).where(eq(users.id, user.id));
    expect((await login(user.email, PASSWORD)).status).toBe(429);
    await request(user.email);
    expect((await confirm(tokenFromUrl(await linkSentTo(user.email)), GOOD)).status).toBe(200);
    expect((await db().select().from(users).where(eq(users.id, user.id)))[0]).toMatchObject({ failedLogins: 0, lockedUntil: null });
    expect((await login(user.email, GOOD)).status).toBe(200);
  });

  it('only the newest reset link works', async () => {
    const user = await aUser(ctx, 'content');
    await request(user.email);
    const old = tokenFromUrl(await linkSentTo(user.email));
    await request(user.email);
    const fresh = tokenFromUrl(await linkSentTo(user.email));
    expect((await confirm(old, GOOD)).body).toMatchObject({ status: 'invalid_token' });
    expect((await confirm(fresh, GOOD)).status).toBe(200);
  });

  it('throttles per email silently (no mail bombing) and per address with 429', async () => {
    const tight = ctx.withEnv({ THROTTLE_PASSWORD_RESET_EMAIL: '2/hour', THROTTLE_PASSWORD_RESET_IP: '5/hour', TRUST_PROXY: 'true' });
    const user = await aUser(ctx, 'door');
    // From four addresses: the per-email limit alone stops the mail.
    for (let i = 0; i < 4; i++) expect((await request(user.email, tight.client, `198.51.100.${i + 1}`)).status).toBe(202);
    await tight.services.staffLinks.settled();
    expect(await outboxTo(user.email)).toHaveLength(2);
    const ip = `203.0.113.${++counter % 250}`;
    for (let i = 0; i < 5; i++) expect((await request(uniqueEmail('other'), tight.client, ip)).status).toBe(202);
    const limited = await request(uniqueEmail('other'), tight.client, ip);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ status: 'rate_limited' });
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });
});
