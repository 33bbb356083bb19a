import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.js';
import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { auditLog, mailOutbox, performances, reservations, reservationTokens, shows, users, venues } from '../db/schema.js';
import { ServerProcess } from '../test/server-process.js';
import { SmtpMailbox, recipientOf } from '../test/smtp-mailbox.js';
import { call, reportSeedOnFailure, Rng, seedsFor, serverEnv, SITE, sleep } from './reliability-kit.js';

/*
 * The booking-crash test on PGlite: one server process on a PGlite data directory, guests
 * booking and confirming while the process is killed with SIGKILL at a seeded random moment,
 * then restarted on the same directory (the dead owner's lock must be taken over). After every
 * restart the new process answers /readyz, finds every reservation that was answered 201 and
 * every confirmation that was answered 200, and takes new bookings. At the end the directory is
 * opened directly to check that no booking or confirmation is half-written.
 *
 * Why it holds: PGlite's NODEFS hands every write PostgreSQL makes straight to pwrite(2) (no
 * file cache in the WebAssembly memory; `relaxedDurability` only matters for the browser file
 * systems), and a commit returns once its WAL is written. What was answered is in the kernel's
 * page cache, which a killed process does not take with it, and the restart replays the WAL.
 * Nothing is ever fsync'ed (PGlite starts PostgreSQL with -F, NODEFS has no fsync and
 * emscripten's fdatasync does nothing), so this test says nothing about an operating-system
 * crash or a power cut: those may lose the last commits.
 */

const [SEED] = seedsFor(process.env.RELIABILITY_SEED, 1) as [number];
const CYCLES = 5;
const BOOKERS = 3;
const CONFIRMERS = 3;
// Paced like booking-crash: the confirmers need the confirmation emails for their tokens, and the
// mail worker sends one email at a time; unpaced bookings would leave them far behind.
const PAUSE_MS = 80;
// Bounds each cycle's load on a slow machine: five cycles and their restarts stay near a minute.
const MAX_LOAD_MS = 8_000;
const STAFF = { email: 'box-office@pglite-crash.test', password: 'pglite crash box office' };

let dataDir = '';
let performanceId = 0;
let mailbox: SmtpMailbox | undefined;
let server: ServerProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pglite-crash-'));
  // PGlite has one owner at a time: the programme and the staff user are written before the
  // server opens the directory.
  const database = await openDatabase({ dataDir, owner: 'pglite-crash test' });
  try {
    await runMigrations(database);
    const { db } = database;
    const [venue] = await db.insert(venues).values({ name: 'Sala PGlite', capacity: 50_000 }).returning();
    const [show] = await db.insert(shows).values({ title: 'Crash PGlite', slug: 'crash-pglite', published: true }).returning();
    const [performance] = await db
      .insert(performances)
      .values({ showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 3 * 86_400_000) })
      .returning();
    performanceId = performance!.id;
    await db.insert(users).values({ email: STAFF.email, passwordHash: await hashPassword(STAFF.password), role: 'box_office', displayName: 'Box office' });
  } finally {
    await database.close();
  }
  mailbox = await SmtpMailbox.start();
  server = await ServerProcess.start({ env: serverEnv(mailbox.url, { DATA_DIR: dataDir }) });
});

