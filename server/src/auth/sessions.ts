import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { UserRole } from '../db/schema.js';
import {
  deleteExpiredSessions,
  deleteOtherSessions,
  deleteOwnSession,
  deleteSession,
  deleteUserSessions,
  findSessionWithUser,
  insertSession,
  listUserSessions,
  touchSession,
} from './auth-repository.js';

/*
 * Sessions as in Lucia's guide: the cookie holds a random token; the database holds only
 * sha256(token) as the session id, so a leaked sessions table opens no session. Sessions slide:
 * a session used in the second half of its life is extended to a full lifetime. Each session keeps
 * the browser and address it was opened from, and when it was last used (written at most once a
 * minute per session, so a busy door phone costs one small UPDATE a minute, not one per scan).
 */

/** How stale `last_seen_at` may get before a request writes it again. */
const LAST_SEEN_RESOLUTION_MS = 60_000;
/** A user agent is shown, not parsed for security: a bounded copy is plenty. */
const USER_AGENT_MAX = 400;

export interface SessionOrigin {
  userAgent?: string | undefined;
  ipAddress?: string | undefined;
}

export const SESSION_COOKIE = 'azionelab_session';

export interface SessionUser {
  id: number;
  email: string;
  displayName: string;
  role: UserRole;
}

export interface ValidSession {
  sessionId: string;
  expiresAt: Date;
  /** True when the expiry moved and the cookie must be sent again. */
  renewed: boolean;
  user: SessionUser;
}

export function generateSessionToken(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(20));
}

export function sessionIdFromToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(userId: number, origin: SessionOrigin = {}): Promise<{ token: string; expiresAt: Date }> {
    const token = generateSessionToken();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    await insertSession(this.db, {
      id: sessionIdFromToken(token),
      userId,
      expiresAt,
      userAgent: origin.userAgent?.slice(0, USER_AGENT_MAX) || null,
      ipAddress: origin.ipAddress || null,
      lastSeenAt: now,
    });
    return { token, expiresAt };
  }

  async validate(token: string): Promise<ValidSession | null> {
    if (!/^[a-z2-7]{32}$/.test(token)) return null;
    const sessionId = sessionIdFromToken(token);
    const now = this.now();
    const row = await findSessionWithUser(this.db, sessionId, now);
    if (!row) return null;
    let expiresAt = row.session.expiresAt;
    let renewed = false;
    if (expiresAt.getTime() - now.getTime() < this.ttlMs / 2) {
      expiresAt = new Date(now.getTime() + this.ttlMs);
      renewed = true;
    }
    const lastSeen = row.session.lastSeenAt?.getTime() ?? 0;
    if (renewed || now.getTime() - lastSeen >= LAST_SEEN_RESOLUTION_MS) {
      await touchSession(this.db, sessionId, { lastSeenAt: now, ...(renewed && { expiresAt }) });
    }
    const { user } = row;
    return {
      sessionId,
      expiresAt,
      renewed,
      user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role },
    };
  }

  /** Expired rows are dead weight; main.ts calls this hourly. */
  async sweepExpired(): Promise<void> {
    await deleteExpiredSessions(this.db, this.now());
  }

  async invalidate(sessionId: string): Promise<void> {
    await deleteSession(this.db, sessionId);
  }

  /** The user's live sessions, most recently used first. */
  async listForUser(userId: number) {
    return listUserSessions(this.db, userId, this.now());
  }

  /** Ends one of the user's own sessions; false when the id is not theirs (or already gone). */
  async endOwn(userId: number, sessionId: string): Promise<boolean> {
    return deleteOwnSession(this.db, userId, sessionId);
  }

  /** Ends every session of the user but the one given (the caller's own); returns how many. */
  async endOthers(userId: number, keepSessionId: string): Promise<number> {
    return deleteOtherSessions(this.db, userId, keepSessionId);
  }

  async endAll(userId: number): Promise<number> {
    return deleteUserSessions(this.db, userId);
  }
}
