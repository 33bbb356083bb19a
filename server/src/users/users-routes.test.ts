import { and, asc, eq, notLike } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, sessions, users, type UserRole } from '../db/schema.js';
import { aUser, createTestContext, loggedIn, PASSWORD, type TestContext, type TestResponse } from '../test/harness.js';

let ctx: TestContext;
const cookies = {} as Record<UserRole, string>;
const userIds = {} as Record<UserRole, number>;
beforeAll(async () => {
  ctx = await createTestContext();
  for (const role of ['admin', 'content', 'box_office', 'door'] as const) {
    const { user, cookie } = await loggedIn(ctx, role);
    cookies[role] = cookie;
    userIds[role] = user.id;
  }
});
afterAll(() => ctx.close());

const NEW_PASSWORD = 'a brand new passphrase 42';
let counter = 0;
const uniqueEmail = (prefix: string) => `${prefix}-${++counter}-${Date.now().toString(36)}@azionelab.test`;

const me = (cookie: string) => ctx.client.get('/api/auth/me', { cookie });
const login = (email: string, password: string) => ctx.client.post('/api/auth/login', { email, password });
const sessionsOf = (userId: number) => ctx.services.database.db.select().from(sessions).where(eq(sessions.userId, userId));
const userRow = async (id: number) => (await ctx.services.database.db.select().from(users).where(eq(users.id, id)))[0]!;
const auditOf = (userId: number) =>
  ctx.services.database.db
    .select()
    .from(auditLog)
    // Staff changes only: failed sign-ins of the account (auth.*) are tested in auth/sign-in-limits.test.ts.
    .where(and(eq(auditLog.entityType, 'user'), eq(auditLog.entityId, userId), notLike(auditLog.action, 'auth.%')))
    .orderBy(asc(auditLog.id));

type Role = UserRole | 'anonymous';
type Call = (options: { cookie?: string }) => Promise<TestResponse>;

interface RouteCase {
  name: string;
  success: number;
  /** A fresh valid request, so that an admin gets a 2xx. */
  call: () => Promise<Call>;
}

const ROUTES: RouteCase[] = [
  { name: 'GET /api/admin/users', success: 200, call: async () => (o) => ctx.client.get('/api/admin/users', o) },
  {
    name: 'POST /api/admin/users',
    success: 201,
    call: async () => {
      const email = uniqueEmail('matrix');
      return (o) => ctx.client.post('/api/admin/users', { email, password: NEW_PASSWORD, role: 'door' }, o);
    },
  },
  {
    name: 'PATCH /api/admin/users/:id',
    success: 200,
    call: async () => {
      const target = await aUser(ctx, 'door');
      return (o) => ctx.client.patch(`/api/admin/users/${target.id}`, { display_name: 'Renamed' }, o);
    },
  },
  {
    name: 'POST /api/admin/users/:id/password',
    success: 204,
    call: async () => {
      const target = await aUser(ctx, 'door');
      return (o) => ctx.client.post(`/api/admin/users/${target.id}/password`, { password: NEW_PASSWORD }, o);
    },
  },
];

const ROLES: Role[] = ['anonymous', 'admin', 'content', 'box_office', 'door'];

