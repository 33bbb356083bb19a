import { serve } from '@hono/node-server';
import { DataDirInUse } from './db/data-dir-owner.js';
import { CREATE_ONLY_FLAG, createDataDirInChild, createsPgliteDataDir } from './db/first-start.js';
import { seedDemoData, DEMO_ADMIN } from './db/seed-demo.js';
import { BUSY_EXIT_CODE } from './db/tool-access.js';
import { InvalidEnvError, loadEnv, shouldSeedDemo } from './env.js';
import { startRuntime } from './server.js';

async function main() {
  let env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof InvalidEnvError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  // A new PGlite directory is created by a child process, which keeps initdb's memory (first-start.ts).
  const createOnly = process.argv.includes(CREATE_ONLY_FLAG);
  if (!createOnly && createsPgliteDataDir(env)) {
    const code = await createDataDirInChild();
    if (code !== 0) process.exit(code);
  }
  let runtime;
  try {
    runtime = await startRuntime(env);
  } catch (error) {
    if (error instanceof DataDirInUse) {
      // Another server (or a tool) owns this data directory: two owners would lose each other's writes.
      process.stderr.write(`${error.message}\nStop it first, or give this server another DATA_DIR. Nothing was written.\n`);
      process.exit(BUSY_EXIT_CODE);
    }
    throw error;
  }
  if (createOnly) {
    await runtime.close();
    process.exit(0);
  }
  const { services } = runtime;
  const seeded = shouldSeedDemo(env) && (await seedDemoData(services.database, env.TIME_ZONE));
  services.mailWorker.start();
  // Housekeeping, hourly and at start: safe to run on several instances at once.
  const housekeeping = () => {
    services.sessions.sweepExpired().catch((error: unknown) => services.logger.warn({ err: String(error) }, 'session sweep failed'));
    services.retention.anonymizeExpired().then(
      (count) => count > 0 && services.logger.info({ count }, 'guests anonymized (retention)'),
      (error: unknown) => services.logger.warn({ err: String(error) }, 'retention job failed'),
    );
  };
  housekeeping();
  const hourly = setInterval(housekeeping, 3_600_000);
  hourly.unref();
  // Every half minute: lapsed waiting-list offers pass down the line (seats are held until this
  // runs, never given to anyone else), and pending bookings whose link expired are removed.
  // Both lock the rows they change, so several instances may run them at once.
  const seatKeeping = () => {
    services.waitlist.expireOffers().then(
      (count) => count > 0 && services.logger.info({ count }, 'waiting-list offers expired'),
      (error: unknown) => services.logger.warn({ err: String(error) }, 'offer expiry failed'),
    );
    services.bookings.deleteLapsedPending().then(
      (count) => count > 0 && services.logger.info({ count }, 'lapsed pending reservations removed'),
      (error: unknown) => services.logger.warn({ err: String(error) }, 'pending cleanup failed'),
    );
  };
  seatKeeping();
  const halfMinutely = setInterval(seatKeeping, 30_000);
  halfMinutely.unref();

  const server = serve({ fetch: runtime.app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    const base = env.SITE_BASE_URL;
    services.logger.info({ port: info.port, database: services.database.kind }, 'AzioneLab Tickets listening');
    // What a refused second process or tool tells its user about this one.
    services.database.lock?.describe({ url: base });
    process.stdout.write(
      [
        '',
        `AzioneLab Tickets on ${base} (database: ${services.database.kind === 'pglite' ? `PGlite in ${env.DATA_DIR}` : 'PostgreSQL'})`,
        `  public site: ${base}/`,
        `  staff admin: ${base}/admin/`,
        `  door app:    ${base}/door/`,
        `  API:         ${base}/api/shows   health: ${base}/healthz`,
        seeded ? `  demo admin:  ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}` : '',
        env.SMTP_URL ? '' : `  mail:        printed here and saved under ${env.DATA_DIR}/mail`,
        '',
      ]
        .filter((line, i, all) => line !== '' || i === 0 || i === all.length - 1)
        .join('\n') + '\n',
    );
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    services.logger.info({ signal }, 'shutting down');
    // Stop accepting, let requests in flight finish, then the mail worker, then the database.
    server.close(() => {
      runtime.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
