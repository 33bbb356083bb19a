import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase, type Database } from '../db/client.js';
import { moveToPostgres } from './move-to-postgres.js';
import { pgTool } from './pg-tools.js';

/*
 * Backups that a volunteer can run and restore:
 * - PostgreSQL: pg_dump's custom format, restored with pg_restore --clean (schema and data);
 * - PGlite: its own data-directory dump (a .tar.gz), restored into a fresh DATA_DIR.
 * The PGlite variant works while the server runs, through its socket (db/tool-access.ts).
 */

const stamp = (now = new Date()) => now.toISOString().replace(/[:.]/g, '-');

function run(file: string, args: string[]): void {
  const result = spawnSync(file, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${path.basename(file)} failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout || String(result.error ?? '')).trim()}`);
  }
}

export function backupPostgres(databaseUrl: string, folder: string): string {
  mkdirSync(folder, { recursive: true });
  const file = path.resolve(folder, `azionelab-${stamp()}.dump`);
  run(pgTool('pg_dump'), ['--format=custom', '--no-owner', '--file', file, databaseUrl]);
  return file;
}

export function restorePostgres(databaseUrl: string, file: string): void {
  if (!existsSync(file)) throw new Error(`no such backup: ${file}`);
  run(pgTool('pg_restore'), ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--dbname', databaseUrl, file]);
}

export const pgliteFolder = (dataDir: string) => path.resolve(dataDir, 'pglite');

/**
 * PGlite's own data-directory dump (a .tar.gz that db:restore takes back). From the process
 * that holds the directory, or, while the server runs, from a copy made through its socket:
 * every table read in one transaction into a fresh in-memory PGlite, which is then dumped.
 */
export async function backupPglite(database: Database, folder: string): Promise<string> {
  mkdirSync(folder, { recursive: true });
  let source = database.pglite;
  let copy: Database | undefined;
  if (!source) {
    copy = await openDatabase({ dataDir: 'memory://' });
    await moveToPostgres(database, copy);
    source = copy.pglite!;
  }
  try {
    const dump = await source.dumpDataDir('gzip');
    const file = path.resolve(folder, `azionelab-${stamp()}.pglite.tar.gz`);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    return file;
  } finally {
    await copy?.close();
  }
}

/** Restores into DATA_DIR; an existing database is moved aside (never deleted). */
export async function restorePglite(dataDir: string, file: string): Promise<string | undefined> {
  if (!existsSync(file)) throw new Error(`no such backup: ${file}`);
  const target = pgliteFolder(dataDir);
  let movedAside: string | undefined;
  if (existsSync(target)) {
    movedAside = `${target}.before-restore-${stamp()}`;
    renameSync(target, movedAside);
  }
  mkdirSync(path.dirname(target), { recursive: true });
  const db = await PGlite.create(target, { loadDataDir: new Blob([readFileSync(file)]) });
  await db.query('select 1');
  await db.close();
  return movedAside;
}
