import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performances, reservations, reservationTokens, shows, venues, type UserRole } from '../db/schema.js';
import {
  aConfirmedReservation,
  aPendingReservation,
  aPerformance,
  createTestContext,
  guest,
  loggedIn,
  type TestContext,
  type TestResponse,
} from '../test/harness.js';

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

const SITE = 'https://tickets.azionelab.example';
const inTwoWeeks = () => new Date(Date.now() + 14 * 86_400_000).toISOString();

let counter = 0;
const unique = (prefix: string) => `${prefix} ${++counter}-${Date.now().toString(36)}`;

type Role = UserRole | 'anonymous';
type Call = (options: { cookie?: string }) => Promise<TestResponse>;

interface RouteCase {
  name: string;
  allowed: UserRole[];
  /** A fresh valid request for this route, so that allowed roles get a 2xx. */
  call: () => Promise<Call>;
  success: number;
}

const CONTENT: UserRole[] = ['admin', 'content'];
const READERS: UserRole[] = ['admin', 'content', 'box_office'];
const BOX_OFFICE: UserRole[] = ['admin', 'box_office'];

/** The route table of admin-routes.ts, written out: who may do what. */
const ROUTES: RouteCase[] = [
  { name: 'GET /api/admin/venues', allowed: READERS, success: 200, call: async () => (o) => ctx.client.get('/api/admin/venues', o) },
  {
    name: 'POST /api/admin/venues',
    allowed: CONTENT,
    success: 201,
    call: async () => (o) => ctx.client.post('/api/admin/venues', { name: unique('Sala'), capacity: 40 }, o),
  },
  {
    name: 'PATCH /api/admin/venues/:id',
    allowed: CONTENT,
    success: 200,
    call: async () => {
      const { venue } = await aPerformance(ctx);
      return (o) => ctx.client.patch(`/api/admin/venues/${venue.id}`, { capacity: 60 }, o);
    },
  },
  { name: 'GET /api/admin/shows', allowed: READERS, success: 200, call: async () => (o) => ctx.client.get('/api/admin/shows', o) },
  {
    name: 'POST /api/admin/shows',
    allowed: CONTENT,
    success: 201,
    call: async () => (o) => ctx.client.post('/api/admin/shows', { title: unique('Amleto') }, o),
  },
  {
    name: 'PATCH /api/admin/shows/:id',
    allowed: CONTENT,
    success: 200,
    call: async () => {
      const { show } = await aPerformance(ctx);
      return (o) => ctx.client.patch(`/api/admin/shows/${show.id}`, { description: 'Nuova descrizione' }, o);
    },
  },
  {
    name: 'GET /api/admin/performances',
    allowed: READERS,
    success: 200,
    call: async () => (o) => ctx.client.get('/api/admin/performances', o),
  },
  {
    name: 'GET /api/admin/performances/:id',
    allowed: READERS,
    success: 200,
    call: async () => {
      const { performance } = await aPerformance(ctx);
      return (o) => ctx.client.get(`/api/admin/performances/${performance.id}`, o);
    },
  },
  {
    name: 'POST /api/admin/performances',
    allowed: CONTENT,
    success: 201,
    call: async () => {
      const { show, venue } = await aPerformance(ctx);
      return (o) => ctx.client.post('/api/admin/performances', { show_id: show.id, venue_id: venue.id, starts_at: inTwoWeeks() }, o);
    },
  },
  {
    name: 'PATCH /api/admin/performances/:id',
    allowed: CONTENT,
    success: 200,
    call: async () => {
      const { performance } = await aPerformance(ctx);
      return (o) => ctx.client.patch(`/api/admin/performances/${performance.id}`, { additional_seats: 3 }, o);
    },
  },
  {
    name: 'GET /api/admin/reservations',
    allowed: BOX_OFFICE,
    success: 200,
    call: async () => {
      const { performance } = await aPerformance(ctx);
      return (o) => ctx.client.get(`/api/admin/reservations?performance_id=${performance.id}`, o);
    },
  },
  {
    name: 'POST /api/admin/reservations',
    allowed: BOX_OFFICE,
    success: 201,
    call: async () => {
      const { performance } = await aPerformance(ctx);
      return (o) => ctx.client.post('/api/admin/reservations', { ...guest({ party_size: 1 }), performance_id: performance.id }, o);
    },
  },
];

