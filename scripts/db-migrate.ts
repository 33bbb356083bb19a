import { runMigrations } from '../server/src/db/migrate.js';
import { withToolDatabase } from '../server/src/db/tool-access.js';
import { loadEnv } from '../server/src/env.js';

/** `npm run db:migrate`: applies drizzle/ migrations to DATABASE_URL, or to the PGlite in DATA_DIR. */
const env = loadEnv();
await withToolDatabase(env, 'db:migrate', async (database) => {
  // A running server applied them when it started: its migrations are the ones it runs with.
  if (database.via === 'server') return void process.stdout.write('The running server applied the migrations when it started.\n');
  await runMigrations(database);
  process.stdout.write(`Migrations applied (${database.kind === 'pglite' ? `PGlite in ${env.DATA_DIR}` : 'PostgreSQL'}).\n`);
});
