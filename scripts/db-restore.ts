import { parseArgs } from 'node:util';
import { DataDirInUse, lockDataDir } from '../server/src/db/data-dir-owner.js';
import { refuseBusy } from '../server/src/db/tool-access.js';
import { loadEnv } from '../server/src/env.js';
import { restorePglite, restorePostgres } from '../server/src/ops/backup.js';

/**
 * `npm run db:restore -- <file>`: a .dump into DATABASE_URL (pg_restore --clean, in one
 * transaction), or a .pglite.tar.gz into DATA_DIR (the current database is moved aside). A
 * running server is refused: it would go on with the database it has open.
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
  const lock = await lockDataDir(env.DATA_DIR, 'db:restore', () => undefined).catch((error: unknown) => {
    if (error instanceof DataDirInUse) refuseBusy(error);
    throw error;
  });
  try {
    const aside = await restorePglite(env.DATA_DIR, file);
    process.stdout.write(`Restored ${file} into ${env.DATA_DIR}.${aside ? ` The previous database was kept in ${aside}.` : ''}\n`);
  } finally {
    await lock.release();
  }
}