const ROLES: Role[] = ['anonymous', 'admin', 'content', 'box_office', 'door'];
const MATRIX = ROUTES.flatMap((route) => ROLES.map((role) => ({ route, role })));

describe('admin route permissions', () => {
  it.each(MATRIX.map(({ route, role }) => [route.name, role, route] as const))('%s as %s', async (_name, role, route) => {
    const request = await route.call();
    const response = await request(role === 'anonymous' ? {} : { cookie: cookies[role] });
    if (role === 'anonymous') {
      expect(response.status).toBe(401);
      expect(response.body.status).toBe('not_authenticated');
    } else if (route.allowed.includes(role)) {
      expect(response.status).toBe(route.success);
    } else {
      expect(response.status).toBe(403);
      expect(response.body.status).toBe('forbidden');
    }
  });

  it('writes nothing when a role is refused', async () => {
    const name = unique('Sala Vietata');
    const title = unique('Vietato');
    const { performance, venue } = await aPerformance(ctx, { capacity: 10 });
    for (const role of ['door', 'box_office'] as const) {
      expect((await ctx.client.post('/api/admin/venues', { name, capacity: 5 }, { cookie: cookies[role] })).status).toBe(403);
      expect((await ctx.client.post('/api/admin/shows', { title }, { cookie: cookies[role] })).status).toBe(403);
      expect((await ctx.client.patch(`/api/admin/venues/${venue.id}`, { capacity: 1 }, { cookie: cookies[role] })).status).toBe(403);
      expect((await ctx.client.patch(`/api/admin/performances/${performance.id}`, { booking_open: false }, { cookie: cookies[role] })).status).toBe(403);
    }
    for (const role of ['door', 'content'] as const) {
      const response = await ctx.client.post('/api/admin/reservations', { ...guest(), performance_id: performance.id }, { cookie: cookies[role] });
      expect(response.status).toBe(403);
    }
    const { db } = ctx.services.database;
    expect(await db.select().from(venues).where(eq(venues.name, name))).toHaveLength(0);
    expect(await db.select().from(shows).where(eq(shows.title, title))).toHaveLength(0);
    expect((await db.select().from(venues).where(eq(venues.id, venue.id)))[0]!.capacity).toBe(10);
    expect((await db.select().from(performances).where(eq(performances.id, performance.id)))[0]!.bookingOpen).toBe(true);
    expect(await db.select().from(reservations).where(eq(reservations.performanceId, performance.id))).toHaveLength(0);
  });

  it('checks the role before reading the body (no validation details for outsiders)', async () => {
    const anonymous = await ctx.client.post('/api/admin/venues', { nonsense: true });
    expect(anonymous.status).toBe(401);
    const door = await ctx.client.post('/api/admin/venues', { nonsense: true }, { cookie: cookies.door });
    expect(door.status).toBe(403);
    expect(door.body.errors).toBeUndefined();
  });
});

describe('check-in route permissions', () => {
  const CHECK_IN_ROLES: Role[] = ['anonymous', 'content', 'door', 'box_office', 'admin'];
  const expected: Record<Role, number> = { anonymous: 401, content: 403, door: 200, box_office: 200, admin: 200 };

  it.each(CHECK_IN_ROLES.flatMap((role) => (['preview', 'confirm'] as const).map((action) => [action, role] as const)))(
    'POST /api/check-ins/%s as %s',
    async (action, role) => {
      // Starting within the hour: the door window is open, so the roles alone decide.
      const { performance } = await aPerformance(ctx, { startsAt: new Date(Date.now() + 3_600_000) });
      const ticket = await aConfirmedReservation(ctx, performance.id);
      const response = await ctx.client.post(
        `/api/check-ins/${action}`,
        { token: ticket.rawCheckInToken },
        role === 'anonymous' ? {} : { cookie: cookies[role] },
      );
      expect(response.status).toBe(expected[role]);
      if (expected[role] === 200) {
        expect(response.body.reservation_id).toBe(ticket.reservation.id);
        expect(response.body.checked_in).toBe(action === 'confirm');
      } else {
        expect(response.body.status).toBe(role === 'anonymous' ? 'not_authenticated' : 'forbidden');
      }
    },
  );
});

