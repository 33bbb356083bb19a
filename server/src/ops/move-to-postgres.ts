import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import * as schema from '../db/schema.js';

/**
 * Tables in foreign-key order. Throttle counters are not copied: they are minutes-long
 * counters, not data.
 */
export const TABLES = [
  'users',
  'sessions',
  'staff_tokens',
  'venues',
  'shows',
  'performances',
  'reservations',
  'reservation_tokens',
  'check_ins',
  'performance_messages',
  'mail_outbox',
  'audit_log',
  'signing_keys',
  'devices',
  'scan_events',
  'door_changes',
  'waitlist_entries',
  'waitlist_tokens',
] as const;

/**
 * Each table's identity column, read from the schema: the copy keeps its values and moves the
 * sequence past them (a new table needs no entry here, only its place in TABLES).
 */
const IDENTITY_COLUMN = new Map(
  (Object.values(schema) as unknown[])
    .filter((value): value is PgTable => is(value, PgTable))
    .map((table) => getTableConfig(table))
    .flatMap((config) =>
      config.columns
        .filter((column) => (column as unknown as { generatedIdentity?: unknown }).generatedIdentity)
        .map((column) => [config.name, column.name] as const),
    ),
);

function rowsOf(result: unknown): Record<string, unknown>[] {
  return (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as Record<string, unknown>[];
}

/**
 * Copies everything from the embedded database to an empty PostgreSQL (ids kept, sequences
 * moved past them), in one transaction on the target: it either all arrives or nothing does.
 * The source is read in one transaction too, so a running server (reached through its tools'
 * socket) cannot change a table between two others: the copy is one moment of the database.
 */
export async function moveToPostgres(source: Database, target: Database): Promise<Record<string, number>> {
  await runMigrations(target);
  const counts: Record<string, number> = {};
  await source.db.transaction(async (read) => target.db.transaction(async (tx) => {
    for (const table of TABLES) {
      const existing = rowsOf(await tx.execute(sql.raw(`select count(*)::int as n from "${table}"`)))[0]?.n;
      if (Number(existing) > 0) throw new Error(`the target database already has data in ${table}: move into an empty database`);
    }
    for (const table of TABLES) {
      const [row] = rowsOf(await read.execute(sql.raw(`select coalesce(json_agg(t), '[]'::json)::text as rows from "${table}" t`)));
      const json = String(row?.rows ?? '[]');
      const idColumn = IDENTITY_COLUMN.get(table);
      const overriding = idColumn ? 'overriding system value' : '';
      await tx.execute(
        sql`${sql.raw(`insert into "${table}" ${overriding} select * from json_populate_recordset(null::"${table}", `)}${json}::json)`,
      );
      counts[table] = (JSON.parse(json) as unknown[]).length;
      if (idColumn) {
        await tx.execute(
          sql.raw(`select setval(pg_get_serial_sequence('"${table}"', '${idColumn}'), coalesce((select max(${idColumn}) from "${table}"), 0) + 1, false)`),
        );
      }
    }
  }));
  return counts;
}
