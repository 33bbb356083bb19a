import { inject, onTestFailed } from 'vitest';
import { openDatabase, type Database } from '../db/client.js';
import { mailOutbox, type UserRole } from '../db/schema.js';
import { databaseFromTemplate } from '../test/pg-global-setup.js';
import { ServerProcess } from '../test/server-process.js';
import { SmtpMailbox } from '../test/smtp-mailbox.js';
import { staffLogin as loginAs } from '../test/staff-login.js';

/*
 * Shared pieces of the reliability suite: seeded randomness (the seed is printed when a test
 * fails, and RELIABILITY_SEED replays it), a fresh PostgreSQL database per file, an HTTP client
 * that turns a cut connection into status 0 instead of an exception, and staff logins.
 */

/** Every server process of the suite uses this public address, so one Origin fits them all. */
export const SITE = 'http://tickets.reliability.test';

/** Server settings shared by the suite: throttles out of the way, a short mail lease and poll. */
export function serverEnv(smtpUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SITE_BASE_URL: SITE,
    SMTP_URL: smtpUrl,
    MAIL_POLL_INTERVAL: '1s',
    // A killed instance's claimed emails come back after this; production keeps the 2 min default.
    MAIL_LEASE: '3s',
    TRUST_PROXY: 'true',
    THROTTLE_RESERVATION_CREATE: '100000/hour',
    THROTTLE_RESERVATION_CONFIRM: '100000/hour',
    THROTTLE_LOGIN_IP: '10000/hour',
    ...extra,
  };
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

/** The seeds a test runs with: RELIABILITY_SEED replays one, otherwise `count` fresh ones. */
export function seedsFor(replay: string | undefined, count: number): number[] {
  if (replay) return [Number(replay)];
  const base = Math.floor(Math.random() * 2 ** 31);
  return Array.from({ length: count }, (_, i) => (base + i * 7919) >>> 0);
}

/** Call inside a test: a failure prints the seed that reproduces it. */
export function reportSeedOnFailure(seed: number, what: string): void {
  onTestFailed(() => {
    process.stderr.write(`\n*** ${what} failed with seed ${seed}: replay with RELIABILITY_SEED=${seed} npm run test:reliability ***\n\n`);
  });
}

/** A fresh database copied from the migrated template of the suite's PostgreSQL cluster. */
export async function freshDatabase(prefix: string): Promise<{ url: string; database: Database }> {
  const clusterUrl = inject('pgClusterUrl');
  if (!clusterUrl) throw new Error('the reliability suite needs PostgreSQL (its global setup starts a throwaway cluster)');
  const url = await databaseFromTemplate(clusterUrl, prefix);
  return { url, database: await openDatabase({ databaseUrl: url }) };
}

export interface Stack {
  database: Database;
  mailbox: SmtpMailbox;
  servers: ServerProcess[];
  stop(): Promise<void>;
}

/** A fresh database, a real SMTP server, and `instances` server processes using both. */
export async function startStack(prefix: string, instances = 1): Promise<Stack> {
  const { url, database } = await freshDatabase(prefix);
  const mailbox = await SmtpMailbox.start();
  const servers = await Promise.all(Array.from({ length: instances }, () => ServerProcess.start({ databaseUrl: url, env: serverEnv(mailbox.url) })));
  return {
    database,
    mailbox,
    servers,
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
      await database.close();
      await mailbox.stop();
    },
  };
}

export interface Answer {
  /** 0: no answer (connection refused or cut, timeout). */
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
}

export interface CallOptions {
  body?: unknown;
  cookie?: string;
  /** The client address, through X-Forwarded-For (the suite's servers trust the proxy header). */
  ip?: string;
  timeoutMs?: number;
}

export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { origin: SITE };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  if (options.ip) headers['x-forwarded-for'] = options.ip;
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: response.status, body };
  } catch {
    return { status: 0, body: undefined };
  }
}

/** A staff user of this role, logged in through `base`: returns the Cookie header value. */
export const staffLogin = (database: Database, base: string, role: UserRole) => loginAs(database, base, role, SITE);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until every outbox row is sent (or failed for good); returns the rows. */
export async function drainedOutbox(database: Database, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await database.db.select().from(mailOutbox);
    if (rows.every((row) => row.status !== 'pending') || Date.now() > deadline) return rows;
    await sleep(200);
  }
}
