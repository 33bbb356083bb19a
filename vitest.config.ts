import { configDefaults, defineConfig } from 'vitest/config';

const include = ['server/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts', 'pwa/src/**/*.test.ts'];
const browserTests = ['pwa/e2e/**/*.e2e.test.ts'];
// The reliability suite kills and restarts server processes (on PostgreSQL, and on PGlite data
// directories for the one-owner and crash tests): its own project, run once.
const reliabilityTests = ['server/src/reliability/**/*.reliability.test.ts'];
const exclude = [...configDefaults.exclude, ...reliabilityTests];
// Inline projects do not inherit the root `test` options: each one states its timeouts.
const timeouts = { testTimeout: 30_000, hookTimeout: 60_000 };

/*
 * Two projects run the same test files: on PGlite in memory, and on a throwaway PostgreSQL
 * cluster started by the global setup. scripts/run-tests.ts picks which ones run.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'pglite', include, exclude, ...timeouts, provide: { pgClusterUrl: '' } },
      },
      {
        test: { name: 'postgres', include, exclude, ...timeouts, globalSetup: ['server/src/test/pg-global-setup.ts'] },
      },
      {
        // Real Chromium against the real server with the built web apps (npm test builds first).
        test: {
          name: 'browser',
          include: browserTests,
          provide: { pgClusterUrl: '' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // Randomized concurrency, crashes (SIGKILL) and outages against real server processes on
        // a throwaway PostgreSQL; one file at a time, each bounded to a couple of minutes.
        test: {
          name: 'reliability',
          include: reliabilityTests,
          globalSetup: ['server/src/test/pg-global-setup.ts'],
          testTimeout: 150_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
