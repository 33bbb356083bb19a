import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionListSchema } from '../../../shared/src/auth-contracts.js';
import { auditLog, sessions } from '../db/schema.js';
import { aUser, createTestContext, loggedIn, PASSWORD, type TestContext } from '../test/harness.js';

/*
 * Each user sees their own sessions (device, address, last seen) and can end any or all of them;
 * an admin can end all of a user's sessions.
 */

let ctx: TestContext;
let adminCookie: string;
beforeAll(async () => {
  ctx = await createTestContext();
  adminCookie = (await loggedIn(ctx, 'admin')).cookie;
});
afterAll(() => ctx.close());

const PHONE = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const LAPTOP = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';

async function signInFrom(email: string, userAgent: string, ip: string, client = ctx.client): Promise<string> {
  const response = await client.post('/api/auth/login', { email, password: PASSWORD }, { ip, headers: { 'user-agent': userAgent } });
  expect(response.status).toBe(200);
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
}

const listOf = async (cookie: string, client = ctx.client) => {
  const response = await client.get('/api/auth/sessions', { cookie });
  expect(response.status).toBe(200);
  return sessionListSchema.parse(response.body).sessions;
};
const me = (cookie: string) => ctx.client.get('/api/auth/me', { cookie });

describe('GET /api/auth/sessions', () => {
  it('lists only the user’s own live sessions with browser, address and last use, marking the current one', async () => {
    const user = await aUser(ctx, 'door');
    const phone = await signInFrom(user.email, PHONE, '203.0.113.5');
    const laptop = await signInFrom(user.email, LAPTOP, '198.51.100.9');
    await signInFrom((await aUser(ctx, 'door')).email, PHONE, '203.0.113.5');

    const list = await listOf(phone);
    expect(list).toHaveLength(2);
    const current = list.find((s) => s.current)!;
    expect(current).toMatchObject({ user_agent: PHONE, ip_address: '203.0.113.5' });
    expect(list.find((s) => !s.current)).toMatchObject({ user_agent: LAPTOP, ip_address: '198.51.100.9' });
    for (const session of list) {
      expect(session.id).toMatch(/^[0-9a-f]{64}$/);
      expect(session.last_seen_at).not.toBeNull();
      // The id is the stored hash: the cookie token itself never appears.
      expect(JSON.stringify(session)).not.toContain(phone.split('=')[1]);
      expect(JSON.stringify(session)).not.toContain(laptop.split('=')[1]);
    }
    expect((await listOf(laptop)).filter((s) => s.current).map((s) => s.user_agent)).toEqual([LAPTOP]);
  });

  it('writes last_seen_at at most once a minute per session', async () => {
    let nowMs = Date.now();
    const app = ctx.withEnv({}, { now: () => new Date(nowMs) });
    const user = await aUser(ctx, 'box_office');
    const cookie = await signInFrom(user.email, PHONE, '203.0.113.6', app.client);
    const lastSeen = async () => (await ctx.services.database.db.select().from(sessions).where(eq(sessions.userId, user.id)))[0]!.lastSeenAt!.getTime();
    const signedInAt = await lastSeen();
    expect(signedInAt).toBe(nowMs);

    nowMs += 30_000;
    expect((await app.client.get('/api/auth/me', { cookie })).status).toBe(200);
    expect(await lastSeen()).toBe(signedInAt);

    nowMs += 31_000;
    expect((await app.client.get('/api/auth/me', { cookie })).status).toBe(200);
    expect(await lastSeen()).toBe(nowMs);
  });

  it('needs a session', async () => {
    const response = await ctx.client.get('/api/auth/sessions');
    expect(response.status).toBe(401);
    expect(response.body.status).toBe('not_authenticated');
  });
});