describe('venues', () => {
  it('creates a venue and lists it', async () => {
    const name = unique('Teatro Piccolo');
    const created = await ctx.client.post('/api/admin/venues/', { name: `  ${name}  `, capacity: 99 }, { cookie: cookies.content });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(Number), name, capacity: 99 });
    const list = await ctx.client.get('/api/admin/venues', { cookie: cookies.box_office });
    expect(list.body).toContainEqual(created.body);
  });

  it('answers 400 validation_error with errors per field', async () => {
    const response = await ctx.client.post('/api/admin/venues', { name: '   ', capacity: -1 }, { cookie: cookies.content });
    expect(response.status).toBe(400);
    expect(response.body.status).toBe('validation_error');
    expect(Object.keys(response.body.errors).sort()).toEqual(['capacity', 'name']);

    const missing = await ctx.client.post('/api/admin/venues', {}, { cookie: cookies.content });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual({ name: [{ code: 'required' }], capacity: [{ code: 'required' }] });

    const wrongTypes = await ctx.client.post('/api/admin/venues', { name: 42, capacity: '10' }, { cookie: cookies.content });
    expect(wrongTypes.status).toBe(400);
    expect(wrongTypes.body.errors).toEqual({ name: [{ code: 'wrong_type', expected: 'string' }], capacity: [{ code: 'not_a_number' }] });

    const fractional = await ctx.client.post('/api/admin/venues', { name: 'Sala', capacity: 10.5 }, { cookie: cookies.content });
    expect(fractional.body.errors).toEqual({ capacity: [{ code: 'not_whole_number' }] });

    const negative = await ctx.client.post('/api/admin/venues', { name: 'Sala', capacity: -1 }, { cookie: cookies.content });
    expect(negative.body.errors).toEqual({ capacity: [{ code: 'too_small', min: 0 }] });

    const tooLong = await ctx.client.post('/api/admin/venues', { name: 'x'.repeat(121), capacity: 1 }, { cookie: cookies.content });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toEqual({ name: [{ code: 'too_long', max: 120 }] });

    // PostgreSQL text cannot hold U+0000: it must be a 400 here, not a failed INSERT.
    const nul = await ctx.client.post('/api/admin/venues', { name: 'Sala\u0000', capacity: 1 }, { cookie: cookies.content });
    expect(nul.status).toBe(400);
    expect(nul.body.errors).toEqual({ name: [{ code: 'bad_character' }] });
  });

  it('rejects unknown fields', async () => {
    const name = unique('Sala');
    const response = await ctx.client.post('/api/admin/venues', { name, capacity: 10, id: 1, created_at: 'x' }, { cookie: cookies.content });
    expect(response.status).toBe(400);
    expect(response.body.status).toBe('validation_error');
    expect(response.body.errors).toEqual({ id: [{ code: 'unknown_field' }], created_at: [{ code: 'unknown_field' }] });
    expect(await ctx.services.database.db.select().from(venues).where(eq(venues.name, name))).toHaveLength(0);
  });

  it('patches a venue; an unknown venue is 404', async () => {
    const { venue } = await aPerformance(ctx, { capacity: 10 });
    const patched = await ctx.client.patch(`/api/admin/venues/${venue.id}/`, { name: 'Sala Rinnovata' }, { cookie: cookies.content });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ id: venue.id, name: 'Sala Rinnovata', capacity: 10 });

    const unknown = await ctx.client.patch('/api/admin/venues/2147483647', { capacity: 1 }, { cookie: cookies.content });
    expect(unknown.status).toBe(404);
    expect(unknown.body.status).toBe('not_found');
    const badId = await ctx.client.patch('/api/admin/venues/abc', { capacity: 1 }, { cookie: cookies.content });
    expect(badId.status).toBe(404);
    const invalid = await ctx.client.patch(`/api/admin/venues/${venue.id}`, { capacity: -5, owner: 'x' }, { cookie: cookies.content });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.errors).sort()).toEqual(['capacity', 'owner']);
  });
});

