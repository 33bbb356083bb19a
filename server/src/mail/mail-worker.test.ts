import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailOutbox } from '../db/schema.js';
import { createLogger } from '../lib/logger.js';
import type { MailPayload } from './mail-payloads.js';
import { enqueueMail } from './mail-repository.js';
import { backoffMs, MailWorker } from './mail-worker.js';
import { CapturingTransport, createTestContext, type TestContext } from '../test/harness.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const payload: MailPayload<'reservation_confirmation'> = {
  locale: 'it',
  name: 'Luca',
  showTitle: 'Amleto',
  venueName: 'Sala',
  startsAt: new Date().toISOString(),
  partySize: 1,
  confirmUrl: 'https://tickets.azionelab.example/api/reservations/confirm/?token=x',
  expiresAt: new Date().toISOString(),
};

/** A second ahead by default: a row's `next_attempt_at` is the database's clock at insert. */
function worker(transport: CapturingTransport, now: () => Date = () => new Date(Date.now() + 1000), replyTo?: string) {
  return new MailWorker(ctx.services.database.db, transport, createLogger('silent'), {
    pollIntervalMs: 60_000,
    timeZone: 'Europe/Rome',
    siteBaseUrl: 'https://tickets.azionelab.example',
    maxAttempts: 3,
    now,
    ...(replyTo && { replyTo }),
  });
}

async function enqueue(recipient: string) {
  return (await enqueueMail(ctx.services.database.db, 'reservation_confirmation', payload, { recipient, reservationId: null }))!;
}

const rowOf = async (id: number) => (await ctx.services.database.db.select().from(mailOutbox).where(eq(mailOutbox.id, id)))[0]!;

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

  it('marks a payload its kind cannot read failed at once, without retrying it, and goes on with the rest', async () => {
    const { db } = ctx.services.database;
    const [corrupt] = await db
      .insert(mailOutbox)
      .values({ kind: 'reservation_ticket', recipient: 'corrupt@example.com', reservationId: null, payload: { name: 'Luca', startsAt: 'yesterday' } })
      .returning();
    const good = await enqueue('after-corrupt@example.com');
    const transport = new CapturingTransport();
    await worker(transport).drain();

    const row = await rowOf(corrupt!.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, payload: {} });
    // The fields that failed are named; their values (personal data) are not.
    expect(row.lastError).toMatch(/^unreadable reservation_ticket payload: .*showTitle/);
    expect(row.lastError).toContain('startsAt');
    expect(row.lastError).not.toContain('yesterday');
    expect(transport.sent.some((m) => m.to === 'corrupt@example.com')).toBe(false);
    expect((await rowOf(good)).status).toBe('sent');
  });

  it('reads a payload queued before emails had a language as Italian', async () => {
    const { locale: _locale, ...legacy } = payload;
    const [row] = await ctx.services.database.db
      .insert(mailOutbox)
      .values({ kind: 'reservation_confirmation', recipient: 'legacy@example.com', reservationId: null, payload: legacy })
      .returning();
    const transport = new CapturingTransport();
    await worker(transport).drain();
    expect((await rowOf(row!.id)).status).toBe('sent');
    expect(transport.sent.find((m) => m.to === 'legacy@example.com')!.subject).toMatch(/^Conferma la prenotazione: Amleto, /);
  });

  it('sets the box office as Reply-To on guest emails when MAIL_REPLY_TO is set, and invites a reply', async () => {
    await enqueue('reply@example.com');
    const withReply = new CapturingTransport();
    await worker(withReply, undefined, 'biglietteria@azionelab.example').drain();
    const mail = withReply.sent.find((m) => m.to === 'reply@example.com')!;
    expect(mail.replyTo).toBe('biglietteria@azionelab.example');
    expect(mail.text).toContain('Rispondi a questa email');

    await enqueue('no-reply@example.com');
    const without = new CapturingTransport();
    await worker(without).drain();
    const plain = without.sent.find((m) => m.to === 'no-reply@example.com')!;
    expect(plain.replyTo).toBeUndefined();
    // From the no-reply sender, nothing asks for a reply.
    expect(plain.text).not.toMatch(/rispondi|reply/i);
  });

  it('sends staff emails without the box office as Reply-To', async () => {
    await enqueueMail(
      ctx.services.database.db,
      'staff_password_reset',
      { locale: 'en', name: 'Staff', link: 'https://tickets.azionelab.example/admin/set-password#token=x', expiresAt: new Date().toISOString() },
      { recipient: 'staff-reply@example.com', reservationId: null },
    );
    const transport = new CapturingTransport();
    await worker(transport, undefined, 'biglietteria@azionelab.example').drain();
    const mail = transport.sent.find((m) => m.to === 'staff-reply@example.com')!;
    expect(mail.replyTo).toBeUndefined();
    expect(mail.subject).toBe('Reset your password');
    expect(mail.text).toContain('Italiano: Scegli una nuova password\nhttps://tickets.azionelab.example/admin/set-password?lang=it#token=x');
  });

  it('refuses at compile time a payload that does not fit its kind', () => {
    const address = { recipient: null, reservationId: null };
    const db = ctx.services.database.db;
    // Each call is refused by the type checker (the test asserts nothing at run time: no
    // recipient, nothing is written). `tsc` fails if one of them stops being an error.
    // @ts-expect-error a ticket needs the evening's fields
    void enqueueMail(db, 'reservation_ticket', { locale: 'it', name: 'Luca' }, address);
    // @ts-expect-error an offer has an offer link, not a confirmation link
    void enqueueMail(db, 'waitlist_offer', { ...payload }, address);
    // @ts-expect-error every guest email says its language
    void enqueueMail(db, 'reservation_cancelled', { name: 'L', showTitle: 'S', venueName: 'V', startsAt: '', partySize: 1 }, address);
    // @ts-expect-error raw ticket links are never queued (the worker derives them)
    void enqueueMail(db, 'reservation_ticket', { ...payload, ticketUrl: 'https://x/ticket#token=raw' }, address);
    expect(true).toBe(true);
  });
});
