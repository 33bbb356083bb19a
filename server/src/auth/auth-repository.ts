import { and, eq, gt, lt } from 'drizzle-orm';
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


export async function insertSession(db: Executor, values: { id: string; userId: number; expiresAt: Date }) {
  await db.insert(sessions).values(values);
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

export async function extendSession(db: Executor, sessionId: string, expiresAt: Date): Promise<void> {
  await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, sessionId));
}

export async function deleteSession(db: Executor, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

export async function deleteUserSessions(db: Executor, userId: number): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

export async function deleteExpiredSessions(db: Executor, now: Date): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}