describe('shows', () => {
  it('generates the slug from the title and keeps it unique', async () => {
    const title = `Il Giardino dei Ciliegi! ${unique('n')}`;
    const first = await ctx.client.post('/api/admin/shows', { title }, { cookie: cookies.content });
    const second = await ctx.client.post('/api/admin/shows', { title }, { cookie: cookies.content });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(first.body.slug).toMatch(/^il-giardino-dei-ciliegi-n-[a-z0-9-]+$/);
    expect(second.body.slug).toBe(`${first.body.slug}-2`);
    expect(first.body).toMatchObject({ title, description: '', published: false });

    const accents = await ctx.client.post('/api/admin/shows', { title: `Così è (se vi pare) ${counter}` }, { cookie: cookies.content });
    expect(accents.body.slug).toBe(`cosi-e-se-vi-pare-${counter}`);
  });

  it('accepts an explicit slug and refuses one already in use', async () => {
    const slug = `la-locandiera-${Date.now().toString(36)}`;
    const first = await ctx.client.post('/api/admin/shows', { title: 'La Locandiera', slug, published: true }, { cookie: cookies.content });
    expect(first.status).toBe(201);
    expect(first.body.slug).toBe(slug);

    const taken = await ctx.client.post('/api/admin/shows', { title: 'Altra', slug }, { cookie: cookies.content });
    expect(taken.status).toBe(400);
    expect(taken.body.status).toBe('validation_error');
    expect(taken.body.errors).toEqual({ slug: [{ code: 'slug_taken' }] });

    const { show } = await aPerformance(ctx);
    const patchTaken = await ctx.client.patch(`/api/admin/shows/${show.id}`, { slug }, { cookie: cookies.content });
    expect(patchTaken.status).toBe(400);
    expect(patchTaken.body.errors).toEqual({ slug: [{ code: 'slug_taken' }] });
    const patchSame = await ctx.client.patch(`/api/admin/shows/${first.body.id}`, { slug, title: 'La Locandiera (ripresa)' }, { cookie: cookies.content });
    expect(patchSame.status).toBe(200);
    expect(patchSame.body.title).toBe('La Locandiera (ripresa)');
  });

  it('answers 400 validation_error for bad shows', async () => {
    const response = await ctx.client.post('/api/admin/shows', { title: '', slug: 'Not A Slug', published: 'yes', author: 'Goldoni' }, { cookie: cookies.content });
    expect(response.status).toBe(400);
    expect(response.body.status).toBe('validation_error');
    expect(response.body.errors).toEqual({
      title: [{ code: 'required' }],
      slug: [{ code: 'invalid_format', format: 'slug' }],
      published: [{ code: 'wrong_type', expected: 'boolean' }],
      author: [{ code: 'unknown_field' }],
    });
    const nul = await ctx.client.post('/api/admin/shows', { title: 'Amleto', description: 'a\u0000b' }, { cookie: cookies.content });
    expect(nul.status).toBe(400);
    expect(nul.body.errors).toEqual({ description: [{ code: 'bad_character' }] });
    const unknown = await ctx.client.patch('/api/admin/shows/2147483647', { title: 'X' }, { cookie: cookies.content });
    expect(unknown.status).toBe(404);
  });

  it('publishing a show puts it on the public programme', async () => {
    const { show } = await aPerformance(ctx, { published: false });
    expect((await ctx.client.get(`/api/shows/${show.id}`)).status).toBe(404);
    const patched = await ctx.client.patch(`/api/admin/shows/${show.id}`, { published: true }, { cookie: cookies.content });
    expect(patched.status).toBe(200);
    expect(patched.body.published).toBe(true);
    expect((await ctx.client.get(`/api/shows/${show.id}`)).status).toBe(200);
  });
});

