import { runMigrations } from '../server/src/db/migrate.js';
import { withToolDatabase } from '../server/src/db/tool-access.js';
import { SigningKeys } from '../server/src/door/signing-keys.js';
import { loadEnv } from '../server/src/env.js';

/**
 * `npm run keys:rotate`: retires the manifest-signing key and creates a new one. Devices fetch
 * the new public key with their next manifest; the old key stays published for 30 days.
 * Running servers pick the new key up on restart.
 */
const env = loadEnv();
await withToolDatabase(env, 'keys:rotate', async (database) => {
  if (database.via !== 'server') await runMigrations(database);
  const kid = await new SigningKeys(database.db).rotate();
  process.stdout.write(`New manifest signing key: ${kid}\n`);
});
