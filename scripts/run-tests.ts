import { spawnSync } from 'node:child_process';
import { findPgBinDir } from './pg-cluster.js';

/**
 * `npm test`: every test on PGlite, and again on a real PostgreSQL when its server binaries
 * exist. Under CI=true a missing PostgreSQL is a failure, never a silent skip.
 */
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const passthrough = args.filter((arg, i) => arg !== '--only' && args[i - 1] !== '--only');
const projects = only ? [only] : ['pglite', 'postgres'];

if (projects.includes('postgres') && !findPgBinDir()) {
  const message = 'PostgreSQL server binaries not found (apt-get install -y postgresql).';
  if (process.env.CI === 'true' || only === 'postgres') {
    process.stderr.write(`${message} The PostgreSQL test run is required here.\n`);
    process.exit(1);
  }
  process.stderr.write(`\n*** ${message} Running on PGlite only. ***\n\n`);
  projects.splice(projects.indexOf('postgres'), 1);
}

const result = spawnSync('npx', ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), ...passthrough], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
