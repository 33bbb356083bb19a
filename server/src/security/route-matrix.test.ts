import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRole } from '../db/schema.js';
import { aPerformance, aUser, createTestContext, PASSWORD, type TestContext } from '../test/harness.js';
import { fillPath, isUnsafe, registeredRoutes, routeKey } from './route-table.js';

/*
 * Role × route matrix over every route the app registers. Each route needs an entry below:
 * a new route without one fails the first test, so nobody ships an endpoint whose audience
 * was never decided. `admin` is listed explicitly where it may pass, to read like api.md.
 */

type Audience = 'anyone' | 'logged_in' | UserRole[];

const STAFF_READERS: UserRole[] = ['content', 'box_office', 'admin'];
const CONTENT: UserRole[] = ['content', 'admin'];
const BOX_OFFICE: UserRole[] = ['box_office', 'admin'];
const DOOR: UserRole[] = ['door', 'admin'];
const CHECK_IN: UserRole[] = ['door', 'box_office', 'admin'];
const ADMIN: UserRole[] = ['admin'];

const EXPECTED: Record<string, Audience> = {
  // The API's own description, generated from shared/src/api/: nothing in it is secret.
  'GET /api/openapi.json': 'anyone',
  'POST /api/auth/login': 'anyone',
  'POST /api/auth/logout': 'anyone',
  'POST /api/auth/password-reset': 'anyone',
  'POST /api/auth/password-reset/confirm': 'anyone',
  'GET /api/auth/me': 'logged_in',
  'GET /api/auth/sessions': 'logged_in',
  'DELETE /api/auth/sessions': 'logged_in',
  'DELETE /api/auth/sessions/:id': 'logged_in',

  'GET /api/shows': 'anyone',
  'GET /api/shows/:idOrSlug': 'anyone',
  'GET /api/performances/:id': 'anyone',
  'POST /api/performances/:id/reservations': 'anyone',
  'GET /api/reservations/confirm': 'anyone',
  'POST /api/reservations/confirm': 'anyone',
  'GET /api/reservations/qr-code': 'anyone',
  'GET /api/reservations/calendar.ics': 'anyone',
  'POST /api/reservations/cancel': 'anyone',
  'POST /api/performances/:id/waitlist': 'anyone',
  'POST /api/waitlist/confirm': 'anyone',
  'POST /api/waitlist/offer': 'anyone',
  'POST /api/waitlist/accept': 'anyone',
  'POST /api/waitlist/decline': 'anyone',

  'POST /api/check-ins/preview': CHECK_IN,
  // The URL in every QR code, opened by a guest's phone camera: a redirect to the ticket page.
  'GET /api/check-ins/preview/*': 'anyone',
  'POST /api/check-ins/confirm': CHECK_IN,
  'POST /api/check-ins/confirm-code': CHECK_IN,
  'DELETE /api/admin/check-ins/:id': BOX_OFFICE,

  'GET /api/door/keys': 'anyone',
  'GET /api/door/performances': DOOR,
  'GET /api/door/performances/:id/manifest': DOOR,
  'GET /api/door/performances/:id/guests': DOOR,
  'POST /api/door/devices': DOOR,
  'GET /api/door/devices/next-name': DOOR,
  'GET /api/door/devices': ADMIN,
  'POST /api/door/devices/:deviceId/revoke': ADMIN,
  'GET /api/door/performances/:id/conflicts': CHECK_IN,
  'POST /api/door/sync': DOOR,

  'GET /api/admin/reservations': BOX_OFFICE,
  'GET /api/admin/reservations/:id': BOX_OFFICE,
  'PATCH /api/admin/reservations/:id': BOX_OFFICE,
  'POST /api/admin/reservations': BOX_OFFICE,
  'POST /api/admin/reservations/:id/cancel': BOX_OFFICE,
  'POST /api/admin/reservations/:id/resend': BOX_OFFICE,
  'POST /api/admin/reservations/:id/reissue': BOX_OFFICE,
  'GET /api/admin/reservations/:id/ticket': BOX_OFFICE,
  'GET /api/admin/performances/:id/waitlist': BOX_OFFICE,
  'POST /api/admin/waitlist/:id/offer': BOX_OFFICE,
  'DELETE /api/admin/waitlist/:id': BOX_OFFICE,

  'GET /api/admin/users': ADMIN,
  'POST /api/admin/users': ADMIN,
  'PATCH /api/admin/users/:id': ADMIN,
  'POST /api/admin/users/:id/password': ADMIN,
  'POST /api/admin/users/:id/invitation': ADMIN,
  'POST /api/admin/users/:id/unlock': ADMIN,
  'POST /api/admin/users/:id/sessions/end': ADMIN,
  'GET /api/admin/audit': ADMIN,
  'GET /api/admin/audit/export.csv': ADMIN,
  'GET /api/admin/audit/export.xlsx': ADMIN,

  'GET /api/admin/venues': STAFF_READERS,
  'POST /api/admin/venues': CONTENT,
  'PATCH /api/admin/venues/:id': CONTENT,
  'DELETE /api/admin/venues/:id': CONTENT,
  'GET /api/admin/shows': STAFF_READERS,
  'POST /api/admin/shows': CONTENT,
  'PATCH /api/admin/shows/:id': CONTENT,
  'DELETE /api/admin/shows/:id': CONTENT,
  'GET /api/admin/performances': STAFF_READERS,
  'GET /api/admin/performances/:id': STAFF_READERS,
  'POST /api/admin/performances': CONTENT,
  'PATCH /api/admin/performances/:id': CONTENT,
  'DELETE /api/admin/performances/:id': CONTENT,
  'GET /api/admin/performances/:id/attendees.csv': BOX_OFFICE,
  'GET /api/admin/performances/:id/attendees.xlsx': BOX_OFFICE,
  'POST /api/admin/performances/:id/cancel': BOX_OFFICE,
  'POST /api/admin/performances/:id/move': BOX_OFFICE,
  'GET /api/admin/performances/:id/messages': BOX_OFFICE,
  'POST /api/admin/performances/:id/messages': BOX_OFFICE,
  'POST /api/admin/performances/:id/messages/preview': BOX_OFFICE,
  'GET /api/admin/dashboard': STAFF_READERS,
  'GET /api/admin/performances/:id/stats': STAFF_READERS,

  'GET /healthz': 'anyone',
  'GET /readyz': 'anyone',
  // The web apps' pages are public files; everything they show comes from the API above.
  'GET /admin': 'anyone',
  'GET /admin/*': 'anyone',
  'GET /door': 'anyone',
  'GET /door/*': 'anyone',
  'GET /': 'anyone',
  'GET /*': 'anyone',
};

