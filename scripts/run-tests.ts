import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findPgBinDir } from './pg-cluster.js';

/**
 * `npm test`: every test on PGlite, and again on a real PostgreSQL when its server binaries
 * exist, plus the reliability suite (server processes killed and restarted, on PostgreSQL and
 * on PGlite data directories).
 * Under CI=true a missing PostgreSQL is a failure, never a silent skip.
 */
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const passthrough = args.filter((arg, i) => arg !== '--only' && args[i - 1] !== '--only');
const projects = only ? [only] : ['pglite', 'postgres', 'reliability', 'browser'];
const ci = process.env.CI === 'true';

const needPostgres = projects.filter((p) => p === 'postgres' || p === 'reliability');
if (needPostgres.length > 0 && !findPgBinDir()) {
  const message = 'PostgreSQL server binaries not found (apt-get install -y postgresql).';
  if (ci || only === 'postgres' || only === 'reliability') {
    process.stderr.write(`${message} The PostgreSQL and reliability test runs are required here.\n`);
    process.exit(1);
  }
  process.stderr.write(`\n*** ${message} Running on PGlite only, without the reliability suite. ***\n\n`);
  for (const project of needPostgres) projects.splice(projects.indexOf(project), 1);
}

if (projects.includes('browser')) {
  if (!existsSync('/usr/bin/chromium')) {
    const message = 'Chromium not found at /usr/bin/chromium (apt-get install -y chromium).';
    if (ci || only === 'browser') {
      process.stderr.write(`${message} The browser tests are required here.\n`);
      process.exit(1);
    }
    process.stderr.write(`\n*** ${message} Skipping the browser tests. ***\n\n`);
    projects.splice(projects.indexOf('browser'), 1);
  } else {
    // The browser tests drive the built apps, so they are always built from the current source.
    const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
}

const result = spawnSync('npx', ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), ...passthrough], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
