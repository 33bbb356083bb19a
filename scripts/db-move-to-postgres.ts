import { parseArgs } from 'node:util';
import { openDatabase } from '../server/src/db/client.js';
import { runMigrations } from '../server/src/db/migrate.js';
import { withToolDatabase } from '../server/src/db/tool-access.js';
import { loadEnv } from '../server/src/env.js';
import { moveToPostgres } from '../server/src/ops/move-to-postgres.js';

/**
 * `npm run db:move-to-postgres -- postgres://…`: copies the embedded database in DATA_DIR
 * (users, shows, reservations, tokens, check-ins, keys, everything) into an empty PostgreSQL
 * database, through the running server's socket while it runs (the copy is one consistent
 * moment). Afterwards start the server with DATABASE_URL set.
 */
const { positionals } = parseArgs({ allowPositionals: true });
const url = positionals[0];
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  process.stderr.write('Usage: npm run db:move-to-postgres -- postgres://user:password@host:5432/azionelab\n');
  process.exit(2);
}
const env = loadEnv();
// The source is always the embedded database, whatever DATABASE_URL says.
await withToolDatabase({ ...env, DATABASE_URL: undefined }, 'db:move-to-postgres', async (source) => {
  const target = await openDatabase({ databaseUrl: url });
  try {
    if (source.via !== 'server') await runMigrations(source);
    const counts = await moveToPostgres(source, target);
    for (const [table, n] of Object.entries(counts)) process.stdout.write(`${table.padEnd(20)} ${n}\n`);
    process.stdout.write('Done. Start the server with DATABASE_URL set to this database.\n');
  } finally {
    await target.close();
  }
});