describe('performances', () => {
  it('creates a performance with defaults and seat counts', async () => {
    const { show, venue } = await aPerformance(ctx, { capacity: 30 });
    const startsAt = inTwoWeeks();
    const response = await ctx.client.post(
      '/api/admin/performances',
      { show_id: show.id, venue_id: venue.id, starts_at: startsAt, additional_seats: 2 },
      { cookie: cookies.content },
    );
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(Number),
      show_id: show.id,
      venue_id: venue.id,
      venue_name: venue.name,
      show_title: show.title,
      starts_at: startsAt,
      capacity: 30,
      additional_seats: 2,
      manually_occupied_seats: 0,
      bookable_capacity: 32,
      booking_open: true,
      cancelled_at: null,
      confirmed_seats: 0,
      pending_seats: 0,
      checked_in_seats: 0,
      held_seats: 0,
      waiting_entries: 0,
      available_seats: 32,
    });
    const detail = await ctx.client.get(`/api/admin/performances/${response.body.id}`, { cookie: cookies.box_office });
    expect(detail.body).toEqual(response.body);
    const filtered = await ctx.client.get(`/api/admin/performances?show_id=${show.id}`, { cookie: cookies.content });
    expect(filtered.status).toBe(200);
    const ofShow = await ctx.services.database.db.select().from(performances).where(eq(performances.showId, show.id));
    expect(ofShow).toHaveLength(2);
    expect(filtered.body.map((p: { id: number }) => p.id).sort()).toEqual(ofShow.map((p) => p.id).sort());
  });

  it('answers 400 validation_error with errors per field', async () => {
    const missing = await ctx.client.post('/api/admin/performances', {}, { cookie: cookies.content });
    expect(missing.status).toBe(400);
    expect(missing.body.status).toBe('validation_error');
    expect(Object.keys(missing.body.errors).sort()).toEqual(['show_id', 'starts_at', 'venue_id']);

    const { show, venue } = await aPerformance(ctx);
    const bad = await ctx.client.post(
      '/api/admin/performances',
      { show_id: show.id, venue_id: venue.id, starts_at: '2026-13-45 25:00', additional_seats: -1, booking_open: 'no', status: 'x' },
      { cookie: cookies.content },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual({
      starts_at: [{ code: 'invalid_format', format: 'datetime' }],
      additional_seats: [{ code: 'too_small', min: 0 }],
      booking_open: [{ code: 'wrong_type', expected: 'boolean' }],
      status: [{ code: 'unknown_field' }],
    });

    const noOffset = await ctx.client.post(
      '/api/admin/performances',
      { show_id: show.id, venue_id: venue.id, starts_at: '2030-01-01T20:00:00' },
      { cookie: cookies.content },
    );
    expect(noOffset.status).toBe(400);
    expect(noOffset.body.errors).toEqual({ starts_at: [{ code: 'invalid_format', format: 'datetime' }] });
  });

  it('refuses unknown show_id and venue_id with 400, also beyond the integer range', async () => {
    const { show, venue } = await aPerformance(ctx);
    const before = await ctx.services.database.db.select().from(performances).where(eq(performances.showId, show.id));
    const unknown = await ctx.client.post(
      '/api/admin/performances',
      { show_id: 2_147_483_647, venue_id: 2_147_483_646, starts_at: inTwoWeeks() },
      { cookie: cookies.content },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.status).toBe('validation_error');
    expect(unknown.body.errors).toEqual({ show_id: [{ code: 'unknown_show' }], venue_id: [{ code: 'unknown_venue' }] });

    const huge = await ctx.client.post(
      '/api/admin/performances',
      { show_id: 99_999_999_999, venue_id: venue.id, starts_at: inTwoWeeks() },
      { cookie: cookies.content },
    );
    expect(huge.status).toBe(400);
    expect(huge.body.errors).toEqual({ show_id: [{ code: 'too_large', max: 2_147_483_647 }] });

    const { performance } = await aPerformance(ctx);
    const patchUnknown = await ctx.client.patch(`/api/admin/performances/${performance.id}`, { venue_id: 2_147_483_647 }, { cookie: cookies.content });
    expect(patchUnknown.status).toBe(400);
    expect(patchUnknown.body.errors).toEqual({ venue_id: [{ code: 'unknown_venue' }] });
    const patchHuge = await ctx.client.patch(`/api/admin/performances/${performance.id}`, { show_id: 3_000_000_000 }, { cookie: cookies.content });
    expect(patchHuge.status).toBe(400);

    const after = await ctx.services.database.db.select().from(performances).where(eq(performances.showId, show.id));
    expect(after).toHaveLength(before.length);
  });

  it('answers 404 for unknown or malformed performance ids', async () => {
    for (const id of ['2147483647', '0', '-1', 'abc', '1.5', '99999999999']) {
      const read = await ctx.client.get(`/api/admin/performances/${id}`, { cookie: cookies.admin });
      expect(read.status).toBe(404);
      expect(read.body.status).toBe('not_found');
      const write = await ctx.client.patch(`/api/admin/performances/${id}`, { booking_open: false }, { cookie: cookies.admin });
      expect(write.status).toBe(404);
    }
  });

  it('answers 400 for a bad show_id filter', async () => {
    for (const query of ['show_id=abc', 'show_id=-1', 'show_id=99999999999', 'other=1']) {
      const response = await ctx.client.get(`/api/admin/performances?${query}`, { cookie: cookies.content });
      expect(response.status).toBe(400);
      expect(response.body.status).toBe('validation_error');
    }
  });

  it('closing booking via PATCH closes it on the public side', async () => {
    const { performance } = await aPerformance(ctx);
    const patched = await ctx.client.patch(`/api/admin/performances/${performance.id}`, { booking_open: false }, { cookie: cookies.content });
    expect(patched.status).toBe(200);
    expect(patched.body.booking_open).toBe(false);

    const publicView = await ctx.client.get(`/api/performances/${performance.id}`);
    expect(publicView.body.booking_open).toBe(false);
    const booking = await ctx.client.post(`/api/performances/${performance.id}/reservations`, guest());
    expect(booking.status).toBe(409);
    expect(booking.body.status).toBe('booking_closed');

    await ctx.client.patch(`/api/admin/performances/${performance.id}`, { booking_open: true }, { cookie: cookies.content });
    expect((await ctx.client.get(`/api/performances/${performance.id}`)).body.booking_open).toBe(true);
    expect((await ctx.client.post(`/api/performances/${performance.id}/reservations`, guest())).status).toBe(201);
  });

  it('additional and manually occupied seats change public availability', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    await aConfirmedReservation(ctx, performance.id, 4);
    expect((await ctx.client.get(`/api/performances/${performance.id}`)).body.available_seats).toBe(6);

    const more = await ctx.client.patch(`/api/admin/performances/${performance.id}`, { additional_seats: 5 }, { cookie: cookies.content });
    expect(more.status).toBe(200);
    expect(more.body).toMatchObject({ additional_seats: 5, confirmed_seats: 4, available_seats: 11 });
    expect((await ctx.client.get(`/api/performances/${performance.id}`)).body.available_seats).toBe(11);

    await ctx.client.patch(`/api/admin/performances/${performance.id}`, { manually_occupied_seats: 11 }, { cookie: cookies.content });
    const full = await ctx.client.get(`/api/performances/${performance.id}`);
    expect(full.body.available_seats).toBe(0);
    expect(full.body.sold_out).toBe(true);
    const booking = await ctx.client.post(`/api/performances/${performance.id}/reservations`, guest({ party_size: 1 }));
    expect(booking.status).toBe(409);
    expect(booking.body.status).toBe('insufficient_seats');
  });
});

