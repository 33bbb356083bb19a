import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mailOutbox, performances, shows, venues } from '../db/schema.js';
import { recipientOf, tokenInMail } from '../test/smtp-mailbox.js';
import { postFrom, startTwoInstances, type TwoInstances } from '../test/two-instances.js';

/*
 * Reminders leave once even with two instances polling the same outbox: both mail workers see
 * the reminders fall due at the same moment, and SKIP LOCKED hands each row to one of them.
 * Real server processes, a real SMTP server, one PostgreSQL; the `postgres` project only.
 */

const clusterUrl = inject('pgClusterUrl');
const GUESTS = 10;
let instances: TwoInstances | undefined;

beforeAll(async () => {
  if (!clusterUrl) return;
  // Reminders an hour ahead, and both workers polling every second.
  instances = await startTwoInstances(clusterUrl, 'reminders', { MAIL_POLL_INTERVAL: '1s', REMINDER_BEFORE: '1h' });
}, 120_000);

afterAll(async () => {
  await instances?.stop();
});

describe('reminders with two instances', () => {
  it('sends each reminder exactly once when it falls due', async () => {
    if (!clusterUrl) {
      expect(inject('pgClusterUrl')).toBe('');
      return;
    }
    const db = instances!.database.db;
    const [venue] = await db.insert(venues).values({ name: 'Sala', capacity: 50 }).returning();
    const [show] = await db.insert(shows).values({ title: 'Promemoria', slug: 'promemoria', published: true }).returning();
    // The reminders fall due 20 s from now: after every booking below is confirmed.
    const startsAt = new Date(Date.now() + 3_600_000 + 20_000);
    const [performance] = await db.insert(performances).values({ showId: show!.id, venueId: venue!.id, startsAt }).returning();

    const { bases } = instances!;
    for (let i = 0; i < GUESTS; i += 1) {
      const booked = await postFrom(bases[i % 2]!, `/api/performances/${performance!.id}/reservations`, { name: `Ospite ${i}`, email: `guest${i}@example.com`, party_size: 1 }, `10.3.0.${i + 1}`);
      expect(booked.status).toBe(201);
    }
    const received = instances!.mailbox.messages;
    const ofKind = (subject: RegExp) => received.filter((m) => subject.test(m.subject ?? ''));
    await instances!.mailbox.waitUntil(() => ofKind(/^Conferma la prenotazione: /).length >= GUESTS, 'the confirmation mails', 15_000);
    for (const [i, mail] of ofKind(/^Conferma la prenotazione: /).entries()) {
      expect((await postFrom(bases[(i + 1) % 2]!, '/api/reservations/confirm', { token: tokenInMail(mail)! }, `10.4.0.${i + 1}`)).status).toBe(200);
    }
    const reminders = await db.select().from(mailOutbox).where(eq(mailOutbox.kind, 'reservation_reminder'));
    expect(reminders).toHaveLength(GUESTS);
    expect(reminders.every((r) => r.status === 'pending' && r.nextAttemptAt.getTime() === startsAt.getTime() - 3_600_000)).toBe(true);
    expect(ofKind(/^Promemoria: /)).toHaveLength(0);

    await instances!.mailbox.waitUntil(() => ofKind(/^Promemoria: /).length >= GUESTS, 'the reminders', 45_000);
    // Both workers keep polling: give a duplicate every chance to appear.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const sent = ofKind(/^Promemoria: /);
    expect(sent).toHaveLength(GUESTS);
    expect(new Set(sent.map(recipientOf)).size).toBe(GUESTS);
    expect(new Set(sent.map((m) => m.messageId)).size).toBe(GUESTS);
    const rows = await db
      .select()
      .from(mailOutbox)
      .where(and(eq(mailOutbox.kind, 'reservation_reminder'), eq(mailOutbox.status, 'sent')));
    expect(rows).toHaveLength(GUESTS);
    expect(rows.every((row) => row.attempts === 1)).toBe(true);
  }, 120_000);
});
