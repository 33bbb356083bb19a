import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseKind } from '../server/src/test/harness.js';

/*
 * `npm run user:create` applies the same password rules as the API
 * (server/src/auth/password-policy.ts). Run as the operator would, on a PGlite data directory of
 * its own: once, in the PGlite project (the rules do not depend on the database).
 */

const dataDir = mkdtempSync(path.join(tmpdir(), 'user-create-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function userCreate(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/user-create.ts', ...args], {
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

describe.skipIf(databaseKind() === 'postgres')('npm run user:create', () => {
  it('refuses a commonly breached password (in any case) and a short one, then accepts a good one', async () => {
    const common = await userCreate(['--email', 'first@azionelab.local', '--role', 'admin'], 'Password1234\n');
    expect(common.code).toBe(1);
    expect(common.stderr).toContain('The password is too common');
    expect(common.stderr).toContain('password: password_common');

    const short = await userCreate(['--email', 'first@azionelab.local', '--role', 'admin'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('password: too_short (min 10)');

    const good = await userCreate(['--email', 'first@azionelab.local', '--role', 'admin'], 'the first light of the season\n');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/Created admin user first@azionelab\.local/);
  }, 60_000);
});