afterAll(async () => {
  await server?.stop();
  await mailbox?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function login(base: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { origin: SITE, 'content-type': 'application/json' },
    body: JSON.stringify(STAFF),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** Every reservation of the performance as the running server lists it to the box office. */
async function reservationsOnServer(base: string): Promise<Map<number, { email: string; status: string }>> {
  const cookie = await login(base);
  const found = new Map<number, { email: string; status: string }>();
  for (let page = 1; ; page += 1) {
    const answer = await call(base, 'GET', `/api/admin/reservations?performance_id=${performanceId}&page_size=500&page=${page}`, { cookie });
    if (answer.status !== 200) throw new Error(`reservation list: ${answer.status} ${JSON.stringify(answer.body)}`);
    const items = answer.body.items as { id: number; email: string; status: string }[];
    for (const item of items) found.set(item.id, { email: item.email, status: item.status });
    if (items.length < 500) return found;
  }
}

const confirmationToken = (mail: ParsedMail) => /\/confirm#token=([A-Za-z0-9_-]{43})/.exec(mail.text ?? '')?.[1];

describe('a PGlite server killed during booking load', () => {
  it('keeps every 201 booking and every 200 confirmation across SIGKILL and restart', async () => {
    reportSeedOnFailure(SEED, 'PGlite crash');
    const rng = new Rng(SEED);
    const proc = server!;
    const mail = mailbox!;

    /** Reservation id → the email it was booked with, for every 201. */
    const created = new Map<number, string>();
    const idByEmail = new Map<string, number>();
    /** Reservation ids whose confirmation was answered 200. */
    const confirmed = new Set<number>();
    const tried = new Set<number>();
    const tokens = new Map<number, string>();
    let scanned = 0;
    const outcomes = { unansweredBookings: 0, unansweredConfirmations: 0, other: [] as unknown[] };
    let guest = 0;

    const book = async (n: number) => {
      guest += 1;
      const email = `p${n}-g${guest}@example.com`;
      const answer = await call(proc.base, 'POST', `/api/performances/${performanceId}/reservations`, {
        body: { name: `Ospite ${guest}`, email, party_size: 1 + (guest % 3) },
        ip: `10.9.${n}.${guest % 250}`,
        timeoutMs: 5_000,
      });
      if (answer.status === 201) {
        created.set(answer.body.reservation_id, email);
        idByEmail.set(email, answer.body.reservation_id);
      } else if (answer.status === 0) outcomes.unansweredBookings += 1;
      else outcomes.other.push({ kind: 'book', ...answer });
      return answer.status;
    };

    /** The next booked reservation whose confirmation email has arrived and that nobody confirmed yet. */
    const nextToConfirm = (): [number, string] | undefined => {
      for (; scanned < mail.messages.length; scanned += 1) {
        const message = mail.messages[scanned]!;
        const token = confirmationToken(message);
        const id = idByEmail.get(recipientOf(message));
        if (token && id !== undefined && !tokens.has(id)) tokens.set(id, token);
      }
      for (const [id, token] of tokens) if (!tried.has(id)) return [id, token];
      return undefined;
    };

    let totalBooked = 0;
    let totalLoadMs = 0;
    for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
      let stop = false;
      const booker = async (n: number) => {
        while (!stop) {
          if ((await book(n)) === 0) await sleep(20);
          else await sleep(PAUSE_MS);
        }
      };
      const confirmer = async (n: number) => {
        while (!stop) {
          const next = nextToConfirm();
          if (!next) {
            await sleep(20);
            continue;
          }
          const [id, token] = next;
          tried.add(id);
          const answer = await call(proc.base, 'POST', '/api/reservations/confirm', { body: { token }, ip: `10.10.${cycle}.${n}`, timeoutMs: 5_000 });
          if (answer.status === 200) confirmed.add(id);
          else if (answer.status === 0) outcomes.unansweredConfirmations += 1;
          else outcomes.other.push({ kind: 'confirm', id, ...answer });
        }
      };

      // The kill comes once the cycle has some answered work (a count, not a time, so a slow
      // machine still has something to lose), then at a random point of the next moments.
      const killAt = { bookings: rng.int(15, 60), confirmations: rng.int(1, 6), jitterMs: rng.int(0, 400) };
      const bookedBefore = created.size;
      const confirmedBefore = confirmed.size;
      const started = performance.now();
      const load = Promise.all([...Array.from({ length: BOOKERS }, (_, n) => booker(n)), ...Array.from({ length: CONFIRMERS }, (_, n) => confirmer(n))]);
      while (
        (created.size - bookedBefore < killAt.bookings || confirmed.size - confirmedBefore < killAt.confirmations) &&
        performance.now() - started < MAX_LOAD_MS
      ) {
        await sleep(10);
      }
      await sleep(killAt.jitterMs);
      const killAfterMs = Math.round(performance.now() - started);
      await proc.kill();
      totalLoadMs += performance.now() - started;
      stop = true;
      await load;
      totalBooked += created.size - bookedBefore;

      // Same directory, same port: the new process must take over the lock the dead owner left.
      const staleLock = existsSync(path.join(dataDir, 'owner.lock'));
      const restartMs = await proc.start();
      process.stdout.write(
        `PGlite crash (seed ${SEED}) cycle ${cycle}: SIGKILL after ${killAfterMs} ms with ${created.size - bookedBefore} bookings and ` +
          `${confirmed.size - confirmedBefore} confirmations answered; ${staleLock ? 'its lock left behind, ' : ''}` +
          `restarted and ready in ${Math.round(restartMs)} ms\n`,
      );

      const ready = await call(proc.base, 'GET', '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ready');

      // Everything answered in this cycle and every earlier one, as the restarted server lists it.
      const found = await reservationsOnServer(proc.base);
      expect([...created].filter(([id, email]) => found.get(id)?.email !== email)).toEqual([]);
      expect([...confirmed].filter((id) => found.get(id)?.status !== 'confirmed')).toEqual([]);
      // A row nobody got a 201 for can only come from a booking whose answer the kill cut off.
      expect(found.size - created.size).toBeLessThanOrEqual(outcomes.unansweredBookings);
      expect(outcomes.other).toEqual([]);

      expect(await book(9)).toBe(201);
    }

    expect(created.size).toBeGreaterThanOrEqual(15 * CYCLES);
    expect(confirmed.size).toBeGreaterThanOrEqual(CYCLES);
    // The kills landed on requests in flight, not only between them.
    expect(outcomes.unansweredBookings).toBeGreaterThan(0);

    // Nothing half-written: each reservation has all the rows of its booking, and a confirmed one
    // all the rows of its confirmation, a pending one none of them.
    await proc.stop();
    const database = await openDatabase({ dataDir, owner: 'pglite-crash test' });
    try {
      const { db } = database;
      const rows = await db.select().from(reservations).where(eq(reservations.performanceId, performanceId));
      const tokenRows = await db.select().from(reservationTokens);
      const mails = await db.select().from(mailOutbox);
      const audits = await db.select().from(auditLog);
      const countOf = <T>(items: T[], match: (item: T) => boolean) => items.filter(match).length;
      const halfWritten = rows.flatMap((r) => {
        const own = tokenRows.filter((t) => t.reservationId === r.id);
        const confirmation = own.filter((t) => t.purpose === 'confirmation');
        const problems = [
          confirmation.length === 1 || 'confirmation tokens',
          countOf(mails, (m) => m.reservationId === r.id && m.kind === 'reservation_confirmation') === 1 || 'confirmation emails',
          countOf(audits, (a) => a.entityId === r.id && a.action === 'reservation.create') === 1 || 'create audit',
        ];
        const isConfirmed = r.status === 'confirmed';
        const confirmedRows = [
          r.confirmedAt !== null && r.code !== null,
          confirmation[0]?.usedAt !== null,
          countOf(own, (t) => t.purpose === 'check_in') === 1,
          countOf(mails, (m) => m.reservationId === r.id && m.kind === 'reservation_ticket') === 1,
          countOf(audits, (a) => a.entityId === r.id && a.action === 'reservation.confirm') === 1,
        ];
        if (r.status !== 'cancelled') {
          confirmedRows.forEach((present, i) => problems.push(present === isConfirmed || `${r.status} with confirmation part ${i}`));
        }
        const found = problems.filter((p): p is string => p !== true);
        return found.length > 0 ? [{ id: r.id, status: r.status, problems: found }] : [];
      });
      expect(halfWritten).toEqual([]);
      expect(rows.filter((r) => r.status === 'cancelled')).toEqual([]);
      expect([...created].filter(([id, email]) => rows.find((r) => r.id === id)?.email !== email)).toEqual([]);
      process.stdout.write(
        `PGlite crash (seed ${SEED}): ${created.size} bookings answered 201, ${confirmed.size} confirmations answered 200, ` +
          `${outcomes.unansweredBookings}/${outcomes.unansweredConfirmations} unanswered, ${rows.length} rows after ${CYCLES} kills; ` +
          `${Math.round((totalBooked * 1000) / totalLoadMs)} bookings/s under paced load, ${mail.messages.length} emails received\n`,
      );
    } finally {
      await database.close();
    }
  });
});
