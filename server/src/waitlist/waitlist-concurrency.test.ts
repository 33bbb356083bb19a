import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performances, reservations, venues, waitlistEntries } from '../db/schema.js';
import { aConfirmedReservation, aPendingReservation, aPerformance, createTestContext, databaseKind, loggedIn, type TestContext } from '../test/harness.js';
import { hashToken } from '../lib/tokens.js';

/*
 * Offers, confirmations, cancellations, declines, expiries and staff seat changes racing on one
 * sold-out performance. On PostgreSQL they really run at once over the pool and meet at the
 * performance row lock; the invariants must hold after every round, and no request may fail
 * with anything but a stable 4xx code (a deadlock would surface as a 500).
 */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

/** Seeded so a failure can be replayed: the seed is in the test name. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe(`waiting list under contention (${databaseKind()})`, () => {
  for (const seed of [7, 42, 1234]) {
    it(`never overbooks, never takes an offer twice (seed ${seed})`, { timeout: 120_000 }, async () => {
      const rand = random(seed);
      const { performance, venue } = await aPerformance(ctx, { capacity: 12 });
      const confirmed = [];
      for (let i = 0; i < 6; i += 1) confirmed.push(await aConfirmedReservation(ctx, performance.id, 2));
      // Pending bookings made before the sell-out keep trying to confirm.
      const { db } = ctx.services.database;
      await db.update(venues).set({ capacity: 40 }).where(eq(venues.id, venue.id));
      const pending = [];
      for (let i = 0; i < 14; i += 1) pending.push(await aPendingReservation(ctx, performance.id, 1 + Math.floor(rand() * 2)));
      await db.update(venues).set({ capacity: 12 }).where(eq(venues.id, venue.id));
      // Ten parties join the list (sold out now) and confirm their opt-in.
      for (let i = 0; i < 10; i += 1) {
        const entry = await ctx.services.waitlist.join(performance.id, { name: `W${i}`, email: `w${seed}-${i}@example.com`, party_size: 1 + Math.floor(rand() * 3) });
        const token = await joinTokenOf(entry.entry_id);
        await ctx.services.waitlist.confirmJoin(token);
      }
      const { cookie } = await loggedIn(ctx, 'admin');
      const later = ctx.withEnv({}, { now: () => new Date(Date.now() + ctx.env.WAITLIST_OFFER_TTL + 60_000) });

      const statuses: number[] = [];
      const call = async (work: () => Promise<{ status: number; body: { status?: string } }>) => {
        const response = await work();
        statuses.push(response.status);
        if (response.status >= 500) throw new Error(`500: ${JSON.stringify(response.body)}`);
      };
      for (let round = 0; round < 4; round += 1) {
        const offers = await liveOfferTokens(performance.id);
        const jobs: (() => Promise<unknown>)[] = [];
        for (const c of confirmed.splice(0, 2)) jobs.push(() => call(() => ctx.client.post('/api/reservations/cancel', { token: c.rawCheckInToken })));
        for (const p of pending.splice(0, 4)) jobs.push(() => call(() => ctx.client.post('/api/reservations/confirm', { token: p.rawConfirmationToken })));
        for (const token of offers) {
          const decline = rand() < 0.25;
          jobs.push(() => call(() => ctx.client.post(decline ? '/api/waitlist/decline' : '/api/waitlist/accept', { token })));
          // The same link clicked twice at once.
          if (rand() < 0.5) jobs.push(() => call(() => ctx.client.post('/api/waitlist/accept', { token })));
        }
        if (round === 2) jobs.push(() => later.services.waitlist.expireOffers());
        if (round === 1) jobs.push(() => call(() => ctx.client.patch(`/api/admin/performances/${performance.id}`, { additional_seats: 1 + Math.floor(rand() * 3) }, { cookie })));
        if (round === 3) jobs.push(() => call(() => ctx.client.patch(`/api/admin/performances/${performance.id}`, { manually_occupied_seats: 1 }, { cookie })));
        jobs.sort(() => rand() - 0.5);
        await Promise.all(jobs.map((job) => job()));
        await expectInvariants(performance.id);
      }
      expect(statuses.every((s) => s < 500)).toBe(true);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    });
  }
});

async function joinTokenOf(entryId: number): Promise<string> {
  // The raw token exists only in the email: read it from the queued payload, as the guest would.
  await ctx.services.mailWorker.drain();
  const mail = [...ctx.mail.sent].reverse().find((m) => /^Lista d’attesa, conferma:/.test(m.subject) && m.text.includes('#token='));
  const token = /#token=([\w-]+)/.exec(mail!.text)![1]!;
  const found = await ctx.services.database.db.execute(sql`select entry_id from waitlist_tokens where token_hash = ${hashToken(token)}`);
  const rows = (Array.isArray(found) ? found : (found as { rows: { entry_id: number }[] }).rows) as { entry_id: number }[];
  expect(rows[0]?.entry_id).toBe(entryId);
  return token;
}

/** Offer links emailed for this performance's entries that are still offered. */
async function liveOfferTokens(performanceId: number): Promise<string[]> {
  await ctx.services.mailWorker.drain();
  const offered = await ctx.services.database.db.select().from(waitlistEntries).where(eq(waitlistEntries.performanceId, performanceId));
  const emails = new Set(offered.filter((e) => e.status === 'offered').map((e) => e.email));
  return ctx.mail.sent
    .filter((m) => emails.has(m.to) && /^Posti liberi per te:/.test(m.subject))
    .map((m) => /#token=([\w-]+)/.exec(m.text)![1]!);
}

async function expectInvariants(performanceId: number) {
  const { db } = ctx.services.database;
  const [p] = await db
    .select({ capacity: venues.capacity, additional: performances.additionalSeats, manual: performances.manuallyOccupiedSeats })
    .from(performances)
    .innerJoin(venues, eq(venues.id, performances.venueId))
    .where(eq(performances.id, performanceId));
  const [confirmedRow] = await db
    .select({ seats: sql<number>`coalesce(sum(${reservations.partySize}), 0)::int` })
    .from(reservations)
    .where(sql`${reservations.performanceId} = ${performanceId} and ${reservations.status} = 'confirmed'`);
  const entries = await db.select().from(waitlistEntries).where(eq(waitlistEntries.performanceId, performanceId));
  const held = entries.filter((e) => e.status === 'offered').reduce((sum, e) => sum + e.partySize, 0);
  const seats = p!.capacity + p!.additional;
  // Seats occupied by hand may exceed what is left (staff override); bookings and holds never do.
  expect(confirmedRow!.seats + held).toBeLessThanOrEqual(seats);
  const accepted = entries.filter((e) => e.status === 'accepted');
  expect(accepted.every((e) => e.reservationId !== null)).toBe(true);
  expect(new Set(accepted.map((e) => e.reservationId)).size).toBe(accepted.length);
  // Each accepted entry's reservation has its party size, confirmed.
  for (const entry of accepted) {
    const [r] = await db.select().from(reservations).where(eq(reservations.id, entry.reservationId!));
    expect(r).toMatchObject({ status: expect.stringMatching(/confirmed|cancelled/), partySize: entry.partySize });
  }
}
