import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, users } from '../db/schema.js';
import { aUser, createTestContext, loggedIn, PASSWORD, type TestClient, type TestContext } from '../test/harness.js';
import { lockMinutes } from './auth-service.js';

/*
 * Sign-in limits (issue 15): only failures count. Per account, failures in a row on the user row,
 * and from the fifth a growing wait (1, 2, 4 … 15 minutes) during which even the right password
 * is refused; per client address, failed sign-ins in the hour. Each test runs an app with its own
 * clock on the shared database, so waits pass without sleeping.
 */

let ctx: TestContext;
let adminCookie: string;
beforeAll(async () => {
  ctx = await createTestContext();
  adminCookie = (await loggedIn(ctx, 'admin')).cookie;
});
afterAll(() => ctx.close());

const MINUTE = 60_000;
const WRONG = 'not the password at all';

/** An app on the same database whose clock the test moves. */
function clockedApp(env: Record<string, string> = {}) {
  let nowMs = Date.now();
  const app = ctx.withEnv(env, { now: () => new Date(nowMs) });
  return {
    client: app.client,
    advance: (ms: number) => {
      nowMs += ms;
    },
    now: () => new Date(nowMs),
  };
}

const signIn = (client: TestClient, email: string, password: string, ip = '198.51.100.1', userAgent?: string) =>
  client.post('/api/auth/login', { email, password }, { ip, ...(userAgent && { headers: { 'user-agent': userAgent } }) });

const userRow = async (id: number) => (await ctx.services.database.db.select().from(users).where(eq(users.id, id)))[0]!;

const auditOf = (action: string, userId: number) =>
  ctx.services.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.entityType, 'user'), eq(auditLog.entityId, userId)))
    .orderBy(auditLog.id);

