import { z } from 'zod';
import { USER_ROLES } from './statuses.js';

/*
 * Answers of the sign-in, session and account-lock routes (declared in shared/src/api/auth-endpoints.ts).
 * The auth service builds them with these types; the admin and door apps read them with the same ones.
 */

/** The one shape of the signed-in staff member, in every answer that names them. */
export const sessionUserSchema = z.strictObject({
  id: z.number(),
  email: z.string(),
  display_name: z.string(),
  role: z.enum(USER_ROLES),
});
export type SessionUserAnswer = z.infer<typeof sessionUserSchema>;

export const loginAnswerSchema = z.strictObject({
  user: sessionUserSchema,
  expires_at: z.string(),
});
export type LoginAnswer = z.infer<typeof loginAnswerSchema>;

export const meAnswerSchema = z.strictObject({ user: sessionUserSchema });
export type MeAnswer = z.infer<typeof meAnswerSchema>;

/**
 * `data` of a `429 rate_limited` answer to a sign-in: seconds to wait (as in Retry-After) and,
 * when the account itself waits after failed attempts, until when (declared with the route).
 */
export const loginRateLimitedDataSchema = z.object({
  retry_after: z.number(),
  locked_until: z.string().optional(),
});

/** One signed-in browser or phone of the user. The id is the stored hash, never the cookie token. */
export const sessionInfoSchema = z.strictObject({
  id: z.string(),
  user_agent: z.string().nullable(),
  ip_address: z.string().nullable(),
  created_at: z.string(),
  last_seen_at: z.string().nullable(),
  expires_at: z.string(),
  /** The session this request came with. */
  current: z.boolean(),
});

export const sessionListSchema = z.strictObject({ sessions: z.array(sessionInfoSchema) });
export type SessionList = z.infer<typeof sessionListSchema>;

/** How many sessions a "end all" ended. */
export const sessionsEndedSchema = z.strictObject({ ended: z.number() });
export type SessionsEnded = z.infer<typeof sessionsEndedSchema>;

/** A staff account as the Users page lists it, with its sign-in lock. */
export const adminUserSchema = z.strictObject({
  id: z.number(),
  email: z.string(),
  display_name: z.string(),
  role: z.enum(USER_ROLES),
  active: z.boolean(),
  created_at: z.string(),
  /** Failed sign-ins in a row since the last success. */
  failed_logins: z.number(),
  /** Set while (and after) the account waits; locked now only when in the future. */
  locked_until: z.string().nullable(),
  /** Invited and never chose a password: the admin may send the invitation again. */
  invitation_pending: z.boolean(),
});
export type AdminUser = z.infer<typeof adminUserSchema>;
export const adminUserListSchema = z.array(adminUserSchema);

/**
 * A user agent in plain words ("Chrome on Android", "Safari on iPhone") for the session list.
 * Shown, never trusted: a browser can send anything, so unknown agents read "Unknown browser".
 */
export function describeUserAgent(userAgent: string | null | undefined): { browser: string | null; system: string | null } {
  if (!userAgent) return { browser: null, system: null };
  const ua = userAgent;
  const browser = /Edg(e|A|iOS)?\//.test(ua)
    ? 'Edge'
    : /OPR\/|Opera/.test(ua)
      ? 'Opera'
      : /SamsungBrowser\//.test(ua)
        ? 'Samsung Internet'
        : /Firefox\/|FxiOS\//.test(ua)
          ? 'Firefox'
          : /Chrome\/|CriOS\/|Chromium\//.test(ua)
            ? 'Chrome'
            : /Safari\//.test(ua) && /Version\//.test(ua)
              ? 'Safari'
              : null;
  const system = /iPhone/.test(ua)
    ? 'iPhone'
    : /iPad/.test(ua)
      ? 'iPad'
      : /Android/.test(ua)
        ? 'Android'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Mac OS X|Macintosh/.test(ua)
            ? 'Mac'
            : /CrOS/.test(ua)
              ? 'ChromeOS'
              : /Linux/.test(ua)
                ? 'Linux'
                : null;
  return { browser, system };
}
