import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { createApp } from '../app.js';
import { hashPassword } from '../auth/passwords.js';
import { testEnv, type Env } from '../env.js';
import { createLogger, type Logger } from '../lib/logger.js';
import type { MailTransport, OutgoingMail } from '../mail/mail-transport.js';
import { startRuntime, type Runtime } from '../server.js';
import { createServices, type Services } from '../services.js';
import { performances, shows, users, venues, type UserRole } from '../db/schema.js';
import { databaseFromTemplate } from './pg-global-setup.js';
import { checkAnswer } from './answer-check.js';

/**
 * Test runtime: the real app on a real database, PGlite in memory or a fresh PostgreSQL
 * database copied from the migrated template, depending on the Vitest project.
 */

export class CapturingTransport implements MailTransport {
  readonly sent: OutgoingMail[] = [];
  failWith: Error | null = null;
  async send(mail: OutgoingMail) {
    if (this.failWith) throw this.failWith;
    this.sent.push(mail);
    return { messageId: mail.messageId };
  }
  close() {}
}

/** Collects every log line written, to assert on what is (and is not) logged. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  get text() {
    return this.lines.join('\n');
  }
  records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export const databaseKind = (): 'pglite' | 'postgres' => (inject('pgClusterUrl') ? 'postgres' : 'pglite');

async function freshDatabaseUrl(): Promise<string | undefined> {
  const clusterUrl = inject('pgClusterUrl');
  if (!clusterUrl) return undefined;
  return databaseFromTemplate(clusterUrl, 't');
}

export interface TestContext {
  runtime: Runtime;
  services: Services;
  env: Env;
  mail: CapturingTransport;
  logs: LogCapture;
  client: TestClient;
  /**
   * Another app on the same database with some settings changed (e.g. a tight throttle), and
   * optionally its own clock (jobs seen hours later).
   */
  withEnv(overrides: Record<string, string>, options?: { now?: () => Date }): { services: Services; client: TestClient };
  close(): Promise<void>;
}

/**
 * The web apps the test app serves: three stand-in index pages beside this file, so the tests of
 * pages (headers, fuzzing, the client-side routing fallback) answer alike with or without a
 * `vite build` in dist/. The browser tests (pwa/e2e) serve the real build.
 */
const TEST_WEB_ROOT = fileURLToPath(new URL('./web-root/', import.meta.url));

/**
 * `realSmtp`: deliver through nodemailer to SMTP_URL (given in overrides) instead of capturing
 * messages in memory.
 */
export async function createTestContext(
  overrides: Record<string, string> = {},
  options: { realSmtp?: boolean } = {},
): Promise<TestContext> {
  const url = await freshDatabaseUrl();
  const env = testEnv({ DATA_DIR: 'memory://', LOG_LEVEL: 'info', ...(url && { DATABASE_URL: url }), ...overrides });
  const mail = new CapturingTransport();
  const logs = new LogCapture();
  const logger: Logger = createLogger(env.LOG_LEVEL, logs.stream);
  const runtime = await startRuntime(env, { logger, webRoot: TEST_WEB_ROOT, ...(!options.realSmtp && { transport: mail }) });
  return {
    runtime,
    services: runtime.services,
    env,
    mail,
    logs,
    client: new TestClient(runtime.app, env),
    withEnv(extra, options = {}) {
      const otherEnv = testEnv({ ...overrides, ...(url && { DATABASE_URL: url }), ...extra });
      const services = createServices({ env: otherEnv, database: runtime.services.database, logger, transport: mail, ...(options.now && { now: options.now }) });
      return { services, client: new TestClient(createApp(services, { webRoot: TEST_WEB_ROOT }), otherEnv) };
    },
    close: () => runtime.close(),
  };
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
  text: string;
}

export interface RequestOptions {
  cookie?: string;
  origin?: string | null;
  ip?: string;
  headers?: Record<string, string>;
  /** Raw body, sent as is (for malformed JSON tests). */
  raw?: string;
}

/** In-process HTTP client: real routing, middleware and error mapping, no socket. */
export class TestClient {
  constructor(
    private readonly app: ReturnType<typeof createApp>,
    private readonly env: Env,
  ) {}

  get origin() {
    return new URL(this.env.SITE_BASE_URL).origin;
  }

  async request(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<TestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
    if (options.cookie) headers.cookie = options.cookie;
    // Browsers send Origin on unsafe requests; tests do too unless they say otherwise.
    if (options.origin !== null && method !== 'GET') headers.origin = options.origin ?? this.origin;
    const init: RequestInit = { method, headers };
    if (options.raw !== undefined) init.body = options.raw;
    else if (body !== undefined) init.body = JSON.stringify(body);
    const response = await this.app.request(`http://localhost${path}`, init, {
      incoming: { socket: { remoteAddress: options.ip ?? '127.0.0.1' } },
    });
    const text = await decodedText(response);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (e.g. a 404 page): tests then assert on `text`.
    }
    checkAnswer(method, path, response.status, response.headers, text, parsed);
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  get(path: string, options?: RequestOptions) {
    return this.request('GET', path, undefined, options);
  }
  post(path: string, body?: unknown, options?: RequestOptions) {
    return this.request('POST', path, body, options);
  }
  patch(path: string, body?: unknown, options?: RequestOptions) {
    return this.request('PATCH', path, body, options);
  }

