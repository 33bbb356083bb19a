import { and, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { throttleCounters } from '../db/schema.js';

/** Counts one hit in the window and returns the new total, atomically (one upsert). */
export async function incrementCounter(db: Executor, key: string, windowStart: Date): Promise<number> {
  const rows = await db
    .insert(throttleCounters)
    .values({ key, windowStart, hits: 1 })
    .onConflictDoUpdate({
      target: [throttleCounters.key, throttleCounters.windowStart],
      set: { hits: sql`${throttleCounters.hits} + 1` },
    })
    .returning({ hits: throttleCounters.hits });
  return rows[0]?.hits ?? 1;
}

export async function deleteWindowsBefore(db: Executor, before: Date): Promise<void> {
  await db.delete(throttleCounters).where(lt(throttleCounters.windowStart, before));
}

/** The hits counted so far in the window (0 when none): a read, it counts nothing. */
export async function readCounter(db: Executor, key: string, windowStart: Date): Promise<number> {
  const rows = await db
    .select({ hits: throttleCounters.hits })
    .from(throttleCounters)
    .where(and(eq(throttleCounters.key, key), eq(throttleCounters.windowStart, windowStart)))
    .limit(1);
  return rows[0]?.hits ?? 0;
}
