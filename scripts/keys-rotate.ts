import { openDatabase } from '../server/src/db/client.js';
import { runMigrations } from '../server/src/db/migrate.js';
import { SigningKeys } from '../server/src/door/signing-keys.js';
import { loadEnv } from '../server/src/env.js';

/**
 * `npm run keys:rotate`: retires the manifest-signing key and creates a new one. Devices fetch
 * the new public key with their next manifest; the old key stays published for 30 days.
 * Running servers pick the new key up on restart.
 */
const env = loadEnv();
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
try {
  await runMigrations(database);
  const kid = await new SigningKeys(database.db).rotate();
  process.stdout.write(`New manifest signing key: ${kid}\n`);
} finally {
  await database.close();
}
