import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions, users, venues } from '../db/schema.js';
import { aPerformance, aUser, createTestContext, guest, loggedIn, PASSWORD, type TestContext, type TestResponse } from '../test/harness.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const COOKIE_NAME = 'azionelab_session';
const DAY = 86_400_000;

/** Computed here, not with the server's helper: the test pins the storage format itself. */
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const sessionCookies = (response: TestResponse) =>
  response.headers.getSetCookie().filter((cookie) => cookie.startsWith(`${COOKIE_NAME}=`));

const tokenOf = (cookie: string) => cookie.split(';')[0]!.slice(COOKIE_NAME.length + 1);

const login = (email: string, password: string, options: { ip?: string; origin?: string | null } = {}) =>
  ctx.client.post('/api/auth/login', { email, password }, options);

const me = (cookie?: string) => ctx.client.get('/api/auth/me', cookie ? { cookie } : {});

async function sessionRow(token: string) {
  const rows = await ctx.services.database.db.select().from(sessions).where(eq(sessions.id, sha256Hex(token)));
  return rows[0];
}

describe('POST /api/auth/login', () => {
  it('answers the user and sets an HttpOnly, SameSite=Lax, Secure session cookie', async () => {
    const user = await aUser(ctx, 'box_office');
    const response = await login(user.email, PASSWORD);

    expect(response.status).toBe(200);
    expect(response.body.user).toEqual({ id: user.id, email: user.email, display_name: user.displayName, role: 'box_office' });
    expect(Date.parse(response.body.expires_at)).toBeGreaterThan(Date.now() + 29 * DAY);
    const [cookie] = sessionCookies(response);
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    expect(tokenOf(cookie!)).toMatch(/^[a-z2-7]{32}$/);
    expect(response.text).not.toContain(tokenOf(cookie!));
  });

  it('treats the email case-insensitively', async () => {
    const user = await aUser(ctx, 'door');
    const response = await login(user.email.toUpperCase(), PASSWORD);
    expect(response.status).toBe(200);
    expect(response.body.user.id).toBe(user.id);
  });

  it('answers 401 invalid_credentials to a wrong password and to an unknown email alike, with no cookie', async () => {
    const user = await aUser(ctx, 'admin');
    const wrongPassword = await login(user.email, 'not the password at all');
    const unknownEmail = await login('nobody@azionelab.test', PASSWORD);

    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.status).toBe(401);
      expect(response.body.status).toBe('invalid_credentials');
      expect(sessionCookies(response)).toEqual([]);
    }
    expect(wrongPassword.body.detail).toBe(unknownEmail.body.detail);
    const rows = await ctx.services.database.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(rows).toHaveLength(0);
  });

  it('refuses an inactive user even with the right password', async () => {
    const user = await aUser(ctx, 'admin', { active: false });
    const response = await login(user.email, PASSWORD);
    expect(response.status).toBe(401);
    expect(response.body.status).toBe('invalid_credentials');
    expect(sessionCookies(response)).toEqual([]);
    const rows = await ctx.services.database.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(rows).toHaveLength(0);
  });
});

describe('GET /api/auth/me', () => {
  it('answers 401 not_authenticated without a cookie', async () => {
    const response = await me();
    expect(response.status).toBe(401);
    expect(response.body.status).toBe('not_authenticated');
  });

  it('answers 401 not_authenticated to a made-up cookie', async () => {
    const response = await me(`${COOKIE_NAME}=${'a'.repeat(32)}`);
    expect(response.status).toBe(401);
    expect(response.body.status).toBe('not_authenticated');
  });

  it('answers the logged-in user', async () => {
    const { user, cookie } = await loggedIn(ctx, 'content');
    const response = await me(cookie);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ user: { id: user.id, email: user.email, display_name: user.displayName, role: 'content' } });
  });
});

