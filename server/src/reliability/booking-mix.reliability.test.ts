import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { auditLog, mailOutbox, performances, reservations, reservationTokens, shows, venues } from '../db/schema.js';
import type { ServerProcess } from '../test/server-process.js';
import { recipientOf, tokenInMail, type SmtpMailbox } from '../test/smtp-mailbox.js';
import { call, reportSeedOnFailure, Rng, seedsFor, staffLogin, startStack, type Answer, type Stack } from './reliability-kit.js';

/*
 * Randomized concurrent mixes on two server processes sharing one PostgreSQL: guests book and
 * confirm (sometimes the same link twice at once, on both instances), staff cancel and change
 * the seats of the performance, all interleaved. Checked after every burst and at the end:
 * confirmed seats never exceed what the performance offered while the burst ran, no
 * reservation is confirmed twice, every 201 is a row that exists, every answer is a 2xx or a
 * deliberate 409, never a 500.
 */

const SEEDS = seedsFor(process.env.RELIABILITY_SEED, 6);
const BURSTS = 4;

let stack: Stack;
let database: Database;
let mailbox: SmtpMailbox;
let servers: ServerProcess[] = [];
let staffCookie = '';

beforeAll(async () => {
  stack = await startStack('mix', 2);
  ({ database, mailbox, servers } = stack);
  staffCookie = await staffLogin(database, servers[0]!.base, 'admin');
});

afterAll(() => stack?.stop());

interface Booked {
  id: number;
  email: string;
  partySize: number;
}

type Op = { kind: 'create' | 'confirm' | 'cancel' | 'seats'; answer: Answer; reservationId?: number };

async function aPerformance(rng: Rng) {
  const { db } = database;
  const [venue] = await db.insert(venues).values({ name: `Sala ${rng.seed}`, capacity: rng.int(4, 14) }).returning();
  const [show] = await db.insert(shows).values({ title: `Mix ${rng.seed}`, slug: `mix-${rng.seed}-${Date.now()}`, published: true }).returning();
  const [performance] = await db
    .insert(performances)
    .values({ showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 2 * 86_400_000) })
    .returning();
  return { id: performance!.id, capacity: venue!.capacity };
}

async function confirmedSeats(performanceId: number): Promise<number> {
  const [row] = await database.db
    .select({ seats: sql<number>`coalesce(sum(${reservations.partySize}), 0)::int` })
    .from(reservations)
    .where(and(eq(reservations.performanceId, performanceId), eq(reservations.status, 'confirmed')));
  return row!.seats;
}

