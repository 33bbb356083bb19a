import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { staffTokens, users, type StaffTokenPurpose } from '../db/schema.js';

export async function insertStaffToken(
  db: Executor,
  values: { userId: number; purpose: StaffTokenPurpose; tokenHash: string; expiresAt: Date; createdByUserId: number | null },
): Promise<void> {
  await db.insert(staffTokens).values(values);
}

/** The token and its user, the token row locked: two tabs confirming one link cannot both win. */
export async function findStaffTokenForUpdate(db: Executor, tokenHash: string) {
  const rows = await db
    .select({ token: staffTokens, user: users })
    .from(staffTokens)
    .innerJoin(users, eq(users.id, staffTokens.userId))
    .where(eq(staffTokens.tokenHash, tokenHash))
    .limit(1)
    .for('update', { of: staffTokens });
  return rows[0];
}

/**
 * Every link of a user still open (optionally of one purpose) stops working: a new link replaces
 * the old ones, and a password once set closes them all.
 */
export async function closeOpenStaffTokens(db: Executor, userId: number, usedAt: Date, purpose?: StaffTokenPurpose): Promise<void> {
  await db
    .update(staffTokens)
    .set({ usedAt })
    .where(and(eq(staffTokens.userId, userId), isNull(staffTokens.usedAt), ...(purpose ? [eq(staffTokens.purpose, purpose)] : [])));
}