  /** Logs in and returns the Cookie header value to send with later requests. */
  async login(email: string, password: string): Promise<string> {
    const response = await this.post('/api/auth/login', { email, password });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
    const cookie = response.headers.get('set-cookie') ?? '';
    return cookie.split(';')[0]!;
  }
}

/** The body as text, inflated when the app compressed it (as a browser would). */
async function decodedText(response: Response): Promise<string> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const encoding = response.headers.get('content-encoding');
  if (encoding === 'gzip') return gunzipSync(bytes).toString('utf8');
  if (encoding === 'br') return brotliDecompressSync(bytes).toString('utf8');
  if (encoding === 'deflate') return inflateSync(bytes).toString('utf8');
  return bytes.toString('utf8');
}

// ── Factories ───────────────────────────────────────────────────────────────

let sequence = 0;
const next = () => ++sequence;

export interface PerformanceSpec {
  capacity?: number;
  additionalSeats?: number;
  manuallyOccupiedSeats?: number;
  startsAt?: Date;
  bookingOpen?: boolean;
  published?: boolean;
}

/** A performance (with its own venue and show) two days from now unless told otherwise. */
export async function aPerformance(ctx: TestContext, spec: PerformanceSpec = {}) {
  const { db } = ctx.services.database;
  const n = next();
  const [venue] = await db.insert(venues).values({ name: `Sala ${n}`, capacity: spec.capacity ?? 50 }).returning();
  const [show] = await db
    .insert(shows)
    .values({ title: `Spettacolo ${n}`, slug: `spettacolo-${n}-${randomBytes(3).toString('hex')}`, published: spec.published ?? true })
    .returning();
  const [performance] = await db
    .insert(performances)
    .values({
      showId: show!.id,
      venueId: venue!.id,
      startsAt: spec.startsAt ?? new Date(Date.now() + 2 * 86_400_000),
      additionalSeats: spec.additionalSeats ?? 0,
      manuallyOccupiedSeats: spec.manuallyOccupiedSeats ?? 0,
      bookingOpen: spec.bookingOpen ?? true,
    })
    .returning();
  return { venue: venue!, show: show!, performance: performance! };
}

export const PASSWORD = 'correct horse battery staple';
let cachedHash: Promise<string> | undefined;

/** A staff user with the shared test password (hashed once per file: argon2 is slow on purpose). */
export async function aUser(ctx: TestContext, role: UserRole, overrides: { email?: string; active?: boolean } = {}) {
  cachedHash ??= hashPassword(PASSWORD);
  const [user] = await ctx.services.database.db
    .insert(users)
    .values({
      email: overrides.email ?? `${role}-${next()}@azionelab.test`,
      passwordHash: await cachedHash,
      role,
      displayName: `${role} ${sequence}`,
      active: overrides.active ?? true,
    })
    .returning();
  return user!;
}

/** Logs a fresh user of this role in and returns its cookie. */
export async function loggedIn(ctx: TestContext, role: UserRole) {
  const user = await aUser(ctx, role);
  return { user, cookie: await ctx.client.login(user.email, PASSWORD) };
}

export const guest = (overrides: Partial<{ name: string; email: string; party_size: number; phone: string; notes: string }> = {}) => ({
  name: 'Maria Rossi',
  email: 'maria@example.com',
  party_size: 2,
  ...overrides,
});

/** Books through the service and returns the raw confirmation token (as the email would carry it). */
export async function aPendingReservation(ctx: TestContext, performanceId: number, partySize = 2) {
  return ctx.services.bookings.create(performanceId, {
    name: 'Maria Rossi',
    email: `guest-${next()}@example.com`,
    phone: null,
    notes: null,
    party_size: partySize,
  });
}

export async function aConfirmedReservation(ctx: TestContext, performanceId: number, partySize = 2) {
  const pending = await aPendingReservation(ctx, performanceId, partySize);
  const confirmed = await ctx.services.bookings.confirm(pending.rawConfirmationToken);
  return { ...confirmed, rawConfirmationToken: pending.rawConfirmationToken };
}

/** The token of a link, from its query (`?token=`, QR codes) or its fragment (`#token=`, email links). */
export const tokenFromUrl = (url: string) => {
  const parsed = new URL(url);
  return parsed.searchParams.get('token') ?? new URLSearchParams(parsed.hash.slice(1)).get('token')!;
};
