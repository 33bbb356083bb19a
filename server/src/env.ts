import { z } from 'zod';
import { PARTY_SIZE_CEILING } from '../../shared/src/contracts.js';
import { parseDuration, parseRate, type Rate } from './lib/durations.js';

/**
 * The one place that reads process.env. Everything else receives a typed `Env`.
 * Parsing is strict: a typo in a rate or a duration stops the server at start-up
 * instead of silently disabling a throttle.
 */

const rate = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx): Rate => {
      try {
        return parseRate(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

/** A duration like `48h`; with `allowOff`, also `0` (the feature is off). */
const duration = (fallback: string, options: { allowOff?: boolean } = {}) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx): number => {
      if (options.allowOff && /^0[smhd]?$/.test(value.trim())) return 0;
      try {
        return parseDuration(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

const originList = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const origins = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
    for (const origin of origins) {
      if (!URL.canParse(origin) || !/^https?:$/.test(new URL(origin).protocol)) {
        ctx.addIssue({ code: 'custom', message: `"${origin}" is not an http(s) origin` });
      }
    }
    return origins.map((origin) => (URL.canParse(origin) ? new URL(origin).origin : origin));
  });

/**
 * The development and test ticket key: public in this repository, so production refuses it.
 * Tickets signed with it are forgeable by anyone who reads the code.
 */
export const DEV_TICKET_KEYS = 'dev-1:ZGV2ZWxvcG1lbnQtb25seS10aWNrZXQta2V5LW5vdC1zZWNyZXQ';

export interface TicketKey {
  id: string;
  secret: Buffer;
}

/**
 * `TICKET_KEYS=k2:<secret>,k1:<secret>`: the first key signs new tickets, the others still
 * verify and re-derive the tickets they signed (rotation). Secrets are base64 or base64url of
 * at least 32 random bytes (`openssl rand -base64 32`).
 */
const ticketKeys = z
  .string()
  .default(DEV_TICKET_KEYS)
  .transform((value, ctx): TicketKey[] => {
    if (/change-?me|placeholder/i.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'replace the placeholder: TICKET_KEYS=<id>:<secret>, the secret from openssl rand -base64 32' });
      return z.NEVER;
    }
    const keys: TicketKey[] = [];
    for (const item of value.split(',').map((part) => part.trim()).filter(Boolean)) {
      const [id, encoded, ...rest] = item.split(':');
      if (!id || !encoded || rest.length > 0 || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
        ctx.addIssue({ code: 'custom', message: 'each key is <id>:<base64 secret>, the id made of letters, digits, - and _' });
        return z.NEVER;
      }
      const secret = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      if (secret.length < 32) {
        ctx.addIssue({ code: 'custom', message: `key "${id}": the secret must hold at least 32 bytes (openssl rand -base64 32)` });
        return z.NEVER;
      }
      if (keys.some((key) => key.id === id)) {
        ctx.addIssue({ code: 'custom', message: `key id "${id}" appears twice` });
        return z.NEVER;
      }
      keys.push({ id, secret });
    }
    if (keys.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'at least one key is required' });
      return z.NEVER;
    }
    return keys;
  });

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const envSchema = z
  .object({
    APP_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().default('0.0.0.0'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    DATA_DIR: z.string().default('./data'),
    SITE_BASE_URL: z
      .url()
      .default('http://localhost:8080')
      .transform((value) => value.replace(/\/+$/, '')),
    TIME_ZONE: z
      .string()
      .default('Europe/Rome')
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'unknown IANA time zone'),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    MAIL_FROM: z.string().default('AzioneLab <no-reply@azionelab.local>'),
    /** The box office's address: the Reply-To of guest emails, so a guest's reply reaches people. */
    MAIL_REPLY_TO: z
      .email('must be an email address')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    TRUSTED_ORIGINS: originList,
    TRUST_PROXY: booleanFlag,
    /** Demo data and a demo admin on an empty database. Unset: only in development on PGlite. */
    SEED_DEMO: z.enum(['true', 'false']).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    MAX_PARTY_SIZE: z.coerce.number().int().min(1).max(PARTY_SIZE_CEILING).default(10),
    THROTTLE_RESERVATION_CREATE: rate('20/hour'),
    THROTTLE_RESERVATION_CONFIRM: rate('60/hour'),
    THROTTLE_CHECK_IN_PREVIEW: rate('600/hour'),
    THROTTLE_CHECK_IN_CONFIRM: rate('600/hour'),
    /**
     * Failed sign-ins per client address (successes never count): high, because at a venue every
     * phone and the box office share one address. Each account also waits after 5 failures in a
     * row (see auth-service.ts); that needs no setting.
     */
    THROTTLE_LOGIN_IP: rate('100/hour'),
    /** "Forgot password" requests: per client address (429 past it) and per email (silently no more mail: no mail bombing). */
    THROTTLE_PASSWORD_RESET_IP: rate('20/hour'),
    THROTTLE_PASSWORD_RESET_EMAIL: rate('3/hour'),
    CONFIRMATION_TOKEN_TTL: duration('48h'),
    /** How long after the start of a performance its tickets still open the door. */
    CHECK_IN_GRACE: duration('6h'),
    /** Days after a performance when its guests' names, emails, phones and notes are erased. */
    RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    /** Tickets open the door from this long before the start (earlier scans are "too early"). */
    DOOR_OPENS_BEFORE: duration('3h'),
    SESSION_TTL: duration('30d'),
    /** How long a public read (programme, show, performance) may be answered from memory. */
    PUBLIC_CACHE_TTL: duration('1s', { allowOff: true }),
    /** How long before a performance its guests get the reminder email. */
    REMINDER_BEFORE: duration('24h'),
    /** How long seats offered to someone on the waiting list stay held for them. */
    WAITLIST_OFFER_TTL: duration('12h'),
    /** Keys of the check-in tokens (QR codes): see `ticketKeys` above and docs/operations.md. */
    TICKET_KEYS: ticketKeys,
    MAIL_POLL_INTERVAL: duration('5s'),
    /** How long a claimed email stays with the instance that claimed it: after a crash, it is sent again once this runs out. */
    MAIL_LEASE: duration('2m'),
    /** How fast the emails of a message to a performance's guests (or its cancellation, or move) leave. */
    MESSAGE_PACE: rate('60/minute'),
  })
  .superRefine((env, ctx) => {
    if (env.APP_ENV !== 'production') return;
    if (!env.SITE_BASE_URL.startsWith('https://')) {
      ctx.addIssue({
        code: 'custom',
        path: ['SITE_BASE_URL'],
        message: 'production requires an https:// SITE_BASE_URL (links in emails and QR codes)',
      });
    }
    if (!env.SMTP_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMTP_URL'],
        message: 'production requires SMTP_URL: the console mail transport would never reach guests',
      });
    }
    if (/\.local>?$/i.test(env.MAIL_FROM)) {
      ctx.addIssue({ code: 'custom', path: ['MAIL_FROM'], message: 'production needs a real sender address in MAIL_FROM' });
    }
    const devSecret = ticketKeys.parse(DEV_TICKET_KEYS)[0]!.secret;
    if (env.TICKET_KEYS.some((key) => key.secret.equals(devSecret))) {
      ctx.addIssue({
        code: 'custom',
        path: ['TICKET_KEYS'],
        message: 'production refuses the published development ticket key: generate one with openssl rand -base64 32',
      });
    }
    if (env.SEED_DEMO === 'true') {
      ctx.addIssue({ code: 'custom', path: ['SEED_DEMO'], message: 'production never seeds the demo admin' });
    }
    if (/change-me|example\.(com|org)|placeholder/i.test(`${env.SMTP_URL ?? ''} ${env.DATABASE_URL ?? ''}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMTP_URL'],
        message: 'production refuses placeholder secrets (change-me / example.*) in SMTP_URL or DATABASE_URL',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

/** The demo admin has a published password: never on PostgreSQL or in production unless asked for. */
export function shouldSeedDemo(env: Env): boolean {
  if (env.SEED_DEMO) return env.SEED_DEMO === 'true';
  return env.APP_ENV === 'development' && !env.DATABASE_URL;
}

export class InvalidEnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new InvalidEnvError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return result.data;
}

/** Allowed `Origin` values for unsafe requests that carry a session cookie. */
export function allowedOrigins(env: Env): Set<string> {
  return new Set([new URL(env.SITE_BASE_URL).origin, ...env.TRUSTED_ORIGINS]);
}

export function loadEnv(): Env {
  return parseEnv(process.env);
}

/** Test configuration: everything default except what a test overrides. */
export function testEnv(overrides: Record<string, string> = {}): Env {
  return parseEnv({
    APP_ENV: 'test',
    LOG_LEVEL: 'silent',
    SITE_BASE_URL: 'https://tickets.azionelab.example',
    THROTTLE_RESERVATION_CREATE: '10000/hour',
    THROTTLE_RESERVATION_CONFIRM: '10000/hour',
    THROTTLE_CHECK_IN_PREVIEW: '10000/hour',
    THROTTLE_CHECK_IN_CONFIRM: '10000/hour',
    THROTTLE_LOGIN_IP: '10000/hour',
    THROTTLE_PASSWORD_RESET_IP: '10000/hour',
    THROTTLE_PASSWORD_RESET_EMAIL: '10000/hour',
    ...overrides,
  });
}
