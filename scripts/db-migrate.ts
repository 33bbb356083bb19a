import { openDatabase } from '../server/src/db/client.js';
import { runMigrations } from '../server/src/db/migrate.js';
import { loadEnv } from '../server/src/env.js';

/** `npm run db:migrate`: applies drizzle/ migrations to DATABASE_URL, or to the PGlite in DATA_DIR. */
const env = loadEnv();
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
try {
  await runMigrations(database);
  process.stdout.write(`Migrations applied (${database.kind === 'pglite' ? `PGlite in ${env.DATA_DIR}` : 'PostgreSQL'}).\n`);
} finally {
  await database.close();
}
