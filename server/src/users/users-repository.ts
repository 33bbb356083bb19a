import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { users, type UserRole } from '../db/schema.js';

export const listUsers = (db: Executor) => db.select().from(users).orderBy(asc(users.email));

export async function findUser(db: Executor, id: number) {
  return (await db.select().from(users).where(eq(users.id, id)).limit(1))[0];
}

export async function updateUser(
  db: Executor,
  id: number,
  values: Partial<{ displayName: string; role: UserRole; active: boolean; passwordHash: string; passwordChangedAt: Date }>,
) {
  return (await db.update(users).set(values).where(eq(users.id, id)).returning())[0];
}