const ROLES: UserRole[] = ['door', 'box_office', 'content', 'admin'];
type Caller = UserRole | 'anonymous';

let ctx: TestContext;
const cookies = new Map<UserRole, string>();
let params: Record<string, string>;
beforeAll(async () => {
  ctx = await createTestContext();
  for (const role of ROLES) cookies.set(role, await ctx.client.login((await aUser(ctx, role)).email, PASSWORD));
  const { performance, show } = await aPerformance(ctx);
  params = { id: String(performance.id), idOrSlug: String(show.id), deviceId: randomUUID() };
});
afterAll(() => ctx.close());

/** Logout would end the shared session: it gets a session of its own. */
async function cookieFor(caller: Caller, key: string): Promise<string | undefined> {
  if (caller === 'anonymous') return undefined;
  if (key !== 'POST /api/auth/logout') return cookies.get(caller);
  return ctx.client.login((await aUser(ctx, caller)).email, PASSWORD);
}

/**
 * Writes go to an id that does not exist, with an empty body: a caller who passes the gate
 * gets a 400 or 404 and nothing changes, so the order of the cases does not matter.
 */
async function call(method: string, path: string, caller: Caller) {
  const key = `${method} ${path}`;
  const unsafe = isUnsafe(method);
  const url = fillPath(path, unsafe ? { ...params, id: '2147483647' } : params);
  const cookie = await cookieFor(caller, key);
  return ctx.client.request(method, url, unsafe ? {} : undefined, cookie ? { cookie } : {});
}

const mayPass = (audience: Audience, caller: Caller) =>
  audience === 'anyone' || (caller !== 'anonymous' && (audience === 'logged_in' || audience.includes(caller)));

describe('role × route matrix', () => {
  it('has an entry for every registered route, and no entry for a route that is gone', () => {
    const registered = registeredRoutes(ctx.runtime.app).map(routeKey).sort();
    const missing = registered.filter((key) => !(key in EXPECTED));
    const stale = Object.keys(EXPECTED).filter((key) => !registered.includes(key));
    expect(missing, 'routes without an expected audience').toEqual([]);
    expect(stale, 'expectations for routes that no longer exist').toEqual([]);
  });

  it.each(Object.entries(EXPECTED))('%s', async (key, audience) => {
    const [method, path] = key.split(' ') as [string, string];
    for (const caller of ['anonymous', ...ROLES] as Caller[]) {
      const response = await call(method, path, caller);
      expect(response.status, `${caller}: ${response.text.slice(0, 200)}`).not.toBe(500);
      if (mayPass(audience, caller)) {
        expect([401, 403], `${caller} should pass: ${response.text.slice(0, 200)}`).not.toContain(response.status);
      } else if (caller === 'anonymous') {
        expect(response.status).toBe(401);
        expect(response.body.status).toBe('not_authenticated');
      } else {
        expect(response.status, caller).toBe(403);
        expect(response.body.status).toBe('forbidden');
        expect(response.body.errors, 'no validation details before the role check').toBeUndefined();
      }
    }
  });

  it('lets an allowed role really read: a GET with real ids answers 200', async () => {
    const paths = ['/api/admin/performances/:id', '/api/admin/performances/:id/stats', '/api/door/performances/:id/manifest'];
    for (const path of paths) {
      const response = await ctx.client.get(fillPath(path, params), { cookie: cookies.get('admin')! });
      expect(response.status, path).toBe(200);
    }
  });
});