describe('randomized concurrent bookings, confirmations, cancellations and seat changes', () => {
  it.each(SEEDS)('seed %i: never overbooks, never confirms twice, every 201 exists', async (seed) => {
    reportSeedOnFailure(seed, 'booking mix');
    const rng = new Rng(seed);
    const performance = await aPerformance(rng);
    const booked = new Map<number, Booked>();
    const ops: Op[] = [];
    let seats = { additional: 0, manual: 0 };
    const offered = () => performance.capacity + seats.additional - seats.manual;
    let guest = 0;
    const server = () => rng.pick(servers).base;
    const tokenOf = (r: Booked) => {
      const mail = mailbox.messages.find((m) => recipientOf(m) === r.email && /^(Confirm your reservation|Conferma la prenotazione)\b/.test(m.subject ?? ''));
      return mail && tokenInMail(mail);
    };

    for (let burst = 0; burst < BURSTS; burst += 1) {
      const before = await confirmedSeats(performance.id);
      const offeredDuringBurst = [offered()];
      const work: Promise<void>[] = [];
      // Seat changes run one after the other, so every value the performance held is known.
      let seatChanges = Promise.resolve();
      const count = rng.int(25, 45);
      for (let i = 0; i < count; i += 1) {
        const roll = rng.next();
        const delay = rng.int(0, 40);
        const later = (fn: () => Promise<void>) => work.push(new Promise((resolve) => setTimeout(resolve, delay)).then(fn));
        const known = [...booked.values()];
        if (roll < 0.4 || known.length === 0) {
          guest += 1;
          const email = `s${seed}-g${guest}@example.com`;
          const partySize = rng.int(1, 4);
          const base = server();
          const ip = `10.${burst}.${Math.floor(guest / 250)}.${guest % 250}`;
          later(async () => {
            const answer = await call(base, 'POST', `/api/performances/${performance.id}/reservations`, { body: { name: `Ospite ${guest}`, email, party_size: partySize }, ip });
            ops.push({ kind: 'create', answer });
            if (answer.status === 201) booked.set(answer.body.reservation_id, { id: answer.body.reservation_id, email, partySize });
          });
        } else if (roll < 0.75) {
          const target = rng.pick(known);
          const token = tokenOf(target)!;
          // The same link opened twice at once (double click, two tabs) on both instances.
          const copies = rng.chance(0.3) ? 2 : 1;
          for (let c = 0; c < copies; c += 1) {
            const base = servers[(c + rng.int(0, 1)) % 2]!.base;
            later(async () => {
              const answer = await call(base, 'POST', '/api/reservations/confirm', { body: { token }, ip: `10.200.${burst}.${c}` });
              ops.push({ kind: 'confirm', answer, reservationId: target.id });
            });
          }
        } else if (roll < 0.9) {
          const target = rng.pick(known);
          const base = server();
          later(async () => {
            const answer = await call(base, 'POST', `/api/admin/reservations/${target.id}/cancel`, { cookie: staffCookie });
            ops.push({ kind: 'cancel', answer, reservationId: target.id });
          });
        } else {
          const next = { additional: rng.int(0, 6), manual: rng.int(0, 6) };
          const base = server();
          seatChanges = seatChanges.then(async () => {
            const answer = await call(base, 'PATCH', `/api/admin/performances/${performance.id}`, {
              body: { additional_seats: next.additional, manually_occupied_seats: next.manual },
              cookie: staffCookie,
            });
            ops.push({ kind: 'seats', answer });
            if (answer.status === 200) {
              seats = next;
              offeredDuringBurst.push(offered());
            }
          });
        }
      }
      work.push(seatChanges);
      const opsBefore = ops.length;
      await Promise.all(work);
      const burstOps = ops.slice(opsBefore);

      const after = await confirmedSeats(performance.id);
      const confirmedInBurst = burstOps.some((op) => op.kind === 'confirm' && op.answer.status === 200);
      // A confirmation only succeeds if the party fits what the performance offers at that
      // moment; after it, only cancellations or other fitting confirmations happen.
      expect(after).toBeLessThanOrEqual(confirmedInBurst ? Math.max(...offeredDuringBurst) : before);
      // Guests need their confirmation link for the next bursts.
      await mailbox.waitUntil(() => [...booked.values()].every((r) => tokenOf(r)), 'the confirmation mails');
    }

    const unexpected = ops.filter(({ kind, answer }) => {
      // A cancelled reservation's link is revoked: confirming it is invalid_token (404).
      const allowed = { create: [201, 409], confirm: [200, 404, 409], cancel: [200, 409], seats: [200] }[kind];
      const codes = ['insufficient_seats', 'already_confirmed', 'reservation_cancelled', 'invalid_token'];
      return !allowed.includes(answer.status) || (answer.status >= 400 && !codes.includes(answer.body?.status));
    });
    expect(unexpected.map((op) => ({ kind: op.kind, status: op.answer.status, body: op.answer.body }))).toEqual([]);

    // Every 201 is a row, as booked; no row exists that no 201 announced.
    const rows = await database.db.select().from(reservations).where(eq(reservations.performanceId, performance.id));
    expect(rows.map((r) => r.id).sort((a, b) => a - b)).toEqual([...booked.keys()].sort((a, b) => a - b));
    for (const row of rows) expect({ email: row.email, party: row.partySize }).toEqual({ email: booked.get(row.id)!.email, party: booked.get(row.id)!.partySize });

    // No reservation confirmed twice: one 200 at most, one ticket token, one audit entry, one ticket mail.
    const ids = [...booked.keys()];
    const successes = new Map<number, number>();
    for (const op of ops) if (op.kind === 'confirm' && op.answer.status === 200) successes.set(op.reservationId!, (successes.get(op.reservationId!) ?? 0) + 1);
    expect([...successes.values()].filter((n) => n > 1)).toEqual([]);
    const tickets = await database.db
      .select({ id: reservationTokens.reservationId, n: sql<number>`count(*)::int` })
      .from(reservationTokens)
      .where(and(inArray(reservationTokens.reservationId, ids), eq(reservationTokens.purpose, 'check_in')))
      .groupBy(reservationTokens.reservationId);
    expect(Object.fromEntries(tickets.map((t) => [t.id, t.n]))).toEqual(Object.fromEntries([...successes.keys()].map((id) => [id, 1])));
    const audits = await database.db
      .select({ id: auditLog.entityId, n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'reservation.confirm'), inArray(auditLog.entityId, ids)))
      .groupBy(auditLog.entityId);
    expect(audits.every((a) => a.n === 1 && successes.has(a.id!))).toBe(true);
    for (const row of rows) {
      if (row.status === 'confirmed') expect(successes.get(row.id)).toBe(1);
      if (row.status === 'pending') expect(successes.has(row.id)).toBe(false);
    }
    // Each ticket email is delivered once, unless its reservation was cancelled before it went
    // out: the worker then drops it (a QR the door refuses is not worth sending).
    const ticketMails = (id: number) => mailbox.messages.filter((m) => recipientOf(m) === booked.get(id)!.email && /^(Your ticket|Il tuo biglietto)\b/.test(m.subject ?? ''));
    const dropped = async () =>
      new Set(
        (
          await database.db
            .select({ id: mailOutbox.reservationId })
            .from(mailOutbox)
            .where(and(inArray(mailOutbox.reservationId, ids), eq(mailOutbox.kind, 'reservation_ticket'), eq(mailOutbox.status, 'dropped')))
        ).map((row) => row.id),
      );
    let droppedIds = await dropped();
    const deadline = Date.now() + 20_000;
    while (![...successes.keys()].every((id) => ticketMails(id).length > 0 || droppedIds.has(id))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for the ticket mails (${mailbox.messages.length} messages so far)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      droppedIds = await dropped();
    }
    const status = new Map(rows.map((row) => [row.id, row.status]));
    for (const id of successes.keys()) {
      const sent = ticketMails(id).length;
      if (droppedIds.has(id)) {
        expect(status.get(id), 'only a cancelled reservation drops its ticket email').toBe('cancelled');
        expect(sent).toBe(0);
      } else {
        expect(sent).toBe(1);
      }
    }
  });
});
