import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservations } from '../db/schema.js';
import { aPendingReservation, aPerformance, createTestContext, databaseKind, type TestContext } from '../test/harness.js';

/*
 * The seeds' core promise: nobody is ever overbooked. On PostgreSQL the 50 requests really
 * run at once over a pool of connections and queue on the performance row lock; on PGlite
 * (one connection) they serialise, and the same assertions must hold.
 */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe(`concurrent confirmations (${databaseKind()})`, () => {
  it('confirms exactly 10 of 50 single-seat reservations for a 10-seat performance', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const pending = [];
    for (let i = 0; i < 50; i += 1) pending.push(await aPendingReservation(ctx, performance.id, 1));

    const responses = await Promise.all(
      pending.map((p) => ctx.client.post('/api/reservations/confirm', { token: p.rawConfirmationToken })),
    );

    const ok = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 409);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(40);
    expect(refused.every((r) => r.body.status === 'insufficient_seats')).toBe(true);
    // Each success saw the seats left after its own confirmation: 9, 8, … 0, each exactly once.
    expect(ok.map((r) => r.body.available_seats).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const { db } = ctx.services.database;
    const counts = await db
      .select({ status: reservations.status, n: sql<number>`count(*)::int` })
      .from(reservations)
      .where(eq(reservations.performanceId, performance.id))
      .groupBy(reservations.status);
    expect(Object.fromEntries(counts.map((c) => [c.status, c.n]))).toEqual({ confirmed: 10, pending: 40 });
  });

  it('never exceeds capacity with mixed party sizes', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 17, additionalSeats: 3, manuallyOccupiedSeats: 2 });
    const pending = [];
    for (let i = 0; i < 30; i += 1) pending.push(await aPendingReservation(ctx, performance.id, 1 + (i % 4)));

    await Promise.all(pending.map((p) => ctx.client.post('/api/reservations/confirm', { token: p.rawConfirmationToken })));

    const [row] = await ctx.services.database.db
      .select({ seats: sql<number>`coalesce(sum(${reservations.partySize}), 0)::int` })
      .from(reservations)
      .where(and(eq(reservations.performanceId, performance.id), eq(reservations.status, 'confirmed')));
    expect(row!.seats).toBeLessThanOrEqual(18);
    // The greedy queue leaves fewer seats free than the smallest party still waiting.
    expect(row!.seats).toBeGreaterThanOrEqual(18 - 3);
  });

  it('confirms a double-clicked link once', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const pending = await aPendingReservation(ctx, performance.id, 2);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => ctx.client.post('/api/reservations/confirm', { token: pending.rawConfirmationToken })),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.body.status === 'already_confirmed')).toHaveLength(9);
  });
});