describe('user management permissions', () => {
  it.each(ROUTES.flatMap((route) => ROLES.map((role) => [route.name, role, route] as const)))('%s as %s', async (_name, role, route) => {
    const request = await route.call();
    const response = await request(role === 'anonymous' ? {} : { cookie: cookies[role] });
    if (role === 'anonymous') {
      expect(response.status).toBe(401);
      expect(response.body.status).toBe('not_authenticated');
    } else if (role === 'admin') {
      expect(response.status).toBe(route.success);
    } else {
      expect(response.status).toBe(403);
      expect(response.body.status).toBe('forbidden');
    }
  });

  it('changes nothing when a non-admin tries', async () => {
    const email = uniqueEmail('refused');
    const target = await aUser(ctx, 'door');
    const targetCookie = await ctx.client.login(target.email, PASSWORD);
    for (const role of ['content', 'box_office', 'door'] as const) {
      const cookie = cookies[role];
      expect((await ctx.client.post('/api/admin/users', { email, password: NEW_PASSWORD, role: 'admin' }, { cookie })).status).toBe(403);
      expect((await ctx.client.patch(`/api/admin/users/${target.id}`, { role: 'admin', active: false }, { cookie })).status).toBe(403);
      expect((await ctx.client.post(`/api/admin/users/${target.id}/password`, { password: NEW_PASSWORD }, { cookie })).status).toBe(403);
      // Nobody promotes themselves either.
      expect((await ctx.client.patch(`/api/admin/users/${userIds[role]}`, { role: 'admin' }, { cookie })).status).toBe(403);
    }
    const { db } = ctx.services.database;
    expect(await db.select().from(users).where(eq(users.email, email))).toHaveLength(0);
    expect(await userRow(target.id)).toMatchObject({ role: 'door', active: true, passwordHash: target.passwordHash });
    expect((await me(targetCookie)).status).toBe(200);
    expect(await auditOf(target.id)).toHaveLength(0);
    for (const role of ['content', 'box_office', 'door'] as const) expect((await userRow(userIds[role])).role).toBe(role);
  });
});

describe('GET /api/admin/users', () => {
  it('lists every staff account without password hashes', async () => {
    const inactive = await aUser(ctx, 'content', { active: false });
    const response = await ctx.client.get('/api/admin/users', { cookie: cookies.admin });
    expect(response.status).toBe(200);
    const byId = new Map(response.body.map((u: { id: number }) => [u.id, u]));
    expect(byId.get(inactive.id)).toEqual({
      id: inactive.id,
      email: inactive.email,
      display_name: inactive.displayName,
      role: 'content',
      active: false,
      created_at: inactive.createdAt.toISOString(),
      invitation_pending: false,
      failed_logins: 0,
      locked_until: null,
    });
    for (const role of ['admin', 'content', 'box_office', 'door'] as const) expect(byId.has(userIds[role])).toBe(true);
    const emails = response.body.map((u: { email: string }) => u.email);
    expect(emails).toEqual([...emails].sort());
    expect(response.text).not.toContain(inactive.passwordHash);
    expect(response.text).not.toMatch(/password|argon2/i);
  });
});

