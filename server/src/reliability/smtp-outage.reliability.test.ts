import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailOutbox, performances, shows, venues } from '../db/schema.js';
import { recipientOf } from '../test/smtp-mailbox.js';
import { call, drainedOutbox, sleep, startStack, type Stack } from './reliability-kit.js';

/*
 * The mail server is down while guests book: bookings keep succeeding (the email waits in the
 * outbox, written in the booking's transaction), each failed attempt is recorded, and once the
 * mail server is back every email is delivered by the retry, exactly once.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('smtp');
});
afterAll(() => stack?.stop());

describe('an SMTP outage', () => {
  it('does not stop bookings, and every email is delivered once when the mail server returns', async () => {
    const { database, mailbox } = stack;
    const server = stack.servers[0]!;
    const { db } = database;
    const [venue] = await db.insert(venues).values({ name: 'Sala muta', capacity: 500 }).returning();
    const [show] = await db.insert(shows).values({ title: 'Senza posta', slug: 'senza-posta', published: true }).returning();
    const [performance] = await db
      .insert(performances)
      .values({ showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 86_400_000) })
      .returning();
    const book = (n: number) =>
      call(server.base, 'POST', `/api/performances/${performance!.id}/reservations`, {
        body: { name: `Ospite ${n}`, email: `muta${n}@example.com`, party_size: 1 },
        ip: `10.8.0.${n}`,
      });

    // Before: mail flows.
    expect((await book(0)).status).toBe(201);
    await mailbox.waitUntil(() => mailbox.messages.length === 1, 'the first email');

    await mailbox.stop();
    const during: number[] = [];
    for (let wave = 0; wave < 4; wave += 1) {
      during.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => book(1 + wave * 10 + i)))).map((a) => a.status));
      await sleep(700);
    }
    expect(during).toEqual(Array(40).fill(201));
    // Every email of the outage was tried and failed, and waits for its retry.
    const waiting = await db.select().from(mailOutbox).where(eq(mailOutbox.status, 'pending'));
    expect(waiting).toHaveLength(40);
    expect(waiting.every((row) => row.attempts >= 1 && row.lastError && row.nextAttemptAt > new Date())).toBe(true);
    expect(mailbox.messages).toHaveLength(1);

    await mailbox.start();
    const after = await Promise.all(Array.from({ length: 5 }, (_, i) => book(100 + i)));
    expect(after.map((a) => a.status)).toEqual(Array(5).fill(201));
    // The retry comes after the first back-off (30 s).
    const outbox = await drainedOutbox(database, 60_000);
    expect(outbox.map((row) => row.status)).toEqual(Array(46).fill('sent'));
    await mailbox.waitUntil(() => mailbox.messages.length >= 46, 'the delayed emails', 5_000);
    await sleep(1500); // one more poll: anything sent twice would arrive now
    const deliveries = mailbox.deliveries();
    expect(deliveries.size).toBe(46);
    expect([...deliveries.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(mailbox.messages.map(recipientOf))).toEqual(new Set([0, ...Array.from({ length: 40 }, (_, i) => i + 1), 100, 101, 102, 103, 104].map((n) => `muta${n}@example.com`)));
    expect(outbox.filter((row) => row.attempts >= 2)).toHaveLength(40);
  });
});
