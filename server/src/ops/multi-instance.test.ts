import { spawn, type ChildProcess } from 'node:child_process';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUrl, freePort } from '../../../scripts/pg-cluster.js';
import { openDatabase, type Database } from '../db/client.js';
import { mailOutbox, performances, reservations, shows, venues } from '../db/schema.js';
import { TEMPLATE_DB } from '../test/pg-global-setup.js';

/*
 * Two server processes behind one PostgreSQL, as `docker compose up --scale app=2` runs them:
 * bookings and confirmations spread over both never overbook, every queued email leaves once
 * (the outbox is claimed with FOR UPDATE SKIP LOCKED), and throttles count across both.
 * PGlite is one process's database, so this runs in the `postgres` project only.
 */

const clusterUrl = inject('pgClusterUrl');
const received: ParsedMail[] = [];
let smtp: SMTPServer | undefined;
const servers: ChildProcess[] = [];
let bases: string[] = [];
let database: Database | undefined;

async function startServer(url: string, smtpPort: number): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: {
      ...process.env,
      APP_ENV: 'test',
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      SITE_BASE_URL: `http://127.0.0.1:${port}`,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_POLL_INTERVAL: '1s',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'true',
      THROTTLE_RESERVATION_CREATE: '25/hour',
      THROTTLE_RESERVATION_CONFIRM: '10000/hour',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  servers.push(child);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i += 1) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return base;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server did not become ready');
}

beforeAll(async () => {
  if (!clusterUrl) return;
  const name = `multi_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(clusterUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${TEMPLATE_DB}`);
  await admin.end();
  const url = databaseUrl(clusterUrl, name);
  database = await openDatabase({ databaseUrl: url });
  const smtpPort = await freePort();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        received.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp!.listen(smtpPort, '127.0.0.1', resolve));
  bases = await Promise.all([startServer(url, smtpPort), startServer(url, smtpPort)]);
}, 120_000);

afterAll(async () => {
  for (const child of servers) child.kill('SIGTERM');
  await Promise.all(servers.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
  await database?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

const post = (base: string, path: string, body: unknown, ip: string) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify(body) });

describe('two instances on one PostgreSQL', () => {
  it('never overbook, send each email once, and share throttles', async () => {
    if (!clusterUrl) {
      expect(inject('pgClusterUrl')).toBe('');
      return;
    }
    const db = database!.db;
    const [venue] = await db.insert(venues).values({ name: 'Sala', capacity: 12 }).returning();
    const [show] = await db.insert(shows).values({ title: 'Due sale', slug: 'due-sale', published: true }).returning();
    const [performance] = await db
      .insert(performances)
      .values({ showId: show!.id, venueId: venue!.id, startsAt: new Date(Date.now() + 86_400_000) })
      .returning();

    // 40 guests book through alternating instances, each from their own address.
    const bookings = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(bases[i % 2]!, `/api/performances/${performance!.id}/reservations`, { name: `Ospite ${i}`, email: `ospite${i}@example.com`, party_size: 1 }, `10.1.0.${i + 1}`),
      ),
    );
    expect(bookings.map((r) => r.status).every((s) => s === 201)).toBe(true);

    // Everyone confirms at once, through the other instance than the one they booked on.
    const confirmationMails = async () => received.filter((m) => m.subject?.includes('Confirm'));
    for (let i = 0; i < 100 && (await confirmationMails()).length < 40; i += 1) await new Promise((r) => setTimeout(r, 100));
    const tokens = (await confirmationMails()).map((m) => /#token=([A-Za-z0-9_-]{43})/.exec(m.text ?? '')![1]!);
    expect(tokens).toHaveLength(40);
    const confirmations = await Promise.all(tokens.map((token, i) => post(bases[(i + 1) % 2]!, '/api/reservations/confirm', { token }, `10.2.0.${i + 1}`)));
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
        (await post(bases[i % 2]!, `/api/performances/${roomy!.id}/reservations`, { name: 'Bot', email: `bot${i}@example.com`, party_size: 1 }, '10.9.9.9')).status,
      );
    }
    expect(sameAddress.filter((s) => s === 201)).toHaveLength(25);
    expect(sameAddress.filter((s) => s === 429)).toHaveLength(5);
  }, 120_000);
});
