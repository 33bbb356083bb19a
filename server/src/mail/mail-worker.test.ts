import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailOutbox } from '../db/schema.js';
import { createLogger } from '../lib/logger.js';
import { enqueueMail } from './mail-repository.js';
import { backoffMs, MailWorker } from './mail-worker.js';
import { CapturingTransport, createTestContext, type TestContext } from '../test/harness.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const payload = {
  name: 'Luca',
  showTitle: 'Amleto',
  venueName: 'Sala',
  startsAt: new Date().toISOString(),
  partySize: 1,
  confirmUrl: 'https://tickets.azionelab.example/api/reservations/confirm/?token=x',
  expiresAt: new Date().toISOString(),
};

function worker(transport: CapturingTransport, now: () => Date = () => new Date()) {
  return new MailWorker(ctx.services.database.db, transport, createLogger('silent'), {
    pollIntervalMs: 60_000,
    timeZone: 'Europe/Rome',
    siteHost: 'tickets.azionelab.example',
    maxAttempts: 3,
    now,
  });
}

async function enqueue(recipient: string) {
  return (await enqueueMail(ctx.services.database.db, { kind: 'reservation_confirmation', recipient, reservationId: null, payload }))!;
}

describe('mail worker', () => {
  it('backs off exponentially up to an hour', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(20)).toBe(3_600_000);
  });

  it('retries after the backoff and gives up after the last attempt', async () => {
    const transport = new CapturingTransport();
    transport.failWith = new Error('connection refused');
    // A second ahead: the row's next_attempt_at is the database's now() at insert.
    let clock = Date.now() + 1000;
    const w = worker(transport, () => new Date(clock));
    const id = await enqueue('retry@example.com');

    await w.drain();
    let [row] = await ctx.services.database.db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    await w.drain(); // not yet due: nothing happens
    [row] = await ctx.services.database.db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
    expect(row!.attempts).toBe(1);

    clock += 10 * 60_000;
    await w.drain();
    clock += 10 * 60_000;
    await w.drain();
    [row] = await ctx.services.database.db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastError: 'connection refused' });

    transport.failWith = null;
    clock += 24 * 3_600_000;
    await w.drain();
    expect(transport.sent.filter((m) => m.to === 'retry@example.com')).toHaveLength(0);
  });

  it('delivers each message once when several workers drain the same outbox at the same time', async () => {
    const ids = [];
    for (let i = 0; i < 40; i += 1) ids.push(await enqueue(`parallel-${i}@example.com`));
    const transports = [new CapturingTransport(), new CapturingTransport(), new CapturingTransport()];
    await Promise.all(transports.map((t) => worker(t).drain()));

    const delivered = transports.flatMap((t) => t.sent.map((m) => m.to)).filter((to) => to.startsWith('parallel-'));
    expect(delivered).toHaveLength(40);
    expect(new Set(delivered).size).toBe(40);
    const rows = await ctx.services.database.db.select().from(mailOutbox).where(inArray(mailOutbox.id, ids));
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('takes back a message whose lease expired (a worker died mid-delivery)', async () => {
    const id = await enqueue('orphan@example.com');
    const { db } = ctx.services.database;
    await db.update(mailOutbox).set({ lockedUntil: new Date(Date.now() + 60_000), attempts: 1 }).where(eq(mailOutbox.id, id));
    const transport = new CapturingTransport();
    await worker(transport).drain();
    expect(transport.sent.some((m) => m.to === 'orphan@example.com')).toBe(false);
    await worker(transport, () => new Date(Date.now() + 120_000)).drain();
    expect(transport.sent.filter((m) => m.to === 'orphan@example.com')).toHaveLength(1);
  });
});
