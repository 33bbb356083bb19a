import { hashPassword } from '../auth/passwords.js';
import type { Database } from '../db/client.js';
import { users, type UserRole } from '../db/schema.js';

const PASSWORD = 'staff login for tests and benchmarks';

/**
 * A new staff user of this role, logged in over HTTP at `base` (a server process): returns the
 * Cookie header value. `origin` is the server's SITE_BASE_URL origin (the login is a POST).
 */
export async function staffLogin(database: Database, base: string, role: UserRole, origin = base): Promise<string> {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@azionelab.test`;
  await database.db.insert(users).values({ email, passwordHash: await hashPassword(PASSWORD), role, displayName: `${role} staff` });
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
}
