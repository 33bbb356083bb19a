import { createApp } from './app.js';
import { openDatabase } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import type { Env } from './env.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createTransport, type MailTransport } from './mail/mail-transport.js';
import { createServices, type Services } from './services.js';

export interface Runtime {
  services: Services;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

/** Opens the database, migrates it and wires the app: shared by `npm start` and the tests. */
export async function startRuntime(
  env: Env,
  options: { logger?: Logger; transport?: MailTransport; now?: () => Date; webRoot?: string } = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    owner: 'server',
    serveTools: true,
    warn: (message) => logger.warn(message),
  });
  await runMigrations(database);
  const transport = options.transport ?? createTransport(env);
  const services = createServices({ env, database, logger, transport, ...(options.now && { now: options.now }) });
  const app = createApp(services, { webRoot: options.webRoot });
  return {
    services,
    app,
    async close() {
      await services.mailWorker.stop();
      transport.close();
      await database.close();
    },
  };
}
