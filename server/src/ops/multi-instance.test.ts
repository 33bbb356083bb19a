import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mailOutbox, performances, reservations, shows, venues } from '../db/schema.js';
import { tokenInMail } from '../test/smtp-mailbox.js';
import { postFrom, startTwoInstances, type TwoInstances } from '../test/two-instances.js';

/*
 * Two server processes behind one PostgreSQL, as `docker compose up --scale app=2` runs them:
 * bookings and confirmations spread over both never overbook, every queued email leaves once
 * (the outbox is claimed with FOR UPDATE SKIP LOCKED), and throttles count across both.
 * PGlite is one process's database, so this runs in the `postgres` project only.
 */

const clusterUrl = inject('pgClusterUrl');
let instances: TwoInstances | undefined;

beforeAll(async () => {
  if (!clusterUrl) return;
  instances = await startTwoInstances(clusterUrl, 'multi', {
    MAIL_POLL_INTERVAL: '1s',
    THROTTLE_RESERVATION_CREATE: '25/hour',
    THROTTLE_RESERVATION_CONFIRM: '10000/hour',
  });
}, 120_000);

afterAll(async () => {
  await instances?.stop();
});

describe('two instances on one PostgreSQL', () => {
  it('never overbook, send each email once, and share throttles', async () => {
    if (!clusterUrl) {
      expect(inject('pgClusterUrl')).toBe('');
      return;
    }
    const db = instances!.database.db;
    const { bases } = instances!;
    const [venue] = await db.insert(venues).values({ name: 'Sala', capacity: 12 }).returning();
    const [show] = await db.insert(shows).values({ title: 'Due sale', slug: 'due-sale', published: true }).returning();
    const [performance] = await db
      .insert(performances)
      .values({ showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 86_400_000) })
      .returning();

    // 40 guests book through alternating instances, each from their own address.
    const bookings = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        postFrom(bases[i % 2]!, `/api/performances/${performance!.id}/reservations`, { name: `Ospite ${i}`, email: `ospite${i}@example.com`, party_size: 1 }, `10.1.0.${i + 1}`),
      ),
    );
    expect(bookings.map((r) => r.status).every((s) => s === 201)).toBe(true);

    // Everyone confirms at once, through the other instance than the one they booked on.
    const received = instances!.mailbox.messages;
    const confirmationMails = () => received.filter((m) => m.subject?.startsWith('Conferma la prenotazione'));
    await instances!.mailbox.waitUntil(() => confirmationMails().length >= 40, 'the confirmation mails', 10_000);
    const tokens = confirmationMails().map((m) => tokenInMail(m)!);
    expect(tokens).toHaveLength(40);
    const confirmations = await Promise.all(tokens.map((token, i) => postFrom(bases[(i + 1) % 2]!, '/api/reservations/confirm', { token }, `10.2.0.${i + 1}`)));
    const statuses = confirmations.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(12);
    expect(statuses.filter((s) => s === 409)).toHaveLength(28);
    const [seats] = await db
      .select({ n: sql<number>`coalesce(sum(${reservations.partySize}), 0)::int` })
      .from(reservations)
      .where(sql`${reservations.performanceId} = ${performance!.id} and ${reservations.status} = 'confirmed'`);
    expect(seats!.n).toBe(12);

    // Every outbox row is delivered exactly once, whichever instance's worker took it.
    for (let i = 0; i < 100; i += 1) {
      const pending = await db.select({ id: mailOutbox.id }).from(mailOutbox).where(sql`${mailOutbox.status} <> 'sent'`);
      if (pending.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = await db.select().from(mailOutbox);
    expect(rows).toHaveLength(52);
    expect(rows.every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true);
    const ids = received.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(52);

    // 25 bookings an hour per address, counted across both instances.
    const [roomy] = await db
      .insert(performances)
      .values({ showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 86_400_000), additionalSeats: 100 })
      .returning();
    const sameAddress: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      sameAddress.push(
        (await postFrom(bases[i % 2]!, `/api/performances/${roomy!.id}/reservations`, { name: 'Bot', email: `bot${i}@example.com`, party_size: 1 }, '10.9.9.9')).status,
      );
    }
    expect(sameAddress.filter((s) => s === 201)).toHaveLength(25);
    expect(sameAddress.filter((s) => s === 429)).toHaveLength(5);
  }, 120_000);
});