describe('POST /api/admin/users', () => {
  it('creates a user who can log in with its role, and audits it', async () => {
    const email = uniqueEmail('Nuova.Cassa');
    const response = await ctx.client.post(
      '/api/admin/users',
      { email: `  ${email.toUpperCase()} `, password: NEW_PASSWORD, role: 'box_office', display_name: ' Cassa Serale ' },
      { cookie: cookies.admin },
    );
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(Number),
      email: email.toLowerCase(),
      display_name: 'Cassa Serale',
      role: 'box_office',
      active: true,
      created_at: expect.any(String),
      invitation_pending: false,
      failed_logins: 0,
      locked_until: null,
    });
    expect(response.text).not.toMatch(/password|argon2/i);

    const row = await userRow(response.body.id);
    expect(row).toMatchObject({ email: email.toLowerCase(), role: 'box_office', active: true });
    expect(row.passwordHash).not.toContain(NEW_PASSWORD);

    const cookie = await ctx.client.login(email.toLowerCase(), NEW_PASSWORD);
    const who = await me(cookie);
    expect(who.status).toBe(200);
    expect(who.body.user).toMatchObject({ id: response.body.id, role: 'box_office', display_name: 'Cassa Serale' });
    // The role is real: box office reads reservations, but manages no users.
    expect((await ctx.client.get('/api/admin/reservations', { cookie })).status).toBe(200);
    expect((await ctx.client.get('/api/admin/users', { cookie })).status).toBe(403);

    const audit = await auditOf(response.body.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'user.create', actorUserId: userIds.admin, entityType: 'user' });
    expect(audit[0]!.summary).toContain(email.toLowerCase());
    expect(audit[0]!.summary).not.toContain(NEW_PASSWORD);
  });

  it('defaults display_name to empty', async () => {
    const response = await ctx.client.post('/api/admin/users', { email: uniqueEmail('plain'), password: NEW_PASSWORD, role: 'door' }, { cookie: cookies.admin });
    expect(response.status).toBe(201);
    expect(response.body.display_name).toBe('');
  });

  it('answers 400 validation_error per field and creates nothing', async () => {
    const { db } = ctx.services.database;
    const before = (await db.select().from(users)).length;
    const cases: [Record<string, unknown>, string[]][] = [
      [{ email: 'not-an-email', password: NEW_PASSWORD, role: 'door' }, ['email']],
      [{ email: uniqueEmail('short'), password: 'short', role: 'door' }, ['password']],
      [{ email: uniqueEmail('role'), password: NEW_PASSWORD, role: 'superuser' }, ['role']],
      [{ email: uniqueEmail('extra'), password: NEW_PASSWORD, role: 'door', active: false }, ['active']],
      // No password is an invitation (server/src/staff-links), not an error.
      [{}, ['email', 'role']],
    ];
    for (const [body, fields] of cases) {
      const response = await ctx.client.post('/api/admin/users', body, { cookie: cookies.admin });
      expect(response.status).toBe(400);
      expect(response.body.status).toBe('validation_error');
      expect(Object.keys(response.body.errors).sort()).toEqual(fields);
    }
    expect((await db.select().from(users)).length).toBe(before);
  });

  it('answers 409 conflict to an email already in use, whatever its case', async () => {
    const existing = await aUser(ctx, 'content');
    const response = await ctx.client.post(
      '/api/admin/users',
      { email: existing.email.toUpperCase(), password: NEW_PASSWORD, role: 'admin' },
      { cookie: cookies.admin },
    );
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('conflict');
    expect(response.body.errors).toEqual({ email: [{ code: 'email_taken' }] });
    const rows = await ctx.services.database.db.select().from(users).where(eq(users.email, existing.email));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ role: 'content', passwordHash: existing.passwordHash });
    // The existing account keeps its own password.
    expect((await login(existing.email, NEW_PASSWORD)).status).toBe(401);
  });
});