describe('DELETE /api/auth/sessions/:id', () => {
  it('ends one of the user’s own sessions; someone else’s answers 404 and stays', async () => {
    const user = await aUser(ctx, 'door');
    const phone = await signInFrom(user.email, PHONE, '203.0.113.7');
    const laptop = await signInFrom(user.email, LAPTOP, '203.0.113.7');
    const other = await signInFrom((await aUser(ctx, 'door')).email, PHONE, '203.0.113.7');
    const laptopId = (await listOf(phone)).find((s) => !s.current)!.id;
    const otherId = (await listOf(other))[0]!.id;

    const refused = await ctx.client.request('DELETE', `/api/auth/sessions/${otherId}`, undefined, { cookie: phone });
    expect(refused.status).toBe(404);
    expect(refused.body.status).toBe('not_found');
    expect((await me(other)).status).toBe(200);

    for (const bad of ['nope', 'A'.repeat(64), '0'.repeat(64)]) {
      expect((await ctx.client.request('DELETE', `/api/auth/sessions/${bad}`, undefined, { cookie: phone })).status).toBe(404);
    }

    const ended = await ctx.client.request('DELETE', `/api/auth/sessions/${laptopId}`, undefined, { cookie: phone });
    expect(ended.status).toBe(204);
    expect((await me(laptop)).status).toBe(401);
    expect((await me(phone)).status).toBe(200);
  });

  it('ending the current session signs this browser out', async () => {
    const user = await aUser(ctx, 'content');
    const cookie = await signInFrom(user.email, LAPTOP, '203.0.113.8');
    const [own] = await listOf(cookie);
    const response = await ctx.client.request('DELETE', `/api/auth/sessions/${own!.id}`, undefined, { cookie });
    expect(response.status).toBe(204);
    expect(response.headers.get('set-cookie')).toMatch(/azionelab_session=;/);
    expect((await me(cookie)).status).toBe(401);
  });
});

describe('DELETE /api/auth/sessions', () => {
  it('ends every other session of the user and keeps this one', async () => {
    const user = await aUser(ctx, 'door');
    const keep = await signInFrom(user.email, LAPTOP, '203.0.113.9');
    const others = [await signInFrom(user.email, PHONE, '203.0.113.9'), await signInFrom(user.email, PHONE, '203.0.113.10')];
    const bystander = await signInFrom((await aUser(ctx, 'door')).email, PHONE, '203.0.113.9');

    const response = await ctx.client.request('DELETE', '/api/auth/sessions', undefined, { cookie: keep });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ended: 2 });
    for (const cookie of others) expect((await me(cookie)).status).toBe(401);
    expect((await me(keep)).status).toBe(200);
    expect((await me(bystander)).status).toBe(200);
    expect(await listOf(keep)).toHaveLength(1);
  });
});

describe('POST /api/admin/users/:id/sessions/end', () => {
  it('an admin ends all of a user’s sessions, audited', async () => {
    const user = await aUser(ctx, 'door');
    const cookies = [await signInFrom(user.email, PHONE, '203.0.113.11'), await signInFrom(user.email, LAPTOP, '203.0.113.12')];
    const response = await ctx.client.post(`/api/admin/users/${user.id}/sessions/end`, undefined, { cookie: adminCookie });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ended: 2 });
    for (const cookie of cookies) expect((await me(cookie)).status).toBe(401);
    expect((await me(adminCookie)).status).toBe(200);

    const audit = await ctx.services.database.db.select().from(auditLog).where(eq(auditLog.action, 'user.sessions_revoke'));
    const entry = audit.find((row) => row.entityId === user.id)!;
    expect(entry).toMatchObject({ entityType: 'user' });
    expect(entry.actorUserId).not.toBeNull();
    expect(entry.details).toMatchObject({ changes: [{ field: 'sessions', before: 2, after: 0 }] });
  });

  it('is for admins only and answers 404 for an unknown user', async () => {
    const user = await aUser(ctx, 'door');
    const cookie = await signInFrom(user.email, PHONE, '203.0.113.13');
    for (const role of ['door', 'box_office', 'content'] as const) {
      const refused = await ctx.client.post(`/api/admin/users/${user.id}/sessions/end`, undefined, { cookie: (await loggedIn(ctx, role)).cookie });
      expect(refused.status).toBe(403);
    }
    expect((await me(cookie)).status).toBe(200);
    const unknown = await ctx.client.post('/api/admin/users/2147483647/sessions/end', undefined, { cookie: adminCookie });
    expect(unknown.status).toBe(404);
  });
});
