import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performances, reservations } from '../db/schema.js';
import { aConfirmedReservation, aPerformance, createTestContext, databaseKind, loggedIn, type TestContext } from '../test/harness.js';

/*
 * Seat changes at the desk race each other and the box office's own tickets. On PostgreSQL the
 * 50 requests really run at once over the pool and queue on the reservation and performance row
 * locks; on PGlite (one connection) they serialise, and the same promise must hold: never more
 * confirmed seats than the performance has.
 */

let ctx: TestContext;
let cookie: string;
beforeAll(async () => {
  ctx = await createTestContext();
  cookie = (await loggedIn(ctx, 'box_office')).cookie;
});
afterAll(() => ctx.close());

const confirmedSeats = async (performanceId: number) => {
  const [row] = await ctx.services.database.db
    .select({ seats: sql<number>`coalesce(sum(${reservations.partySize}), 0)::int` })
    .from(reservations)
    .where(and(eq(reservations.performanceId, performanceId), eq(reservations.status, 'confirmed')));
  return row!.seats;
};

describe(`concurrent seat changes and box-office tickets (${databaseKind()})`, () => {
  it('never overbooks a 10-seat performance, and every refusal is insufficient_seats', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const held: number[] = [];
    for (let i = 0; i < 5; i += 1) held.push((await aConfirmedReservation(ctx, performance.id, 1)).reservation.id);

    // 25 seat changes (several per reservation, growing and shrinking) and 25 tickets at the desk.
    const requests = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? ctx.client.patch(`/api/admin/reservations/${held[i % held.length]}`, { party_size: 1 + ((i * 7) % 4) }, { cookie })
        : ctx.client.post(
            '/api/admin/reservations',
            { performance_id: performance.id, name: `Walk-in ${i}`, party_size: 1 + (i % 2), issue: 'confirmed_now' },
            { cookie },
          ),
    );
    const responses = await Promise.all(requests);

    const refused = responses.filter((r) => r.status === 409);
    expect(responses.filter((r) => ![200, 201, 409].includes(r.status)).map((r) => `${r.status} ${r.text}`)).toEqual([]);
    expect(refused.every((r) => r.body.status === 'insufficient_seats')).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    const issued = responses.filter((r) => r.status === 201);
    expect(issued.every((r) => r.body.status === 'confirmed' && typeof r.body.code === 'string')).toBe(true);

    const seats = await confirmedSeats(performance.id);
    expect(seats).toBeLessThanOrEqual(10);
    // The last answer for each reservation is what it holds now.
    const rows = await ctx.services.database.db.select().from(reservations).where(eq(reservations.performanceId, performance.id));
    expect(rows.filter((r) => r.status === 'confirmed')).toHaveLength(5 + issued.length);
    const availability = (await ctx.client.get(`/api/performances/${performance.id}`)).body.available_seats;
    expect(availability).toBe(10 - seats);
  });

  it('moves guests both ways between two dates at once without deadlock or overbooking', async () => {
    const { performance: first, show, venue } = await aPerformance(ctx, { capacity: 6 });
    const [second] = await ctx.services.database.db
      .insert(performances)
      .values({ showId: show.id, venueId: venue.id, startsAt: new Date(Date.now() + 4 * 86_400_000) })
      .returning();
    const onFirst: number[] = [];
    const onSecond: number[] = [];
    for (let i = 0; i < 5; i += 1) onFirst.push((await aConfirmedReservation(ctx, first.id, 1)).reservation.id);
    for (let i = 0; i < 5; i += 1) onSecond.push((await aConfirmedReservation(ctx, second!.id, 1)).reservation.id);

    // Opposite directions take the two performance locks: in id order, they queue instead of deadlocking.
    const responses = await Promise.all([
      ...onFirst.map((id) => ctx.client.patch(`/api/admin/reservations/${id}`, { performance_id: second!.id, party_size: 1 + (id % 2) }, { cookie })),
      ...onSecond.map((id) => ctx.client.patch(`/api/admin/reservations/${id}`, { performance_id: first.id, party_size: 1 + (id % 2) }, { cookie })),
    ]);
    expect(responses.filter((r) => ![200, 409].includes(r.status)).map((r) => `${r.status} ${r.text}`)).toEqual([]);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.status === 'insufficient_seats')).toBe(true);
    expect(await confirmedSeats(first.id)).toBeLessThanOrEqual(6);
    expect(await confirmedSeats(second!.id)).toBeLessThanOrEqual(6);
    expect((await confirmedSeats(first.id)) + (await confirmedSeats(second!.id))).toBeGreaterThanOrEqual(10);
  });
});
