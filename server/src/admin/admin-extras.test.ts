import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, checkIns, performances, reservations, shows, venues, type UserRole } from '../db/schema.js';
import {
  aConfirmedReservation,
  aPendingReservation,
  aPerformance,
  createTestContext,
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

type Role = UserRole | 'anonymous';
const ROLES: Role[] = ['anonymous', 'admin', 'content', 'box_office', 'door'];
const HOUR = 3_600_000;

const del = (path: string, cookie?: string) => ctx.client.request('DELETE', path, undefined, cookie ? { cookie } : {});
const db = () => ctx.services.database.db;

async function aVenue() {
  return (await db().insert(venues).values({ name: `Sala ${randomBytes(3).toString('hex')}`, capacity: 20 }).returning())[0]!;
}
async function aShow() {
  const slug = `vuoto-${randomBytes(4).toString('hex')}`;
  return (await db().insert(shows).values({ title: `Vuoto ${slug}`, slug }).returning())[0]!;
}

/** 401 for anonymous, the success status for allowed roles, 403 forbidden for the rest. */
function expectAccess(response: TestResponse, role: Role, allowed: UserRole[], success: number) {
  if (role === 'anonymous') {
    expect(response.status).toBe(401);
    expect(response.body.status).toBe('not_authenticated');
  } else if (role === 'admin' || allowed.includes(role)) {
    expect(response.status).toBe(success);
  } else {
    expect(response.status).toBe(403);
    expect(response.body.status).toBe('forbidden');
  }
}

describe('DELETE permissions', () => {
  const cases = [
    { name: 'venue', make: async () => `/api/admin/venues/${(await aVenue()).id}` },
    { name: 'show', make: async () => `/api/admin/shows/${(await aShow()).id}` },
    { name: 'performance', make: async () => `/api/admin/performances/${(await aPerformance(ctx)).performance.id}` },
  ];
  it.each(cases.flatMap((c) => ROLES.map((role) => [c.name, role, c] as const)))('DELETE %s as %s', async (_name, role, c) => {
    const path = await c.make();
    const response = await del(path, role === 'anonymous' ? undefined : cookies[role]);
    expectAccess(response, role, ['content'], 204);
    const stillThere = await ctx.client.get(path, { cookie: cookies.admin });
    if (c.name === 'performance') expect(stillThere.status).toBe(response.status === 204 ? 404 : 200);
  });

  it('a refused delete leaves everything in place', async () => {
    const venue = await aVenue();
    const show = await aShow();
    const { performance } = await aPerformance(ctx);
    for (const cookie of [cookies.box_office, cookies.door, undefined]) {
      expect((await del(`/api/admin/venues/${venue.id}`, cookie)).status).toBeGreaterThanOrEqual(401);
      expect((await del(`/api/admin/shows/${show.id}`, cookie)).status).toBeGreaterThanOrEqual(401);
      expect((await del(`/api/admin/performances/${performance.id}`, cookie)).status).toBeGreaterThanOrEqual(401);
    }
    expect(await db().select().from(venues).where(eq(venues.id, venue.id))).toHaveLength(1);
    expect(await db().select().from(shows).where(eq(shows.id, show.id))).toHaveLength(1);
    expect(await db().select().from(performances).where(eq(performances.id, performance.id))).toHaveLength(1);
  });
});

describe('DELETE /api/admin/venues/:id', () => {
  it('deletes an unused venue and audits it', async () => {
    const venue = await aVenue();
    const response = await del(`/api/admin/venues/${venue.id}`, cookies.content);
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(await db().select().from(venues).where(eq(venues.id, venue.id))).toHaveLength(0);
    const list = await ctx.client.get('/api/admin/venues', { cookie: cookies.content });
    expect(list.body.map((v: { id: number }) => v.id)).not.toContain(venue.id);
    const audit = await db().select().from(auditLog).where(and(eq(auditLog.entityType, 'venue'), eq(auditLog.entityId, venue.id)));
    expect(audit).toMatchObject([{ action: 'venue.delete', actorUserId: userIds.content, summary: venue.name }]);
  });

  it('answers 409 in_use while a performance uses the venue', async () => {
    const { venue, performance } = await aPerformance(ctx);
    const response = await del(`/api/admin/venues/${venue.id}`, cookies.admin);
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('in_use');
    expect(await db().select().from(venues).where(eq(venues.id, venue.id))).toHaveLength(1);

    expect((await del(`/api/admin/performances/${performance.id}`, cookies.admin)).status).toBe(204);
    expect((await del(`/api/admin/venues/${venue.id}`, cookies.admin)).status).toBe(204);
  });

  it('answers 404 for an unknown venue, also the second time', async () => {
    const venue = await aVenue();
    expect((await del(`/api/admin/venues/${venue.id}`, cookies.content)).status).toBe(204);
    for (const id of [String(venue.id), '2147483647', 'abc']) {
      const response = await del(`/api/admin/venues/${id}`, cookies.content);
      expect(response.status).toBe(404);
      expect(response.body.status).toBe('not_found');
    }
  });
});

describe('DELETE /api/admin/shows/:id', () => {
  it('deletes a show with its performances when nobody booked', async () => {
    const { show, venue, performance } = await aPerformance(ctx);
    const [second] = await db()
      .insert(performances)
      .values({ showId: show.id, venueId: venue.id, startsAt: new Date(Date.now() + 9 * 86_400_000) })
      .returning();
    const response = await del(`/api/admin/shows/${show.id}`, cookies.content);
    expect(response.status).toBe(204);
    expect(await db().select().from(shows).where(eq(shows.id, show.id))).toHaveLength(0);
    expect(await db().select().from(performances).where(eq(performances.showId, show.id))).toHaveLength(0);
    for (const id of [performance.id, second!.id]) {
      expect((await ctx.client.get(`/api/admin/performances/${id}`, { cookie: cookies.content })).status).toBe(404);
    }
    // The venue stays: it may host other shows.
    expect(await db().select().from(venues).where(eq(venues.id, venue.id))).toHaveLength(1);
    expect((await ctx.client.get(`/api/shows/${show.slug}`)).status).toBe(404);
  });

  it('answers 409 has_reservations once anyone booked, even a cancelled booking', async () => {
    const { show, performance } = await aPerformance(ctx);
    const { reservation } = await aPendingReservation(ctx, performance.id);
    await ctx.services.bookings.cancel(reservation.id, null);
    const response = await del(`/api/admin/shows/${show.id}`, cookies.admin);
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('has_reservations');
    expect(await db().select().from(shows).where(eq(shows.id, show.id))).toHaveLength(1);
    expect(await db().select().from(performances).where(eq(performances.id, performance.id))).toHaveLength(1);
    expect(await db().select().from(reservations).where(eq(reservations.id, reservation.id))).toHaveLength(1);
  });

  it('answers 404 for an unknown show', async () => {
    const response = await del('/api/admin/shows/2147483647', cookies.content);
    expect(response.status).toBe(404);
    expect(response.body.status).toBe('not_found');
  });
});

describe('DELETE /api/admin/performances/:id', () => {
  it('deletes a performance without reservations', async () => {
    const { performance, show } = await aPerformance(ctx);
    expect((await ctx.client.get(`/api/performances/${performance.id}`)).status).toBe(200);
    const response = await del(`/api/admin/performances/${performance.id}`, cookies.content);
    expect(response.status).toBe(204);
    expect(await db().select().from(performances).where(eq(performances.id, performance.id))).toHaveLength(0);
    expect((await ctx.client.get(`/api/performances/${performance.id}`)).status).toBe(404);
    expect(await db().select().from(shows).where(eq(shows.id, show.id))).toHaveLength(1);
    const audit = await db().select().from(auditLog).where(and(eq(auditLog.entityType, 'performance'), eq(auditLog.entityId, performance.id)));
    expect(audit).toMatchObject([{ action: 'performance.delete', actorUserId: userIds.content }]);
  });

  it('answers 409 has_reservations when someone booked, and 404 when unknown', async () => {
    const { performance } = await aPerformance(ctx);
    await aPendingReservation(ctx, performance.id);
    const response = await del(`/api/admin/performances/${performance.id}`, cookies.admin);
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('has_reservations');
    expect(await db().select().from(performances).where(eq(performances.id, performance.id))).toHaveLength(1);

    const unknown = await del('/api/admin/performances/2147483647', cookies.admin);
    expect(unknown.status).toBe(404);
    expect(unknown.body.status).toBe('not_found');
  });
});

describe('GET /api/admin/dashboard', () => {
  it.each(ROLES)('as %s', async (role) => {
    const response = await ctx.client.get('/api/admin/dashboard', role === 'anonymous' ? {} : { cookie: cookies[role] });
    expectAccess(response, role, ['content', 'box_office'], 200);
  });

  it('shows seat counts that add up after bookings, a confirmation and a check-in', async () => {
    // Sooner than every other performance of this file, so it is among the first listed.
    const { performance, show, venue } = await aPerformance(ctx, {
      capacity: 20,
      additionalSeats: 2,
      manuallyOccupiedSeats: 1,
      startsAt: new Date(Date.now() + HOUR),
    });
    const row = async () => {
      const response = await ctx.client.get('/api/admin/dashboard', { cookie: cookies.box_office });
      expect(response.status).toBe(200);
      return response.body.performances.find((p: { id: number }) => p.id === performance.id);
    };
    // The one staff shape of a performance, as the programme page lists it.
    expect(await row()).toEqual({
      id: performance.id,
      show_id: show.id,
      show_title: show.title,
      venue_id: venue.id,
      venue_name: venue.name,
      starts_at: performance.startsAt.toISOString(),
      capacity: 20,
      additional_seats: 2,
      manually_occupied_seats: 1,
      bookable_capacity: 21,
      booking_open: true,
      cancelled_at: null,
      confirmed_seats: 0,
      pending_seats: 0,
      held_seats: 0,
      waiting_entries: 0,
      available_seats: 21,
      checked_in_seats: 0,
    });

    const arriving = await aConfirmedReservation(ctx, performance.id, 3);
    await aPendingReservation(ctx, performance.id, 4);
    const later = await aPendingReservation(ctx, performance.id, 2);
    const gone = await aConfirmedReservation(ctx, performance.id, 5);
    await ctx.services.bookings.cancel(gone.reservation.id, null);
    expect((await ctx.client.post('/api/reservations/confirm', { token: later.rawConfirmationToken })).status).toBe(200);
    expect((await ctx.client.post('/api/check-ins/confirm', { token: arriving.rawCheckInToken }, { cookie: cookies.door })).status).toBe(200);

    const after = await row();
    expect(after).toMatchObject({ bookable_capacity: 21, confirmed_seats: 5, pending_seats: 4, available_seats: 16, checked_in_seats: 3 });
    expect(after.available_seats).toBe(after.bookable_capacity - after.confirmed_seats);
    expect((await ctx.client.get(`/api/performances/${performance.id}`)).body.available_seats).toBe(16);
    expect((await ctx.client.get(`/api/admin/performances/${performance.id}`, { cookie: cookies.content })).body).toMatchObject({
      confirmed_seats: 5,
      pending_seats: 4,
      checked_in_seats: 3,
      available_seats: 16,
    });
  });

  it('keeps a performance that started less than six hours ago, and drops older ones', async () => {
    const { performance: tonight } = await aPerformance(ctx, { startsAt: new Date(Date.now() - 2 * HOUR) });
    const { performance: yesterday } = await aPerformance(ctx, { startsAt: new Date(Date.now() - 7 * HOUR) });
    const response = await ctx.client.get('/api/admin/dashboard', { cookie: cookies.content });
    const ids = response.body.performances.map((p: { id: number }) => p.id);
    expect(ids).toContain(tonight.id);
    expect(ids).not.toContain(yesterday.id);
    const starts = response.body.performances.map((p: { starts_at: string }) => Date.parse(p.starts_at));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });
});

describe('GET /api/admin/performances/:id/stats', () => {
  it.each(ROLES)('as %s', async (role) => {
    const { performance } = await aPerformance(ctx);
    const response = await ctx.client.get(`/api/admin/performances/${performance.id}/stats`, role === 'anonymous' ? {} : { cookie: cookies[role] });
    expectAccess(response, role, ['content', 'box_office'], 200);
  });

  it('counts confirmed seats cumulatively per day (theatre time) and arrivals per 10 minutes', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 40 });
    const two = await aConfirmedReservation(ctx, performance.id, 2);
    const three = await aConfirmedReservation(ctx, performance.id, 3);
    const one = await aConfirmedReservation(ctx, performance.id, 1);
    const four = await aConfirmedReservation(ctx, performance.id, 4);
    await aPendingReservation(ctx, performance.id, 5);
    const cancelled = await aConfirmedReservation(ctx, performance.id, 6);
    await ctx.services.bookings.cancel(cancelled.reservation.id, null);

    const at = (iso: string) => new Date(iso);
    const setConfirmedAt = (id: number, iso: string) => db().update(reservations).set({ confirmedAt: at(iso) }).where(eq(reservations.id, id));
    await setConfirmedAt(two.reservation.id, '2025-03-01T10:00:00Z');
    await setConfirmedAt(three.reservation.id, '2025-03-01T22:59:00Z'); // 23:59 in Rome
    await setConfirmedAt(one.reservation.id, '2025-03-01T23:30:00Z'); // already 2 March in Rome
    await setConfirmedAt(four.reservation.id, '2025-03-04T12:00:00Z');
    await setConfirmedAt(cancelled.reservation.id, '2025-03-02T12:00:00Z');

    await db()
      .insert(checkIns)
      .values([
        { reservationId: two.reservation.id, checkedInAt: at('2025-03-05T19:31:10Z'), staffUserId: userIds.door },
        { reservationId: three.reservation.id, checkedInAt: at('2025-03-05T19:39:59.999Z'), staffUserId: userIds.door },
        { reservationId: one.reservation.id, checkedInAt: at('2025-03-05T19:40:00Z'), staffUserId: userIds.door },
        { reservationId: four.reservation.id, checkedInAt: at('2025-03-05T19:59:59Z'), staffUserId: null, method: 'offline' },
      ]);

    const response = await ctx.client.get(`/api/admin/performances/${performance.id}/stats`, { cookie: cookies.content });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      seats_over_time: [
        { date: '2025-03-01', confirmed_seats: 5 },
        { date: '2025-03-02', confirmed_seats: 6 },
        { date: '2025-03-04', confirmed_seats: 10 },
      ],
      arrivals: [
        { at: '2025-03-05T19:30:00.000Z', seats: 5 },
        { at: '2025-03-05T19:40:00.000Z', seats: 1 },
        { at: '2025-03-05T19:50:00.000Z', seats: 4 },
      ],
    });
  });

  it('is empty for a performance without bookings and 404 for an unknown one', async () => {
    const { performance } = await aPerformance(ctx);
    const empty = await ctx.client.get(`/api/admin/performances/${performance.id}/stats`, { cookie: cookies.box_office });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ seats_over_time: [], arrivals: [] });
    for (const id of ['2147483647', 'abc']) {
      const unknown = await ctx.client.get(`/api/admin/performances/${id}/stats`, { cookie: cookies.box_office });
      expect(unknown.status).toBe(404);
      expect(unknown.body.status).toBe('not_found');
    }
  });
});