describe('manual reservations (box office)', () => {
  it('creates a pending admin reservation that goes through the standard email flow', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const email = `walk-in-${Date.now().toString(36)}@example.com`;
    const before = ctx.mail.sent.length;
    const response = await ctx.client.post(
      '/api/admin/reservations/',
      { performance_id: performance.id, name: 'Giulia Bianchi', email, phone: '+39 333 1234567', party_size: 3 },
      { cookie: cookies.box_office },
    );

    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      reservation_id: expect.any(Number),
      status: 'pending',
      party_size: 3,
      detail: expect.stringMatching(/stays pending until the guest confirms/),
    });
    const [row] = await ctx.services.database.db.select().from(reservations).where(eq(reservations.id, response.body.reservation_id));
    expect(row).toMatchObject({ status: 'pending', source: 'admin', createdByUserId: userIds.box_office, email, partySize: 3 });

    await ctx.services.mailWorker.drain();
    const mail = ctx.mail.sent.slice(before).find((m) => m.to === email);
    expect(mail).toBeDefined();
    expect(mail!.text).toContain(`${SITE}/confirm#token=`);

    const token = /token=([A-Za-z0-9_-]{43})/.exec(mail!.text)![1]!;
    expect(response.text).not.toContain(token);
    const confirmed = await ctx.client.post('/api/reservations/confirm', { token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');
  });

  it('may book a performance not yet published, but not beyond capacity', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 2, published: false });
    const ok = await ctx.client.post('/api/admin/reservations', { ...guest({ party_size: 2 }), performance_id: performance.id }, { cookie: cookies.admin });
    expect(ok.status).toBe(201);
    const { performance: small } = await aPerformance(ctx, { capacity: 1 });
    const tooMany = await ctx.client.post('/api/admin/reservations', { ...guest({ party_size: 2 }), performance_id: small.id }, { cookie: cookies.admin });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.status).toBe('insufficient_seats');
  });

  it('validates the manual reservation like a public one', async () => {
    const { performance } = await aPerformance(ctx);
    const bad = await ctx.client.post(
      '/api/admin/reservations',
      { performance_id: performance.id, name: '', email: 'not-an-email', party_size: 0, status: 'confirmed' },
      { cookie: cookies.box_office },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.status).toBe('validation_error');
    expect(Object.keys(bad.body.errors).sort()).toEqual(['email', 'name', 'party_size', 'status']);

    const unknown = await ctx.client.post(
      '/api/admin/reservations',
      { ...guest(), performance_id: 2_147_483_647 },
      { cookie: cookies.box_office },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.status).toBe('not_found');

    const huge = await ctx.client.post('/api/admin/reservations', { ...guest(), performance_id: 99_999_999_999 }, { cookie: cookies.box_office });
    expect(huge.status).toBe(400);
    expect(huge.body.errors).toEqual({ performance_id: [{ code: 'too_large', max: 2_147_483_647 }] });
    const missing = await ctx.client.post('/api/admin/reservations', guest(), { cookie: cookies.box_office });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual({ performance_id: [{ code: 'required' }] });
    expect(await ctx.services.database.db.select().from(reservations).where(eq(reservations.performanceId, performance.id))).toHaveLength(0);
  });
});