describe('per account: only failures in a row count', () => {
  it('4 successes and 5 failures: the right password waits one minute, then works', async () => {
    const { client, advance, now } = clockedApp();
    const user = await aUser(ctx, 'door');
    for (let i = 0; i < 4; i += 1) expect((await signIn(client, user.email, PASSWORD)).status).toBe(200);
    for (let i = 0; i < 5; i += 1) {
      const failed = await signIn(client, user.email, WRONG);
      expect(failed.status).toBe(401);
      expect(failed.body.status).toBe('invalid_credentials');
    }
    const row = await userRow(user.id);
    expect(row.failedLogins).toBe(5);
    expect(row.lockedUntil!.getTime()).toBe(now().getTime() + MINUTE);

    const refused = await signIn(client, user.email, PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body.status).toBe('rate_limited');
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.body).toMatchObject({ retry_after: 60, locked_until: row.lockedUntil!.toISOString() });
    expect(refused.headers.getSetCookie()).toEqual([]);

    advance(30_000);
    const stillWaiting = await signIn(client, user.email, PASSWORD);
    expect(stillWaiting.status).toBe(429);
    expect(stillWaiting.headers.get('retry-after')).toBe('30');

    advance(30_001);
    const welcome = await signIn(client, user.email, PASSWORD);
    expect(welcome.status).toBe(200);
    expect(await userRow(user.id)).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('a success clears the count: 4 failures, a success, 4 failures never wait', async () => {
    const { client } = clockedApp();
    const user = await aUser(ctx, 'box_office');
    for (let i = 0; i < 4; i += 1) expect((await signIn(client, user.email, WRONG)).status).toBe(401);
    expect((await userRow(user.id)).failedLogins).toBe(4);
    expect((await signIn(client, user.email, PASSWORD)).status).toBe(200);
    expect((await userRow(user.id)).failedLogins).toBe(0);
    for (let i = 0; i < 4; i += 1) expect((await signIn(client, user.email, WRONG)).status).toBe(401);
    expect((await signIn(client, user.email, PASSWORD)).status).toBe(200);
    expect(await userRow(user.id)).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('the wait grows 1, 2, 4, 8 minutes and stops at 15; tries during a wait do not count', async () => {
    const { client, advance, now } = clockedApp();
    const user = await aUser(ctx, 'admin');
    for (let i = 0; i < 4; i += 1) await signIn(client, user.email, WRONG);
    const waits: number[] = [];
    for (let failure = 5; failure <= 11; failure += 1) {
      expect((await signIn(client, user.email, WRONG)).status).toBe(401);
      const row = await userRow(user.id);
      expect(row.failedLogins).toBe(failure);
      const waitMs = row.lockedUntil!.getTime() - now().getTime();
      waits.push(waitMs / MINUTE);
      // Knocking during the wait, even with the right password, neither opens nor counts.
      const knock = await signIn(client, user.email, WRONG);
      expect(knock.status).toBe(429);
      expect(Number(knock.headers.get('retry-after'))).toBe(waitMs / 1000);
      expect((await signIn(client, user.email, PASSWORD)).status).toBe(429);
      expect((await userRow(user.id)).failedLogins).toBe(failure);
      advance(waitMs);
    }
    expect(waits).toEqual([1, 2, 4, 8, 15, 15, 15]);
    expect((await signIn(client, user.email, PASSWORD)).status).toBe(200);
  });

  it('lockMinutes: nothing before the fifth failure, then doubling up to 15', () => {
    expect([0, 1, 4, 5, 6, 7, 8, 9, 10, 50].map(lockMinutes)).toEqual([0, 0, 0, 1, 2, 4, 8, 15, 15, 15]);
  });

  it('an unknown email gets the same answers as a wrong password, and never a wait', async () => {
    const { client } = clockedApp();
    const user = await aUser(ctx, 'door');
    const wrong = await signIn(client, user.email, WRONG);
    const email = `nobody-${user.id}@azionelab.test`;
    for (let i = 0; i < 8; i += 1) {
      const unknown = await signIn(client, email, PASSWORD);
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
    }
  });
});

describe('per address: failed sign-ins only', () => {
  it('successes never count; failures do, and past the limit the address waits for the next window', async () => {
    const { client } = clockedApp({ THROTTLE_LOGIN_IP: '3/hour' });
    const ip = '203.0.113.40';
    const user = await aUser(ctx, 'door');
    for (let i = 0; i < 20; i += 1) expect((await signIn(client, user.email, PASSWORD, ip)).status).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await signIn(client, `guess-${i}@azionelab.test`, WRONG, ip)).status).toBe(401);

    const blocked = await signIn(client, user.email, PASSWORD, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.body.status).toBe('rate_limited');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(blocked.body.retry_after).toBe(retryAfter);
    expect(blocked.body.locked_until).toBeUndefined();
    expect(blocked.headers.getSetCookie()).toEqual([]);

    expect((await signIn(client, user.email, PASSWORD, '203.0.113.41')).status).toBe(200);
  });

  it('the default allows 100 failures an hour from one address', async () => {
    const { client } = clockedApp({ THROTTLE_LOGIN_IP: '100/hour' });
    const ip = '203.0.113.42';
    const user = await aUser(ctx, 'door');
    for (let i = 0; i < 100; i += 1) expect((await signIn(client, `typo-${i}@azionelab.test`, WRONG, ip)).status).toBe(401);
    expect((await signIn(client, user.email, PASSWORD, ip)).status).toBe(429);
  });
});

describe('showtime', () => {
  it('60 successful sign-ins from the theatre’s one address within 10 minutes (10 users × 6 devices) all succeed', async () => {
    // Default limits: what a venue gets out of the box.
    const { client, advance } = clockedApp({ THROTTLE_LOGIN_IP: '100/hour' });
    const ip = '192.0.2.99';
    const staff = await Promise.all(Array.from({ length: 10 }, (_, i) => aUser(ctx, i === 0 ? 'box_office' : 'door')));
    const statuses: number[] = [];
    for (let device = 0; device < 6; device += 1) {
      for (const user of staff) {
        // Phones at the door: now and then a typo first, which must not hold anyone up.
        if (device === 0) expect((await signIn(client, user.email, WRONG, ip)).status).toBe(401);
        const response = await signIn(client, user.email, PASSWORD, ip, `Mozilla/5.0 (Linux; Android 14; Phone ${device}) Chrome/131.0 Mobile`);
        statuses.push(response.status);
        advance(9_000);
      }
    }
    expect(statuses).toEqual(Array.from({ length: 60 }, () => 200));
    for (const user of staff) expect(await userRow(user.id)).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });
});

describe('audit of failed sign-ins', () => {
  it('records the email tried and the address, never the password; the fifth also records the wait', async () => {
    const { client } = clockedApp();
    const user = await aUser(ctx, 'content');
    const secret = 'Tr0ub4dor&3-typo';
    for (let i = 0; i < 5; i += 1) await signIn(client, ` ${user.email.toUpperCase()} `, secret, '198.51.100.77');
    const failures = await auditOf('auth.login_failed', user.id);
    expect(failures).toHaveLength(5);
    expect(failures[0]).toMatchObject({ actorUserId: null, entityType: 'user', entityId: user.id });
    expect(failures[0]!.details).toMatchObject({ email_tried: user.email, ip: '198.51.100.77' });
    const locked = await auditOf('auth.locked', user.id);
    expect(locked).toHaveLength(1);
    expect(locked[0]!.details).toMatchObject({
      changes: [
        { field: 'failed_logins', before: 4, after: 5 },
        { field: 'locked_until', before: null, after: expect.any(String) },
      ],
    });

    const unknownEmail = `ghost-${user.id}@azionelab.test`;
    await signIn(client, unknownEmail, secret, '198.51.100.78');
    const ghost = (await ctx.services.database.db.select().from(auditLog).where(eq(auditLog.action, 'auth.login_failed'))).filter(
      (row) => (row.details as { email_tried?: string } | null)?.email_tried === unknownEmail,
    );
    expect(ghost).toHaveLength(1);
    expect(ghost[0]).toMatchObject({ entityType: 'user', entityId: null, actorUserId: null });

    const everything = JSON.stringify(await ctx.services.database.db.select().from(auditLog));
    expect(everything).not.toContain(secret);
  });
});

describe('POST /api/admin/users/:id/unlock', () => {
  async function lockedUser() {
    const { client } = clockedApp();
    const user = await aUser(ctx, 'door');
    for (let i = 0; i < 5; i += 1) await signIn(client, user.email, WRONG);
    return user;
  }

  it('the Users list shows the wait; an admin unlocks and the user signs in at once', async () => {
    const user = await lockedUser();
    expect((await signIn(ctx.client, user.email, PASSWORD)).status).toBe(429);

    const list = await ctx.client.get('/api/admin/users', { cookie: adminCookie });
    const listed = (list.body as { id: number; failed_logins: number; locked_until: string | null }[]).find((u) => u.id === user.id)!;
    expect(listed.failed_logins).toBe(5);
    expect(Date.parse(listed.locked_until!)).toBeGreaterThan(Date.now());

    const unlocked = await ctx.client.post(`/api/admin/users/${user.id}/unlock`, undefined, { cookie: adminCookie });
    expect(unlocked.status).toBe(200);
    expect(unlocked.body).toMatchObject({ id: user.id, failed_logins: 0, locked_until: null });
    expect((await signIn(ctx.client, user.email, PASSWORD)).status).toBe(200);

    const audit = await auditOf('user.unlock', user.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorUserId).not.toBeNull();
    expect(audit[0]!.details).toMatchObject({
      changes: [
        { field: 'failed_logins', before: 5, after: 0 },
        { field: 'locked_until', before: expect.any(String), after: null },
      ],
    });

    // Unlocking an account that waits for nothing changes nothing and audits nothing.
    expect((await ctx.client.post(`/api/admin/users/${user.id}/unlock`, undefined, { cookie: adminCookie })).status).toBe(200);
    expect(await auditOf('user.unlock', user.id)).toHaveLength(1);
  });

  it('is refused to every other role and answers 404 for an unknown user', async () => {
    const user = await lockedUser();
    for (const role of ['door', 'box_office', 'content'] as const) {
      const { cookie } = await loggedIn(ctx, role);
      const refused = await ctx.client.post(`/api/admin/users/${user.id}/unlock`, undefined, { cookie });
      expect(refused.status).toBe(403);
      expect(refused.body.status).toBe('forbidden');
    }
    expect((await userRow(user.id)).failedLogins).toBe(5);
    const unknown = await ctx.client.post('/api/admin/users/2147483647/unlock', undefined, { cookie: adminCookie });
    expect(unknown.status).toBe(404);
    expect(unknown.body.status).toBe('not_found');
  });
});