describe('PATCH /api/admin/users/:id', () => {
  it('renames a user without ending its sessions', async () => {
    const target = await aUser(ctx, 'door');
    const cookie = await ctx.client.login(target.email, PASSWORD);
    const response = await ctx.client.patch(`/api/admin/users/${target.id}`, { display_name: 'Porta Nord' }, { cookie: cookies.admin });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: target.id, display_name: 'Porta Nord', role: 'door', active: true });
    expect((await userRow(target.id)).displayName).toBe('Porta Nord');
    const who = await me(cookie);
    expect(who.status).toBe(200);
    expect(who.body.user.display_name).toBe('Porta Nord');
    const audit = await auditOf(target.id);
    expect(audit.map((a) => [a.action, a.actorUserId])).toEqual([['user.update', userIds.admin]]);
  });

  it('keeps the sessions when a form re-sends the role and active flag unchanged', async () => {
    const target = await aUser(ctx, 'box_office');
    const cookie = await ctx.client.login(target.email, PASSWORD);
    const response = await ctx.client.patch(
      `/api/admin/users/${target.id}`,
      { display_name: 'Cassa', role: 'box_office', active: true },
      { cookie: cookies.admin },
    );
    expect(response.status).toBe(200);
    expect((await me(cookie)).status).toBe(200);
  });

  it('changes the role: the user logs in again and gets the new permissions', async () => {
    const target = await aUser(ctx, 'door');
    const oldCookie = await ctx.client.login(target.email, PASSWORD);
    expect((await ctx.client.get('/api/admin/venues', { cookie: oldCookie })).status).toBe(403);

    const response = await ctx.client.patch(`/api/admin/users/${target.id}`, { role: 'content' }, { cookie: cookies.admin });
    expect(response.status).toBe(200);
    expect(response.body.role).toBe('content');
    expect((await userRow(target.id)).role).toBe('content');
    // A role change ends the sessions opened under the old role.
    expect((await me(oldCookie)).status).toBe(401);
    expect(await sessionsOf(target.id)).toHaveLength(0);

    const cookie = await ctx.client.login(target.email, PASSWORD);
    expect((await me(cookie)).body.user.role).toBe('content');
    expect((await ctx.client.get('/api/admin/venues', { cookie })).status).toBe(200);
    expect((await ctx.client.get('/api/admin/users', { cookie })).status).toBe(403);

    const audit = await auditOf(target.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'user.update', actorUserId: userIds.admin });
    expect(audit[0]!.summary).toContain('role=content');
  });

  it('deactivating ends every session at once and blocks login; reactivating lets the user back in', async () => {
    const target = await aUser(ctx, 'box_office');
    const phone = await ctx.client.login(target.email, PASSWORD);
    const laptop = await ctx.client.login(target.email, PASSWORD);
    const other = await aUser(ctx, 'box_office');
    const otherCookie = await ctx.client.login(other.email, PASSWORD);
    expect(await sessionsOf(target.id)).toHaveLength(2);

    const response = await ctx.client.patch(`/api/admin/users/${target.id}`, { active: false }, { cookie: cookies.admin });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: target.id, active: false });
    expect((await userRow(target.id)).active).toBe(false);

    for (const cookie of [phone, laptop]) {
      const who = await me(cookie);
      expect(who.status).toBe(401);
      expect(who.body.status).toBe('not_authenticated');
      expect((await ctx.client.get('/api/admin/reservations', { cookie })).status).toBe(401);
    }
    expect(await sessionsOf(target.id)).toHaveLength(0);
    expect((await me(otherCookie)).status).toBe(200);

    const refused = await login(target.email, PASSWORD);
    expect(refused.status).toBe(401);
    expect(refused.body.status).toBe('invalid_credentials');
    expect(refused.headers.get('set-cookie') ?? '').not.toMatch(/azionelab_session=[a-z2-7]/);
    expect(await sessionsOf(target.id)).toHaveLength(0);

    const reactivated = await ctx.client.patch(`/api/admin/users/${target.id}`, { active: true }, { cookie: cookies.admin });
    expect(reactivated.status).toBe(200);
    expect(reactivated.body.active).toBe(true);
    expect((await me(await ctx.client.login(target.email, PASSWORD))).status).toBe(200);

    const audit = await auditOf(target.id);
    expect(audit.map((a) => [a.action, a.actorUserId])).toEqual([
      ['user.deactivate', userIds.admin],
      ['user.update', userIds.admin],
    ]);
  });

  it('answers 404 for an unknown user and 400 for a bad body', async () => {
    for (const id of ['2147483647', '0', 'abc', '99999999999']) {
      const response = await ctx.client.patch(`/api/admin/users/${id}`, { display_name: 'x' }, { cookie: cookies.admin });
      expect(response.status).toBe(404);
      expect(response.body.status).toBe('not_found');
    }
    const target = await aUser(ctx, 'door');
    const bad = await ctx.client.patch(
      `/api/admin/users/${target.id}`,
      { role: 'superuser', active: 'no', email: 'new@azionelab.test', password: NEW_PASSWORD },
      { cookie: cookies.admin },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.status).toBe('validation_error');
    expect(Object.keys(bad.body.errors).sort()).toEqual(['active', 'email', 'password', 'role']);
    expect(await userRow(target.id)).toMatchObject({ email: target.email, role: 'door', active: true, passwordHash: target.passwordHash });
    expect(await auditOf(target.id)).toHaveLength(0);
  });

  it('answers an empty change with the user unchanged, not a server error', async () => {
    const target = await aUser(ctx, 'door');
    const response = await ctx.client.patch(`/api/admin/users/${target.id}`, {}, { cookie: cookies.admin });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: target.id, role: 'door', active: true, display_name: target.displayName });
    expect(await auditOf(target.id)).toHaveLength(0);
    const unknown = await ctx.client.patch('/api/admin/users/2147483647', {}, { cookie: cookies.admin });
    expect(unknown.status).toBe(404);
  });

  it('an admin cannot deactivate itself or drop its own admin role', async () => {
    const { user: admin, cookie } = await loggedIn(ctx, 'admin');
    for (const body of [{ active: false }, { role: 'content' }, { role: 'door', display_name: 'Ex admin' }, { active: false, role: 'admin' }]) {
      const response = await ctx.client.patch(`/api/admin/users/${admin.id}`, body, { cookie });
      expect(response.status).toBe(409);
      expect(response.body.status).toBe('conflict');
    }
    expect(await userRow(admin.id)).toMatchObject({ role: 'admin', active: true, displayName: admin.displayName });
    expect((await me(cookie)).status).toBe(200);
    expect(await auditOf(admin.id)).toHaveLength(0);

    // Renaming itself is fine, and another admin may still deactivate it.
    const renamed = await ctx.client.patch(`/api/admin/users/${admin.id}`, { display_name: 'Direzione' }, { cookie });
    expect(renamed.status).toBe(200);
    expect((await me(cookie)).status).toBe(200);
    const byOther = await ctx.client.patch(`/api/admin/users/${admin.id}`, { active: false }, { cookie: cookies.admin });
    expect(byOther.status).toBe(200);
    expect((await me(cookie)).status).toBe(401);
  });
});

