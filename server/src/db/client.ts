import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { lockDataDir, type DataDirLock } from './data-dir-owner.js';
import * as schema from './schema.js';
import { serveToolSocket } from './tool-socket.js';

export type Schema = typeof schema;
/** Both drivers produce this type; repositories never know which one they talk to. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Set for PostgreSQL: migrations open their own single connection to hold an advisory lock. */
  url?: string;
  /** A PGlite data directory's lock, held by this process while the database is open. */
  lock?: DataDirLock;
  /** The PGlite itself, for what only it can do (its data-directory dump). */
  pglite?: PGlite;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  /** postgres.js pool size. */
  maxConnections?: number;
  /**
   * Who opens a PGlite data directory ("server", "user:create"…): it is locked for this process
   * (data-dir-owner.ts), or DataDirInUse is thrown before anything is opened.
   */
  owner?: string;
  /** The server serves the directory's database to local tools on a Unix socket (tool-socket.ts). */
  serveTools?: boolean;
  /** Where a lost lock or a tool's abandoned transaction is reported. */
  warn?: (message: string) => void;
}

/** postgres.js behind Drizzle, to a PostgreSQL server (a URL) or to a running server's PGlite (its tools' socket). */
function postgresDatabase(target: { url: string } | { socketPath: string }, max: number): Database {
  const settings = {
    max,
    onnotice: () => {},
    // Reservation ids and counts fit in JS numbers; bigint sums come back as strings otherwise.
    types: { bigint: postgres.BigInt },
  };
  const client =
    'url' in target ? postgres(target.url, settings) : postgres({ ...settings, path: target.socketPath, user: 'postgres', database: 'postgres' });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return { db, kind: 'postgres', ...('url' in target && { url: target.url }), close: () => client.end({ timeout: 5 }) };
}

/** A running server's PGlite through its Unix socket (tool-socket.ts), on one connection: a tool's transaction holds the session. */
export const openSocketDatabase = (socketPath: string): Database => postgresDatabase({ socketPath }, 1);

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return postgresDatabase({ url: options.databaseUrl }, options.maxConnections ?? 10);
  const dataDir = options.dataDir ?? 'memory://';
  if (dataDir.startsWith('memory://')) {
    const client = await PGlite.create(dataDir);
    return { db: drizzlePglite(client, { schema }) as unknown as Db, kind: 'pglite', pglite: client, close: () => client.close() };
  }
  const warn = options.warn ?? ((message: string) => process.stderr.write(`${message}\n`));
  const lock = await lockDataDir(dataDir, options.owner ?? 'server', (error) => warn(`the lock on ${dataDir} was lost: ${error.message}`));
  try {
    const client = await PGlite.create(path.resolve(dataDir, 'pglite'), {
      // Postgres's default shared_buffers (128 MB) lives in the WebAssembly memory, which never
      // shrinks: 16 MB holds a theatre's whole database and saves ~110 MB of resident memory
      // (docs/benchmarks.md, server memory). Durability settings stay PGlite's defaults.
      startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
    });
    const tools = options.serveTools ? await serveToolSocket(client, dataDir, warn) : undefined;
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'pglite',
      lock,
      pglite: client,
      async close() {
        await tools?.stop();
        await client.close();
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
