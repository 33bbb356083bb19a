import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

/** postgres.js returns rows as an array, PGlite as `{ rows }`. */
function firstRow<T>(result: unknown): T | undefined {
  const rows = Array.isArray(result) ? result : (result as { rows?: unknown[] }).rows;
  return rows?.[0] as T | undefined;
}

/** How many migrations the database has applied (drizzle-kit's own table). Throws when it does not answer. */
export async function appliedMigrations(db: Db): Promise<number> {
  const row = firstRow<{ n: number }>(await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
  return Number(row?.n ?? 0);
}
