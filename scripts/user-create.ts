import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { AuthService } from '../server/src/auth/auth-service.js';
import { SessionStore } from '../server/src/auth/sessions.js';
import { runMigrations } from '../server/src/db/migrate.js';
import { withToolDatabase } from '../server/src/db/tool-access.js';
import { loadEnv } from '../server/src/env.js';
import { AppError } from '../server/src/lib/errors.js';
import { userCreateSchema } from '../shared/src/contracts.js';
import { fieldErrorsOf, type FieldError, type FieldErrors } from '../shared/src/field-errors.js';
import { USER_ROLES, type UserRole } from '../shared/src/statuses.js';
import { Throttle } from '../server/src/throttle/throttle-service.js';

/**
 * `npm run user:create -- --email E --role R [--name N]`: creates a staff user. The password is
 * read from stdin (typed without echo on a terminal), never from the command line, where it
 * would land in shell history and process lists.
 */
const { values } = parseArgs({
  options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
});
if (!values.email || !values.role || !USER_ROLES.includes(values.role as UserRole)) {
  process.stderr.write(`Usage: npm run user:create -- --email E --role (${USER_ROLES.join('|')}) [--name "Full name"]\n`);
  process.exit(2);
}

async function readPassword(): Promise<string> {
  const interactive = process.stdin.isTTY;
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: interactive });
  if (interactive) {
    const first = await new Promise<string>((resolve) => {
      rl.question('Password: ', resolve);
      muted = true;
    });
    muted = false;
    process.stdout.write('\n');
    const second = await new Promise<string>((resolve) => {
      rl.question('Repeat password: ', resolve);
      muted = true;
    });
    rl.close();
    process.stdout.write('\n');
    if (first !== second) throw new Error('The passwords do not match.');
    return first;
  }
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new Error('No password on stdin.');
}

/** Field errors for a terminal: `password: too_short (min 10)`; the codes are those docs/api.md lists. */
function describeFieldErrors(errors: FieldErrors): string {
  const describe = ({ code, ...params }: FieldError) => {
    const values = Object.entries(params).map(([name, value]) => `${name} ${String(value)}`);
    return values.length > 0 ? `${code} (${values.join(', ')})` : code;
  };
  return Object.entries(errors)
    .map(([field, list]) => `${field}: ${list.map(describe).join(', ')}`)
    .join('; ');
}

const env = loadEnv();
const password = await readPassword();
await withToolDatabase(env, 'user:create', async (database) => {
  try {
    // Through a running server's socket the database is the server's, already migrated.
    if (database.via !== 'server') await runMigrations(database);
    const auth = new AuthService(database.db, env, new SessionStore(database.db, env.SESSION_TTL), new Throttle(database.db));
    // The same rules as the admin's "new user" form and every other place a password is set
    // (server/src/auth/password-policy.ts): at least 10 characters, not a commonly breached one.
    const raw = { email: values.email, password, role: values.role, display_name: values.name ?? '' };
    const parsed = userCreateSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('validation_error', 'The user is not valid.', { errors: fieldErrorsOf(parsed.error, raw) });
    const input = parsed.data;
    const user = await auth.createUser({ email: input.email, password, role: input.role, displayName: input.display_name ?? '' });
    process.stdout.write(`Created ${user.role} user ${user.email} (id ${user.id}).\n`);
  } catch (error) {
    const message = error instanceof AppError ? [error.message, describeFieldErrors(error.extra.errors ?? {})].filter(Boolean).join(' ') : String(error);
    process.stderr.write(`Could not create the user: ${message}\n`);
    process.exitCode = 1;
  }
});
