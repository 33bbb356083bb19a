import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/client.js';
import { MIGRATIONS_FOLDER } from '../db/migrate.js';
import { appliedMigrations } from './health-repository.js';

/** Migrations this build ships (drizzle-kit's journal). */
const shippedMigrations = (): number =>
  (JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

/**
 * Readiness for the proxy and the orchestrator: the database answers and its schema is the one
 * this build expects (an instance of a newer build is not ready until migrations ran).
 */
export class HealthService {
  private readonly expected = shippedMigrations();

  constructor(private readonly db: Db) {}

  async readiness() {
    try {
      const applied = await appliedMigrations(this.db);
      return { ready: applied >= this.expected, database: 'ok' as const, migrations: { applied, expected: this.expected } };
    } catch {
      return { ready: false, database: 'unreachable' as const, migrations: { applied: 0, expected: this.expected } };
    }
  }
}
