import { parseArgs } from 'node:util';
import { openDatabase } from '../server/src/db/client.js';
import { runMigrations } from '../server/src/db/migrate.js';
import { loadEnv } from '../server/src/env.js';
import { moveToPostgres } from '../server/src/ops/move-to-postgres.js';

/**
 * `npm run db:move-to-postgres -- postgres://…`: copies the embedded database in DATA_DIR
 * (users, shows, reservations, tokens, check-ins, keys, everything) into an empty PostgreSQL
 * database. Stop the server first; afterwards start it with DATABASE_URL set.
 */
const { positionals } = parseArgs({ allowPositionals: true });
const url = positionals[0];
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  process.stderr.write('Usage: npm run db:move-to-postgres -- postgres://user:password@host:5432/azionelab\n');
  process.exit(2);
}
const env = loadEnv();
const source = await openDatabase({ dataDir: env.DATA_DIR });
const target = await openDatabase({ databaseUrl: url });
try {
  await runMigrations(source);
  const counts = await moveToPostgres(source, target);
  for (const [table, n] of Object.entries(counts)) process.stdout.write(`${table.padEnd(20)} ${n}\n`);
  process.stdout.write('Done. Start the server with DATABASE_URL set to this database.\n');
} finally {
  await source.close();
  await target.close();
}