describe('POST /api/auth/logout', () => {
  it('answers 204, deletes the session row, and the cookie no longer works', async () => {
    const { cookie } = await loggedIn(ctx, 'door');
    const token = tokenOf(cookie);
    expect(await sessionRow(token)).toBeDefined();

    const response = await ctx.client.post('/api/auth/logout', undefined, { cookie });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    const cleared = sessionCookies(response);
    expect(cleared).toHaveLength(1);
    expect(cleared[0]).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);

    expect(await sessionRow(token)).toBeUndefined();
    const after = await me(cookie);
    expect(after.status).toBe(401);
    expect(after.body.status).toBe('not_authenticated');
  });

  it('ends only this session, not the user’s other sessions', async () => {
    const user = await aUser(ctx, 'box_office');
    const first = await ctx.client.login(user.email, PASSWORD);
    const second = await ctx.client.login(user.email, PASSWORD);
    expect((await ctx.client.post('/api/auth/logout', undefined, { cookie: first })).status).toBe(204);
    expect((await me(first)).status).toBe(401);
    expect((await me(second)).status).toBe(200);
  });

  it('answers 204 without a session too', async () => {
    const response = await ctx.client.post('/api/auth/logout');
    expect(response.status).toBe(204);
  });
});

describe('session storage and lifetime', () => {
  it('stores only the SHA-256 of the cookie token as the session id', async () => {
    const { user, cookie } = await loggedIn(ctx, 'admin');
    const token = tokenOf(cookie);
    const rows = await ctx.services.database.db.select().from(sessions).where(eq(sessions.userId, user.id));

    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(sha256Hex(token));
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/);
    const everything = await ctx.services.database.db.select().from(sessions);
    expect(JSON.stringify(everything)).not.toContain(token);
    expect(everything.some((row) => row.id === token)).toBe(false);
  });

  it('does not re-send the cookie while the session is young', async () => {
    const { cookie } = await loggedIn(ctx, 'door');
    const response = await me(cookie);
    expect(response.status).toBe(200);
    expect(sessionCookies(response)).toEqual([]);
  });

  it('slides: a session near its end is extended to a full lifetime and the cookie is sent again', async () => {
    const { cookie } = await loggedIn(ctx, 'door');
    const token = tokenOf(cookie);
    const { db } = ctx.services.database;
    await db.update(sessions).set({ expiresAt: new Date(Date.now() + 60 * 60_000) }).where(eq(sessions.id, sha256Hex(token)));

    const response = await me(cookie);
    expect(response.status).toBe(200);
    const [renewed] = sessionCookies(response);
    expect(renewed).toBeDefined();
    expect(tokenOf(renewed!)).toBe(token);
    expect(renewed).toMatch(/;\s*HttpOnly/i);
    const expires = /Expires=([^;]+)/i.exec(renewed!)?.[1];
    expect(Date.parse(expires!)).toBeGreaterThan(Date.now() + 29 * DAY);
    const row = await sessionRow(token);
    expect(row!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
  });

  it('refuses an expired session and clears the cookie', async () => {
    const { cookie } = await loggedIn(ctx, 'admin');
    await ctx.services.database.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, sha256Hex(tokenOf(cookie))));

    const response = await me(cookie);
    expect(response.status).toBe(401);
    expect(response.body.status).toBe('not_authenticated');
    expect(sessionCookies(response)[0]).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    const admin = await ctx.client.get('/api/admin/venues', { cookie });
    expect(admin.status).toBe(401);
  });

  it('ends the sessions of a deactivated user at once', async () => {
    const { user, cookie } = await loggedIn(ctx, 'admin');
    expect((await ctx.client.get('/api/admin/venues', { cookie })).status).toBe(200);

    await ctx.services.database.db.update(users).set({ active: false }).where(eq(users.id, user.id));

    const meResponse = await me(cookie);
    expect(meResponse.status).toBe(401);
    expect(meResponse.body.status).toBe('not_authenticated');
    const admin = await ctx.client.get('/api/admin/venues', { cookie });
    expect(admin.status).toBe(401);
    expect(admin.body.status).toBe('not_authenticated');
    const write = await ctx.client.post('/api/admin/venues', { name: 'Sala Fantasma', capacity: 10 }, { cookie });
    expect(write.status).toBe(401);
    const created = await ctx.services.database.db.select().from(venues).where(eq(venues.name, 'Sala Fantasma'));
    expect(created).toHaveLength(0);
  });
});

