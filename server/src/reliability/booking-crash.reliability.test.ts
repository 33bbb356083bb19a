import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performances, reservations, shows, venues } from '../db/schema.js';
import { recipientOf } from '../test/smtp-mailbox.js';
import { call, drainedOutbox, reportSeedOnFailure, Rng, seedsFor, sleep, startStack, type Stack } from './reliability-kit.js';

/*
 * Guests keep booking while the server is killed with SIGKILL (no shutdown, transactions and
 * an SMTP delivery cut wherever they were) and restarted, three times. Afterwards every
 * reservation that got a 201 exists, no reservation exists for a request that was refused,
 * and every queued email reaches the mail server once: a message whose delivery was cut
 * between the SMTP server's "250 OK" and the outbox update may arrive again after the lease,
 * with the same Message-ID, so the receiving side can drop it; at most one per crash.
 */

const [SEED] = seedsFor(process.env.RELIABILITY_SEED, 1) as [number];
const CLIENTS = 4;
// Paced: the outbox worker sends about ten emails a second to this SMTP server (it pauses 100 ms
// before greeting each connection), and every booking's email must be through within the test.
const PAUSE_MS = 100;
const CRASHES = 3;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('crash');
});
afterAll(() => stack?.stop());

describe('a server killed during booking load', () => {
  it('keeps every 201 and delivers every queued email', async () => {
    const { database, mailbox } = stack;
    const server = stack.servers[0]!;
    reportSeedOnFailure(SEED, 'booking crash');
    const rng = new Rng(SEED);
    const { db } = database;
    const [venue] = await db.insert(venues).values({ name: 'Sala crash', capacity: 5000 }).returning();
    const [show] = await db.insert(shows).values({ title: 'Crash', slug: `crash-${SEED}`, published: true }).returning();
    const [performance] = await db
      .insert(performances)
      .values({ showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 86_400_000) })
      .returning();

    const created = new Map<number, string>();
    const outcomes = { created: 0, unanswered: 0, other: [] as unknown[] };
    let stop = false;
    let guest = 0;
    const client = async (n: number) => {
      while (!stop) {
        guest += 1;
        const email = `c${n}-g${guest}@example.com`;
        const answer = await call(server.base, 'POST', `/api/performances/${performance!.id}/reservations`, {
          body: { name: `Ospite ${guest}`, email, party_size: 1 },
          ip: `10.7.${n}.${guest % 250}`,
          timeoutMs: 5_000,
        });
        if (answer.status === 201) {
          outcomes.created += 1;
          created.set(answer.body.reservation_id, email);
          await sleep(PAUSE_MS);
        } else if (answer.status === 0) {
          outcomes.unanswered += 1;
          await sleep(50);
        } else {
          outcomes.other.push(answer);
        }
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
    for (let crash = 0; crash < CRASHES; crash += 1) {
      await sleep(rng.int(700, 1500));
      await server.kill();
      await sleep(rng.int(100, 500));
      await server.start();
    }
    await sleep(1000);
    stop = true;
    await load;

    expect(outcomes.other).toEqual([]);
    expect(outcomes.created).toBeGreaterThan(50);
    expect(outcomes.unanswered).toBeGreaterThan(0);

    // Every 201 is a row with what was sent; a row without a 201 can only be a request whose
    // answer was lost in a crash.
    const rows = await db.select().from(reservations).where(eq(reservations.performanceId, performance!.id));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const missing = [...created].filter(([id, email]) => byId.get(id)?.email !== email);
    expect(missing).toEqual([]);
    expect(rows.length - created.size).toBeLessThanOrEqual(outcomes.unanswered);

    // Every queued email is delivered: one confirmation per reservation, each Message-ID once
    // except at most one re-delivery per crash (same Message-ID).
    const outbox = await drainedOutbox(database, 60_000);
    expect(outbox.filter((row) => row.status !== 'sent')).toEqual([]);
    expect(outbox).toHaveLength(rows.length);
    await mailbox.waitUntil(() => mailbox.deliveries().size >= outbox.length, 'every outbox row at the mail server');
    const deliveries = mailbox.deliveries();
    expect(new Set(deliveries.keys())).toEqual(new Set(outbox.map((row) => row.messageId)));
    const redelivered = [...deliveries.values()].reduce((sum, n) => sum + (n - 1), 0);
    expect(redelivered).toBeLessThanOrEqual(CRASHES);
    const guests = new Set(mailbox.messages.map(recipientOf));
    expect(rows.filter((r) => !guests.has(r.email ?? ""))).toEqual([]);
    process.stdout.write(
      `booking crash (seed ${SEED}): ${outcomes.created} created, ${outcomes.unanswered} unanswered, ${rows.length} rows, ${outbox.length} emails, ${redelivered} re-delivered\n`,
    );
  });
});
