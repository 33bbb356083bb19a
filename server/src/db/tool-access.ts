import { existsSync } from 'node:fs';
import net from 'node:net';
import type { Env } from '../env.js';
import { openDatabase, openSocketDatabase, type Database } from './client.js';
import { DataDirInUse } from './data-dir-owner.js';
import { socketPathOf } from './tool-socket.js';

/*
 * How a command-line tool (user:create, db:backup, db:move-to-postgres, keys:rotate…) reaches
 * the database: PostgreSQL when DATABASE_URL is set; otherwise the running server's PGlite
 * through its Unix socket (the server owns the directory); otherwise, with no server running,
 * the directory itself, under its lock. A directory held by a process that serves no socket
 * (another tool, say) is refused: see refuseBusy.
 */

export type ToolDatabase = Database & {
  /** 'server': through the running server's socket; the server has migrated the database. */
  via: 'postgres' | 'server' | 'directory';
};

function answers(socketPath: string): Promise<boolean> {
  if (!existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(2_000, () => done(false));
  });
}

export async function openForTool(env: Env, role: string): Promise<ToolDatabase> {
  if (env.DATABASE_URL) return { ...(await openDatabase({ databaseUrl: env.DATABASE_URL, maxConnections: 2 })), via: 'postgres' };
  const socketPath = socketPathOf(env.DATA_DIR);
  if (await answers(socketPath)) return { ...openSocketDatabase(socketPath), via: 'server' };
  return { ...(await openDatabase({ dataDir: env.DATA_DIR, owner: role })), via: 'directory' };
}

/** Exit code of a tool refused because another process holds the data directory. */
export const BUSY_EXIT_CODE = 2;

/** Says who holds the directory and what to do, and ends the process with BUSY_EXIT_CODE. */
export function refuseBusy(error: DataDirInUse): never {
  const server = error.owner?.role === 'server';
  process.stderr.write(
    `${error.message}\n` +
      (server
        ? 'Its socket for local tools does not answer, so this cannot go through it. Stop that server first (Ctrl+C in its terminal, or kill ' +
          `${error.owner?.pid}), then run this again.\n`
        : `Wait until it has finished (or stop it: kill ${error.owner?.pid ?? '<pid>'}), then run this again. Nothing was written.\n`),
  );
  process.exit(BUSY_EXIT_CODE);
}

/** Runs a tool's work with its database, turning a busy directory into the refusal above. */
export async function withToolDatabase<T>(env: Env, role: string, work: (database: ToolDatabase) => Promise<T>): Promise<T> {
  let database: ToolDatabase;
  try {
    database = await openForTool(env, role);
  } catch (error) {
    if (error instanceof DataDirInUse) refuseBusy(error);
    throw error;
  }
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}
