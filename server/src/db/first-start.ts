import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../env.js';

/*
 * The first start on a new PGlite data directory runs in a child process of its own.
 *
 * Creating the directory is Postgres's initdb: PGlite runs it in a second, temporary Postgres
 * with its own WebAssembly memory and copies the result over as a tarball. That peaks near
 * 700 MB, and a process never gets all of it back (V8 frees the WebAssembly memories only at a
 * later full collection, and the C heap stays fragmented): the server sat at 700-900 MB after
 * its first start against ~230 MB after a restart. So the server runs itself once more with
 * CREATE_ONLY_FLAG: that child opens the directory (under the data-directory lock, with the
 * same settings as always), applies the migrations, closes it and exits, taking the memory with
 * it. The server then opens an existing directory, as after any restart.
 */

export const CREATE_ONLY_FLAG = '--create-data-dir';

/** Whether starting with this configuration would create a new PGlite data directory. */
export function createsPgliteDataDir(env: Pick<Env, 'DATABASE_URL' | 'DATA_DIR'>): boolean {
  if (env.DATABASE_URL || env.DATA_DIR.startsWith('memory://')) return false;
  // client.ts keeps the Postgres files in <DATA_DIR>/pglite; initdb writes PG_VERSION there first.
  return !existsSync(path.resolve(env.DATA_DIR, 'pglite', 'PG_VERSION'));
}

/**
 * Runs this same program (the bundle, or the TypeScript through tsx: same Node flags, same
 * environment) with CREATE_ONLY_FLAG and resolves with its exit code. Its stderr is ours, so
 * its own error message (a data directory in use, a failed migration) reaches the operator.
 */
export function createDataDirInChild(): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, CREATE_ONLY_FLAG], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // A stop during the first start stops the child too, rather than leaving it to finish alone.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGTERM', forward);
  process.on('SIGINT', forward);
  return new Promise((resolve) => {
    child.once('error', () => resolve(1));
    child.once('exit', (code) => {
      process.off('SIGTERM', forward);
      process.off('SIGINT', forward);
      resolve(code ?? 1);
    });
  });
}