describe('reservation list', () => {
  it('lists the reservations of a performance for the box office', async () => {
    const { performance } = await aPerformance(ctx);
    const pending = await aPendingReservation(ctx, performance.id, 1);
    const confirmed = await aConfirmedReservation(ctx, performance.id, 2);
    const response = await ctx.client.get(`/api/admin/reservations/?performance_id=${performance.id}`, { cookie: cookies.box_office });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ total: 2, page: 1, page_size: 25 });
    expect(response.body.items).toHaveLength(2);
    const byId = Object.fromEntries(response.body.items.map((r: { id: number }) => [r.id, r]));
    expect(byId[pending.reservation.id]).toMatchObject({ status: 'pending', party_size: 1, source: 'public', confirmed_at: null });
    expect(byId[confirmed.reservation.id]).toMatchObject({ status: 'confirmed', party_size: 2, confirmed_at: expect.any(String) });
    for (const item of response.body.items) {
      expect(Object.keys(item).sort()).toEqual(
        ['cancelled_at', 'checked_in_at', 'code', 'confirmed_at', 'created_at', 'email', 'id', 'locale', 'name', 'notes', 'party_size', 'performance_id', 'phone', 'source', 'status'],
      );
    }
  });

  it('refuses a malformed performance_id and unknown parameters', async () => {
    for (const query of ['?performance_id=', '?performance_id=abc', '?performance_id=0', '?performance_id=99999999999', '?performance_id=1&x=1']) {
      const response = await ctx.client.get(`/api/admin/reservations${query}`, { cookie: cookies.box_office });
      expect(response.status).toBe(400);
      expect(response.body.status).toBe('validation_error');
    }
    const unknown = await ctx.client.get('/api/admin/reservations?performance_id=2147483647', { cookie: cookies.box_office });
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({ items: [], total: 0 });
  });
});

