import { parseArgs } from 'node:util';
import { withToolDatabase } from '../server/src/db/tool-access.js';
import { loadEnv } from '../server/src/env.js';
import { backupPglite, backupPostgres } from '../server/src/ops/backup.js';

/**
 * `npm run db:backup [-- --out backups]`: PostgreSQL (DATABASE_URL) with pg_dump, or the
 * embedded PGlite in DATA_DIR: through the running server's socket while it runs, else from the
 * directory itself (under its lock). Prints the file written.
 */
const { values } = parseArgs({ options: { out: { type: 'string', default: 'backups' } } });
const env = loadEnv();
const file = env.DATABASE_URL
  ? backupPostgres(env.DATABASE_URL, values.out!)
  : await withToolDatabase(env, 'db:backup', (database) => backupPglite(database, values.out!));
process.stdout.write(`Backup written: ${file}\n`);
