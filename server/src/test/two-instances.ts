import { openDatabase, type Database } from '../db/client.js';
import { databaseFromTemplate } from './pg-global-setup.js';
import { ServerProcess } from './server-process.js';
import { SmtpMailbox } from './smtp-mailbox.js';

/*
 * Two server processes on one fresh PostgreSQL database, as `docker compose up --scale app=2`
 * runs them, with a real SMTP server for both and a direct connection for the test's own
 * reads. Used by the tests that prove outbox, throttles and locks hold across instances.
 */

export interface TwoInstances {
  database: Database;
  mailbox: SmtpMailbox;
  servers: ServerProcess[];
  /** The servers' base URLs, to spread requests over both. */
  bases: string[];
  stop(): Promise<void>;
}

export async function startTwoInstances(clusterUrl: string, name: string, env: Record<string, string>): Promise<TwoInstances> {
  const url = await databaseFromTemplate(clusterUrl, name);
  const database = await openDatabase({ databaseUrl: url });
  const mailbox = await SmtpMailbox.start();
  const serverEnv = { SMTP_URL: mailbox.url, TRUST_PROXY: 'true', ...env };
  const servers = await Promise.all([ServerProcess.start({ databaseUrl: url, env: serverEnv }), ServerProcess.start({ databaseUrl: url, env: serverEnv })]);
  return {
    database,
    mailbox,
    servers,
    bases: servers.map((server) => server.base),
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
      await database.close();
      await mailbox.stop();
    },
  };
}

/** A JSON POST from a given client address (the servers trust X-Forwarded-For, as behind Caddy). */
export const postFrom = (base: string, path: string, body: unknown, ip: string): Promise<Response> =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify(body) });