describe('token hashes are never shown to staff', () => {
  it('no admin response contains a reservation token hash or a raw token', async () => {
    const { performance, show, venue } = await aPerformance(ctx);
    const pending = await aPendingReservation(ctx, performance.id, 1);
    const confirmed = await aConfirmedReservation(ctx, performance.id, 2);
    const { db } = ctx.services.database;
    const tokens = await db
      .select({ hash: reservationTokens.tokenHash })
      .from(reservationTokens)
      .innerJoin(reservations, eq(reservations.id, reservationTokens.reservationId))
      .where(eq(reservations.performanceId, performance.id));
    expect(tokens.length).toBe(3);
    const secrets = [
      ...tokens.map((t) => t.hash),
      ...tokens.map((t) => t.hash.slice(0, 12)),
      pending.rawConfirmationToken,
      confirmed.rawConfirmationToken,
      confirmed.rawCheckInToken,
    ];

    const responses: TestResponse[] = [];
    for (const role of ['admin', 'content', 'box_office'] as const) {
      const cookie = cookies[role];
      responses.push(
        await ctx.client.get('/api/admin/venues', { cookie }),
        await ctx.client.get('/api/admin/shows', { cookie }),
        await ctx.client.get('/api/admin/performances', { cookie }),
        await ctx.client.get(`/api/admin/performances?show_id=${show.id}`, { cookie }),
        await ctx.client.get(`/api/admin/performances/${performance.id}`, { cookie }),
      );
    }
    const cookie = cookies.admin;
    responses.push(
      await ctx.client.get(`/api/admin/reservations?performance_id=${performance.id}`, { cookie }),
      await ctx.client.get(`/api/admin/reservations?performance_id=${performance.id}`, { cookie: cookies.box_office }),
      await ctx.client.patch(`/api/admin/performances/${performance.id}`, { additional_seats: 1 }, { cookie }),
      await ctx.client.patch(`/api/admin/venues/${venue.id}`, { capacity: 55 }, { cookie }),
      await ctx.client.patch(`/api/admin/shows/${show.id}`, { description: 'x' }, { cookie }),
      await ctx.client.post('/api/admin/reservations', { ...guest({ party_size: 1 }), performance_id: performance.id }, { cookie }),
    );

    for (const response of responses) {
      expect(response.status).toBeLessThan(300);
      for (const secret of secrets) expect(response.text).not.toContain(secret);
      expect(response.text).not.toMatch(/token/i);
    }
    const list = responses.find((r) => Array.isArray(r.body) && r.body.some((x: { id: number }) => x.id === pending.reservation.id))!;
    expect(list.body.map((r: { id: number }) => r.id)).toContain(confirmed.reservation.id);
  });
});
