import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { MIGRATIONS_FOLDER } from '../db/migrate.js';

/** Migrations this build ships (drizzle-kit's journal). */
const shippedMigrations = (): number =>
  (JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

/** postgres.js returns rows as an array, PGlite as `{ rows }`. */
function firstRow<T>(result: unknown): T | undefined {
  const rows = Array.isArray(result) ? result : (result as { rows?: unknown[] }).rows;
  return rows?.[0] as T | undefined;
}

/**
 * Readiness for the proxy and the orchestrator: the database answers and its schema is the one
 * this build expects (an instance of a newer build is not ready until migrations ran).
 */
export class HealthService {
  private readonly expected = shippedMigrations();

  constructor(private readonly db: Db) {}

  async readiness() {
    try {
      const row = firstRow<{ n: number }>(await this.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
      const applied = Number(row?.n ?? 0);
      return { ready: applied >= this.expected, database: 'ok' as const, migrations: { applied, expected: this.expected } };
    } catch {
      return { ready: false, database: 'unreachable' as const, migrations: { applied: 0, expected: this.expected } };
    }
  }
}
