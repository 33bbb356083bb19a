import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { UserRole } from '../db/schema.js';
import { deleteExpiredSessions, deleteSession, extendSession, findSessionWithUser, insertSession } from './auth-repository.js';

/*
 * Sessions as in Lucia's guide: the cookie holds a random token; the database holds only
 * sha256(token) as the session id, so a leaked sessions table opens no session. Sessions slide:
 * a session used in the second half of its life is extended to a full lifetime.
 */

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

  async create(userId: number): Promise<{ token: string; expiresAt: Date }> {
    const token = generateSessionToken();
    const expiresAt = new Date(this.now().getTime() + this.ttlMs);
    await insertSession(this.db, { id: sessionIdFromToken(token), userId, expiresAt });
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
      await extendSession(this.db, sessionId, expiresAt);
      renewed = true;
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
}
