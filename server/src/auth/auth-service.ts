import type { LoginAnswer, MeAnswer, SessionList, SessionsEnded, SessionUserAnswer } from '../../../shared/src/auth-contracts.js';
import { insertAudit } from '../audit/audit-repository.js';
import type { Db, Executor } from '../db/client.js';
import type { UserRole } from '../db/schema.js';
import type { Env } from '../env.js';
import { AppError, notFound } from '../lib/errors.js';
import { rateLimited, type Throttle } from '../throttle/throttle-service.js';
import { clearFailedLogins, findUserByEmail, incrementFailedLogins, insertUser, lockUser } from './auth-repository.js';
import { assertAcceptablePassword, unusablePasswordHash } from './password-policy.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.js';
import type { SessionStore, SessionUser } from './sessions.js';

/** Failures in a row before the account waits; the first wait is one minute. */
export const LOCK_AFTER_FAILURES = 5;
const LOCK_MAX_MINUTES = 15;

/** 1, 2, 4, 8, then 15 minutes: short enough for a typo at the door, long enough against guessing. */
export function lockMinutes(failuresInARow: number): number {
  if (failuresInARow < LOCK_AFTER_FAILURES) return 0;
  return Math.min(LOCK_MAX_MINUTES, 2 ** (failuresInARow - LOCK_AFTER_FAILURES));
}

/** Where a sign-in comes from: the throttle key, the audit and the session list use it. */
export interface LoginOrigin {
  ip: string;
  userAgent?: string | undefined;
}

const LOGIN_FAILURES_IP = 'login_failures_ip';

/** Session ids are hex SHA-256 digests; anything else cannot name a session. */
const SESSION_ID = /^[0-9a-f]{64}$/;

/** The signed-in staff member, as every answer names them. */
const sessionUserAnswer = (user: SessionUser): SessionUserAnswer => ({
  id: user.id,
  email: user.email,
  display_name: user.displayName,
  role: user.role,
});

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly env: Env,
    private readonly sessions: SessionStore,
    private readonly throttle: Throttle,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Only failures count, so a venue where every phone and the box office sign in from one
   * address, over and over, is never held up by its own successes:
   * - per address, failed sign-ins in the hour (THROTTLE_LOGIN_IP); once the limit is reached the
   *   address is refused before any password is checked, so guessing stops costing us argon2;
   * - per account, failures in a row on the user row; from the fifth the account waits 1, 2, 4 …
   *   15 minutes, during which even the right password is refused. A success clears both.
   * An unknown email gets the same 401 after the same argon2 work as a wrong password.
   */
  async login(email: string, password: string, origin: LoginOrigin): Promise<{ token: string; expiresAt: Date; answer: LoginAnswer }> {
    const normalized = email.trim().toLowerCase();
    await this.throttle.check(LOGIN_FAILURES_IP, origin.ip, this.env.THROTTLE_LOGIN_IP);
    const user = await findUserByEmail(this.db, normalized);
    const now = this.now();
    if (user?.lockedUntil && user.lockedUntil > now) {
      throw rateLimited(
        user.lockedUntil.getTime() - now.getTime(),
        { locked_until: user.lockedUntil.toISOString() },
        `Too many failed sign-ins for this account. Try again after ${user.lockedUntil.toISOString()}, or ask an admin to unlock it.`,
      );
    }
    const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
    if (!user || !valid || !user.active) {
      await this.recordFailure(normalized, user?.id, origin.ip);
      throw new AppError('invalid_credentials', 'Email or password is wrong, or the account is disabled.');
    }
    if (user.failedLogins > 0 || user.lockedUntil) await clearFailedLogins(this.db, user.id);
    const { token, expiresAt } = await this.sessions.create(user.id, { userAgent: origin.userAgent, ipAddress: origin.ip });
    return { token, expiresAt, answer: { user: sessionUserAnswer(user), expires_at: expiresAt.toISOString() } };
  }

  me(user: SessionUser): MeAnswer {
    return { user: sessionUserAnswer(user) };
  }

  /** The user's open sessions, most recently used first; `currentSessionId` marks the one asking. */
  async sessionsOf(user: SessionUser, currentSessionId: string | undefined): Promise<SessionList> {
    const rows = await this.sessions.listForUser(user.id);
    return {
      sessions: rows.map((row) => ({
        id: row.id,
        user_agent: row.userAgent,
        ip_address: row.ipAddress,
        created_at: row.createdAt.toISOString(),
        last_seen_at: row.lastSeenAt?.toISOString() ?? null,
        expires_at: row.expiresAt.toISOString(),
        current: row.id === currentSessionId,
      })),
    };
  }

  /** "Sign out everywhere else": every session of the user but the one asking. */
  async endOtherSessions(user: SessionUser, currentSessionId: string | undefined): Promise<SessionsEnded> {
    return { ended: await this.sessions.endOthers(user.id, currentSessionId ?? '') };
  }

  /** Ends one of the user's own sessions. Someone else's answers exactly like one that does not exist. */
  async endOwnSession(user: SessionUser, sessionId: string): Promise<void> {
    if (!SESSION_ID.test(sessionId) || !(await this.sessions.endOwn(user.id, sessionId))) throw notFound('Session not found.');
  }

  /** One failed sign-in: counted for the address and the account, audited (never the password). */
  private async recordFailure(emailTried: string, userId: number | undefined, ip: string): Promise<void> {
    await this.throttle.count(LOGIN_FAILURES_IP, ip, this.env.THROTTLE_LOGIN_IP);
    await this.db.transaction(async (tx) => {
      const failures = userId === undefined ? 0 : await incrementFailedLogins(tx, userId);
      await insertAudit(tx, {
        actorUserId: null,
        action: 'auth.login_failed',
        entityType: 'user',
        entityId: userId ?? null,
        summary: `Failed sign-in as ${emailTried} from ${ip}`,
        details: { email_tried: emailTried, ip },
      });
      const minutes = lockMinutes(failures);
      if (userId !== undefined && minutes > 0) {
        const lockedUntil = new Date(this.now().getTime() + minutes * 60_000);
        const before = await lockUser(tx, userId, lockedUntil);
        await insertAudit(tx, {
          actorUserId: null,
          action: 'auth.locked',
          entityType: 'user',
          entityId: userId,
          summary: `${emailTried} waits ${minutes} min after ${failures} failed sign-ins in a row`,
          details: {
            email_tried: emailTried,
            ip,
            changes: [
              { field: 'failed_logins', before: failures - 1, after: failures },
              { field: 'locked_until', before: before?.toISOString() ?? null, after: lockedUntil.toISOString() },
            ],
          },
        });
      }
    });
  }

  async createUser(
    input: { email: string; password: string | null; role: UserRole; displayName?: string },
    db: Executor = this.db,
  ): Promise<SessionUser> {
    const email = input.email.trim().toLowerCase();
    // No password: an invitation (the user chooses one through the emailed link).
    if (input.password !== null) assertAcceptablePassword(input.password);
    if (await findUserByEmail(db, email)) {
      throw new AppError('conflict', 'A user with this email already exists.', {
        errors: { email: [{ code: 'email_taken' }] },
      });
    }
    const user = await insertUser(db, {
      email,
      passwordHash: input.password === null ? unusablePasswordHash() : await hashPassword(input.password),
      role: input.role,
      displayName: input.displayName ?? '',
    });
    return { id: user.id, email: user.email, displayName: user.displayName, role: user.role };
  }
}
