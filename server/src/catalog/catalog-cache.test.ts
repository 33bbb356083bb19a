import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { venues } from '../db/schema.js';
import { aPerformance, createTestContext, tokenFromUrl, type TestContext } from '../test/harness.js';

/*
 * Public reads are microcached (PUBLIC_CACHE_TTL): repeated reads within the TTL share one
 * database read, and any write through the app clears the cache so a visitor sees their own
 * booking at once. A long TTL here makes the caching observable.
 */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ PUBLIC_CACHE_TTL: '1h' });
});
afterAll(() => ctx.close());

describe('public read cache', () => {
  it('answers repeated reads from memory, and shows a booking made through the app at once', async () => {
    const { performance, venue } = await aPerformance(ctx, { capacity: 10 });
    const seats = async () => (await ctx.client.get(`/api/performances/${performance.id}`)).body.available_seats;
    expect(await seats()).toBe(10);

    // A change behind the app's back (another instance) shows only after the TTL...
    await ctx.services.database.db.update(venues).set({ capacity: 20 }).where(eq(venues.id, venue.id));
    expect(await seats()).toBe(10);

    // ...but any write through this instance clears the cache.
    const booked = await ctx.client.post(`/api/performances/${performance.id}/reservations`, { name: 'Maria', email: 'maria@example.com', party_size: 2 });
    expect(booked.status).toBe(201);
    expect(await seats()).toBe(20);
    await ctx.services.mailWorker.drain();
    const link = /https?:\/\/\S+#token=[\w-]+/.exec(ctx.mail.sent.at(-1)!.text)![0];
    expect((await ctx.client.post('/api/reservations/confirm', { token: tokenFromUrl(link) })).status).toBe(200);
    expect(await seats()).toBe(18);
    const programme = (await ctx.client.get('/api/shows')).body as { performances: { id: number; available_seats: number }[] }[];
    expect(programme.flatMap((s) => s.performances).find((p) => p.id === performance.id)?.available_seats).toBe(18);
  });

  it('does not keep a not-found answer', async () => {
    expect((await ctx.client.get('/api/shows/not-yet-there')).status).toBe(404);
    const { show } = await aPerformance(ctx, { capacity: 5 });
    expect((await ctx.client.get(`/api/shows/${show.slug}`)).status).toBe(200);
  });

  it("publishes the theatre's booking rules with each performance", async () => {
    const { performance } = await aPerformance(ctx, { capacity: 5 });
    expect((await ctx.client.get(`/api/performances/${performance.id}`)).body).toMatchObject({ max_party_size: 10, confirmation_link_hours: 48 });
    const strict = ctx.withEnv({ MAX_PARTY_SIZE: '4', CONFIRMATION_TOKEN_TTL: '24h' });
    expect((await strict.client.get(`/api/performances/${performance.id}`)).body).toMatchObject({ max_party_size: 4, confirmation_link_hours: 24 });
  });
});
