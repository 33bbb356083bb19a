import { parseArgs } from 'node:util';
import { loadEnv } from '../server/src/env.js';
import { restorePglite, restorePostgres } from '../server/src/ops/backup.js';

/**
 * `npm run db:restore -- <file>`: a .dump into DATABASE_URL (pg_restore --clean, in one
 * transaction), or a .pglite.tar.gz into DATA_DIR (the current database is moved aside).
 * Stop the server first.
 */
const { positionals } = parseArgs({ allowPositionals: true });
const file = positionals[0];
if (!file) {
  process.stderr.write('Usage: npm run db:restore -- <backup file>\n');
  process.exit(2);
}
const env = loadEnv();
if (env.DATABASE_URL) {
  restorePostgres(env.DATABASE_URL, file);
  process.stdout.write(`Restored ${file} into PostgreSQL.\n`);
} else {
  const aside = await restorePglite(env.DATA_DIR, file);
  process.stdout.write(`Restored ${file} into ${env.DATA_DIR}.${aside ? ` The previous database was kept in ${aside}.` : ''}\n`);
}