describe('POST /api/admin/users/:id/password', () => {
  it('sets a new password, ends the sessions, and audits it', async () => {
    const target = await aUser(ctx, 'content');
    const cookie = await ctx.client.login(target.email, PASSWORD);
    const response = await ctx.client.post(`/api/admin/users/${target.id}/password`, { password: NEW_PASSWORD }, { cookie: cookies.admin });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');

    const row = await userRow(target.id);
    expect(row.passwordHash).not.toBe(target.passwordHash);
    expect(row.passwordChangedAt.getTime()).toBeGreaterThan(target.passwordChangedAt.getTime());
    expect((await me(cookie)).status).toBe(401);
    expect(await sessionsOf(target.id)).toHaveLength(0);

    const old = await login(target.email, PASSWORD);
    expect(old.status).toBe(401);
    expect(old.body.status).toBe('invalid_credentials');
    const fresh = await ctx.client.login(target.email, NEW_PASSWORD);
    expect((await me(fresh)).body.user.id).toBe(target.id);

    const audit = await auditOf(target.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'user.password_reset', actorUserId: userIds.admin });
    expect(audit[0]!.summary).not.toContain(NEW_PASSWORD);
  });

  it('refuses a short or missing password and an unknown user', async () => {
    const target = await aUser(ctx, 'door');
    for (const body of [{ password: 'too short' }, {}, { password: NEW_PASSWORD, role: 'admin' }]) {
      const response = await ctx.client.post(`/api/admin/users/${target.id}/password`, body, { cookie: cookies.admin });
      expect(response.status).toBe(400);
      expect(response.body.status).toBe('validation_error');
    }
    expect((await userRow(target.id)).passwordHash).toBe(target.passwordHash);
    expect(await auditOf(target.id)).toHaveLength(0);

    const unknown = await ctx.client.post('/api/admin/users/2147483647/password', { password: NEW_PASSWORD }, { cookie: cookies.admin });
    expect(unknown.status).toBe(404);
    expect(unknown.body.status).toBe('not_found');
  });
});
