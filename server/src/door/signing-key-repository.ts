import { desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { signingKeys } from '../db/schema.js';

/*
 * The manifest-signing keys (signing-keys.ts). Creating and rotating them run under one
 * transaction-scoped advisory lock: two instances starting at once must not each create a key.
 */

export type SigningKeyRow = typeof signingKeys.$inferSelect;

const KEY_LOCK_ID = 727275;

/** Held until the transaction ends. */
export async function lockSigningKeys(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${KEY_LOCK_ID})`);
}

/** The active key and those retired in the last 30 days: what a device may need to verify. */
export function publishedKeys(db: Executor): Promise<SigningKeyRow[]> {
  return db
    .select()
    .from(signingKeys)
    .where(sql`${signingKeys.retiredAt} is null or ${signingKeys.retiredAt} > now() - interval '30 days'`)
    .orderBy(desc(signingKeys.createdAt));
}

export async function activeKey(db: Executor): Promise<SigningKeyRow | undefined> {
  const [row] = await db.select().from(signingKeys).where(eq(signingKeys.active, true)).orderBy(desc(signingKeys.createdAt)).limit(1);
  return row;
}

export async function retireActiveKeys(db: Executor, at: Date): Promise<void> {
  await db.update(signingKeys).set({ active: false, retiredAt: at }).where(eq(signingKeys.active, true));
}

export async function insertSigningKey(db: Executor, values: { id: string; publicJwk: Record<string, string>; privateJwk: Record<string, string> }): Promise<SigningKeyRow> {
  const [row] = await db.insert(signingKeys).values(values).returning();
  return row!;
}
