import { and, desc, eq, gt, isNotNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { sessions, users, type UserRole } from '../db/schema.js';

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  const rows = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return rows[0];
}

export async function insertUser(
  db: Executor,
  values: { email: string; passwordHash: string; role: UserRole; displayName?: string },
): Promise<UserRow> {
  const rows = await db.insert(users).values(values).returning();
  return rows[0]!;
}


export async function insertSession(
  db: Executor,
  values: { id: string; userId: number; expiresAt: Date; userAgent: string | null; ipAddress: string | null; lastSeenAt: Date },
) {
  await db.insert(sessions).values(values);
}

/** One more failure in a row, counted atomically (two wrong passwords at once both count). */
export async function incrementFailedLogins(db: Executor, userId: number): Promise<number> {
  const rows = await db
    .update(users)
    .set({ failedLogins: sql`${users.failedLogins} + 1` })
    .where(eq(users.id, userId))
    .returning({ failedLogins: users.failedLogins });
  return rows[0]?.failedLogins ?? 0;
}

/** Sets the wait; returns the previous one (null when there was none). */
export async function lockUser(db: Executor, userId: number, until: Date): Promise<Date | null> {
  const [before] = await db.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, userId)).for('update');
  await db.update(users).set({ lockedUntil: until }).where(eq(users.id, userId));
  return before?.lockedUntil ?? null;
}

/** Back to no failures and no lock; returns the row as it was, or nothing when there was nothing to clear. */
export async function clearFailedLogins(db: Executor, userId: number) {
  const rows = await db
    .update(users)
    .set({ failedLogins: 0, lockedUntil: null })
    .where(and(eq(users.id, userId), or(gt(users.failedLogins, 0), isNotNull(users.lockedUntil))))
    .returning({ id: users.id });
  return rows.length > 0;
}

export async function touchSession(db: Executor, sessionId: string, values: { lastSeenAt: Date; expiresAt?: Date }): Promise<void> {
  await db.update(sessions).set(values).where(eq(sessions.id, sessionId));
}

export async function listUserSessions(db: Executor, userId: number, now: Date) {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .orderBy(desc(sql`coalesce(${sessions.lastSeenAt}, ${sessions.createdAt})`), desc(sessions.createdAt));
}

/** Only a session of this user: someone else's id deletes nothing. Returns whether one went. */
export async function deleteOwnSession(db: Executor, userId: number, sessionId: string): Promise<boolean> {
  const rows = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

export async function deleteOtherSessions(db: Executor, userId: number, keepSessionId: string): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)))
    .returning({ id: sessions.id });
  return rows.length;
}

/** One query: the session and its user, only while both are valid. */
export async function findSessionWithUser(db: Executor, sessionId: string, now: Date) {
  const rows = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, now), eq(users.active, true)))
    .limit(1);
  return rows[0];
}

export async function deleteSession(db: Executor, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

export async function deleteUserSessions(db: Executor, userId: number): Promise<number> {
  const rows = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  return rows.length;
}

export async function deleteExpiredSessions(db: Executor, now: Date): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}
