import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.js';
import { lockDataDir } from '../db/data-dir-owner.js';
import { TABLES } from '../ops/move-to-postgres.js';
import { ServerProcess } from '../test/server-process.js';
import { freshDatabase } from './reliability-kit.js';
import { findPgBinDir } from '../../../scripts/pg-cluster.js';

/*
 * One owner for a PGlite data directory, with real processes: a second server or a tool that
 * would open the directory while another process holds it is refused (exit 2, nothing written);
 * while the server runs, tools go through its Unix socket; a lock left by a SIGKILL is taken over.
 */

const dirs: string[] = [];
const aDataDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'azl-owner-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every file of the database with its size and time: what "nothing was written" compares. */
function snapshot(dataDir: string): string {
  const lines: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else {
        const stat = statSync(file);
        lines.push(`${path.relative(dataDir, file)} ${stat.size} ${stat.mtimeMs}`);
      }
    }
  };
  walk(path.join(dataDir, 'pglite'));
  return lines.sort().join('\n');
}

/** `npm run <tool>` as a user types it (through tsx), with DATA_DIR and no DATABASE_URL. */
function runTool(script: string, args: string[], dataDir: string, stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
      // The tools read their settings from the environment, as from a shell.
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', APP_ENV: 'test', LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(stdin);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const aServer = (dataDir: string) => ServerProcess.start({ env: { DATA_DIR: dataDir, SEED_DEMO: 'false' }, readyTimeoutMs: 60_000 });

async function rowCounts(dataDir: string): Promise<Record<string, number>> {
  const database = await openDatabase({ dataDir, owner: 'test' });
  try {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const result = await database.pglite!.query<{ n: number }>(`select count(*)::int as n from "${table}"`);
      counts[table] = result.rows[0]!.n;
    }
    return counts;
  } finally {
    await database.close();
  }
}

describe('one owner for the embedded database', () => {
  it('refuses every second process while a tool holds the directory: exit 2, its name and pid, nothing written', async () => {
    const dataDir = aDataDir();
    // A database to protect, then a "tool" (this test) holding it without a socket.
    await (await openDatabase({ dataDir, owner: 'setup' })).close();
    const server = await aServer(dataDir);
    await server.stop();
    const lock = await lockDataDir(dataDir, 'db:backup', () => undefined);
    const before = snapshot(dataDir);
    try {
      const attempts: [string, string[], string?][] = [
        ['user-create', ['--email', 'second@azionelab.local', '--role', 'door'], 'second-password-2026\n'],
        ['db-migrate', []],
        ['db-backup', ['--out', path.join(dataDir, 'backups')]],
        ['db-restore', [path.join(dataDir, 'none.pglite.tar.gz')]],
        ['db-move-to-postgres', ['postgres://nobody@127.0.0.1:1/none']],
        ['keys-rotate', []],
      ];
      const results = await Promise.all(attempts.map(([script, args, stdin]) => runTool(script, args, dataDir, stdin)));
      for (const [i, result] of results.entries()) {
        expect({ tool: attempts[i]![0], code: result.code }).toEqual({ tool: attempts[i]![0], code: 2 });
        expect(result.stderr).toContain(`"npm run db:backup" (pid ${process.pid}`);
        expect(result.stderr).toContain('Nothing was written');
      }
      await expect(aServer(dataDir)).rejects.toThrow(/exited before it was ready/);
      expect(snapshot(dataDir)).toBe(before);
    } finally {
      await lock.release();
    }
  });

  it('runs the tools through the running server: a user who can sign in at once, a backup with every row, psql, a refused second server', async () => {
    const dataDir = aDataDir();
    const server = await aServer(dataDir);
    try {
      const created = await runTool('user-create', ['--email', 'live@azionelab.local', '--role', 'door'], dataDir, 'live-password-2026\n');
      expect(created).toMatchObject({ code: 0 });
      expect(created.stdout).toMatch(/Created door user live@azionelab\.local/);
      const login = await fetch(`${server.base}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: server.base },
        body: JSON.stringify({ email: 'live@azionelab.local', password: 'live-password-2026' }),
      });
      expect(login.status).toBe(200);

      const second = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(server.port + 1), APP_ENV: 'test', SEED_DEMO: 'false' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(second.status).toBe(2);
      expect(second.stderr).toContain(`the AzioneLab server (pid ${server.pid}`);

      const backups = path.join(dataDir, 'backups');
      const backup = await runTool('db-backup', ['--out', backups], dataDir);
      expect(backup).toMatchObject({ code: 0 });
      const file = /Backup written: (\S+)/.exec(backup.stdout)?.[1];
      expect(file).toMatch(/\.pglite\.tar\.gz$/);

      const psqlBin = findPgBinDir() ? path.join(findPgBinDir()!, 'psql') : undefined;
      if (psqlBin) {
        const psql = spawnSync(psqlBin, ['-At', '-h', dataDir, '-U', 'postgres', '-d', 'postgres', '-c', 'select email from users order by id'], { encoding: 'utf8' });
        expect(psql.stdout.trim()).toBe('live@azionelab.local');
      }
      // Moving to PostgreSQL while the server runs: one consistent copy, read through the socket.
      const { url, database: target } = await freshDatabase('moved');
      await target.close();
      const moved = await runTool('db-move-to-postgres', [url], dataDir);
      expect(moved).toMatchObject({ code: 0 });
      expect(moved.stdout).toMatch(/^users\s+1$/m);
      await server.stop();

      // The backup restores into a fresh directory with every row the server had.
      const restoredDir = aDataDir();
      const restored = await runTool('db-restore', [file!], restoredDir);
      expect(restored).toMatchObject({ code: 0 });
      expect(await rowCounts(restoredDir)).toEqual(await rowCounts(dataDir));
    } finally {
      await server.stop();
    }
  });

  it('takes over a lock left by a server killed with SIGKILL', async () => {
    const dataDir = aDataDir();
    const server = await aServer(dataDir);
    await server.kill();
    await server.start();
    expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    await server.stop();
  });
});
