import { parseArgs } from 'node:util';
import { loadEnv } from '../server/src/env.js';
import { backupPglite, backupPostgres } from '../server/src/ops/backup.js';

/**
 * `npm run db:backup [-- --out backups]`: PostgreSQL (DATABASE_URL) with pg_dump, or the
 * embedded PGlite in DATA_DIR (stop the server first). Prints the file written.
 */
const { values } = parseArgs({ options: { out: { type: 'string', default: 'backups' } } });
const env = loadEnv();
const file = env.DATABASE_URL ? backupPostgres(env.DATABASE_URL, values.out!) : await backupPglite(env.DATA_DIR, values.out!);
process.stdout.write(`Backup written: ${file}\n`);