// Sign-in limits (failures per account and per address) are in sign-in-limits.test.ts.

describe('CSRF: Origin check on unsafe requests that carry a session', () => {
  it('refuses a POST with a session cookie from a foreign origin or with no Origin', async () => {
    const { cookie } = await loggedIn(ctx, 'content');
    for (const origin of ['https://evil.example', 'http://tickets.azionelab.example', 'null', null]) {
      const name = `Sala CSRF ${String(origin)}`;
      const response = await ctx.client.post('/api/admin/venues', { name, capacity: 10 }, { cookie, origin });
      expect(response.status).toBe(403);
      expect(response.body.status).toBe('origin_not_allowed');
      const created = await ctx.services.database.db.select().from(venues).where(eq(venues.name, name));
      expect(created).toHaveLength(0);
    }
  });

  it('refuses a PATCH with a session cookie from a foreign origin or with no Origin', async () => {
    const { cookie } = await loggedIn(ctx, 'content');
    const { venue } = await aPerformance(ctx);
    for (const origin of ['https://evil.example', null]) {
      const response = await ctx.client.patch(`/api/admin/venues/${venue.id}`, { capacity: 1 }, { cookie, origin });
      expect(response.status).toBe(403);
      expect(response.body.status).toBe('origin_not_allowed');
    }
    const [row] = await ctx.services.database.db.select().from(venues).where(eq(venues.id, venue.id));
    expect(row!.capacity).toBe(venue.capacity);
  });

  it('refuses logout from a foreign origin, keeping the session alive', async () => {
    const { cookie } = await loggedIn(ctx, 'door');
    const response = await ctx.client.post('/api/auth/logout', undefined, { cookie, origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(response.body.status).toBe('origin_not_allowed');
    expect(await sessionRow(tokenOf(cookie))).toBeDefined();
    expect((await me(cookie)).status).toBe(200);
  });

  it('lets the same requests through from the trusted origin', async () => {
    const { cookie } = await loggedIn(ctx, 'content');
    const created = await ctx.client.post('/api/admin/venues', { name: 'Sala Fidata', capacity: 10 }, { cookie, origin: 'https://tickets.azionelab.example' });
    expect(created.status).toBe(201);
    const patched = await ctx.client.patch(`/api/admin/venues/${created.body.id}`, { capacity: 12 }, { cookie });
    expect(patched.status).toBe(200);
    expect(patched.body.capacity).toBe(12);
  });

  it('accepts an origin listed in TRUSTED_ORIGINS', async () => {
    const app = ctx.withEnv({ TRUSTED_ORIGINS: 'https://door.azionelab.example/' });
    const user = await aUser(ctx, 'content');
    const cookie = await app.client.login(user.email, PASSWORD);
    const response = await app.client.post('/api/admin/venues', { name: 'Sala Porta', capacity: 5 }, { cookie, origin: 'https://door.azionelab.example' });
    expect(response.status).toBe(201);
  });

  it('does not block a request without a cookie and without Origin (not a browser session)', async () => {
    const { performance } = await aPerformance(ctx);
    const booking = await ctx.client.post(`/api/performances/${performance.id}/reservations`, guest(), { origin: null });
    expect(booking.status).toBe(201);
    const user = await aUser(ctx, 'door');
    const loginResponse = await login(user.email, PASSWORD, { origin: null });
    expect(loginResponse.status).toBe(200);
    const anonymousAdmin = await ctx.client.post('/api/admin/venues', { name: 'Sala Anonima', capacity: 1 }, { origin: null });
    expect(anonymousAdmin.status).toBe(401);
    expect(anonymousAdmin.body.status).toBe('not_authenticated');
  });

  it('refuses a login posted from a foreign origin (login CSRF)', async () => {
    const user = await aUser(ctx, 'door');
    const response = await login(user.email, PASSWORD, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(response.body.status).toBe('origin_not_allowed');
    expect(sessionCookies(response)).toEqual([]);
  });

  it('does not apply to safe methods', async () => {
    const { cookie } = await loggedIn(ctx, 'door');
    const response = await ctx.client.get('/api/auth/me', { cookie, headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(200);
  });
});
