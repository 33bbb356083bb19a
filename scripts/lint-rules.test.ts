import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/*
 * `npm run lint` must fail on an import cycle, on a service or repository importing a route
 * module, and on a dead export. These tests run the project's own .dependency-cruiser.cjs and
 * knip.jsonc on a small throwaway tree, once with each fault planted and once without it, so a
 * rule that silently stopped matching (a renamed folder, a changed glob) is seen here.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const depcruiseBin = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const knipBin = path.join(root, 'node_modules/knip/bin/knip.js');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project tree with the real lint configuration and the given source files. */
function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lint-rules-'));
  dirs.push(dir);
  for (const config of ['.dependency-cruiser.cjs', 'knip.jsonc', 'tsconfig.json']) copyFileSync(path.join(root, config), path.join(dir, config));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'lint-fixture', private: true, type: 'module' }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function run(bin: string, args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// Each run starts a tool afresh (1-2 s of CPU); a machine busy with the other test files stretches that.
const SLOW = 90_000;

const depcruise = (cwd: string) => run(depcruiseBin, ['.', '--config', '.dependency-cruiser.cjs'], cwd);
const knip = (cwd: string) => run(knipBin, ['--no-progress'], cwd);

/**
 * A script using a feature's service and a small library, and a web component with its state;
 * each planted fault is one import.
 */
const sources = (faults: { cycle: boolean; svelteCycle: boolean; serviceImportsRoutes: boolean }) => ({
  'scripts/tool.ts': [
    "import { one } from '../server/src/lib/one.js';",
    "import { shopPath } from '../server/src/shop/shop-service.js';",
    'console.log(one(), shopPath());',
    '',
  ].join('\n'),
  'server/src/lib/one.ts': "import { two } from './two.js';\nexport const one = () => two() + 1;\nexport type One = number;\n",
  // Only a type comes back: still a cycle of modules that cannot be read or moved apart.
  'server/src/lib/two.ts': faults.cycle
    ? "import type { One } from './one.js';\nexport const two = (): One => 2;\n"
    : 'export const two = (): number => 2;\n',
  'server/src/shop/shop-routes.ts': "export const SHOP_PATH = '/api/shop';\n",
  'server/src/shop/shop-service.ts': faults.serviceImportsRoutes
    ? "import { SHOP_PATH } from './shop-routes.js';\nexport const shopPath = () => SHOP_PATH;\n"
    : "export const shopPath = () => '/api/shop';\n",
  'pwa/src/panel.svelte': '<script lang="ts">\n  import { label } from \'./panel-state\';\n</script>\n\n<p>{label}</p>\n',
  'pwa/src/panel-state.ts': faults.svelteCycle
    ? "import type Panel from './panel.svelte';\nexport const label = 'x';\nexport type PanelComponent = typeof Panel;\n"
    : "export const label = 'x';\n",
});

describe('npm run lint: module boundaries (dependency-cruiser)', { timeout: SLOW }, () => {
  it('fails on a cycle (also of types, also through a Svelte component) and on a service importing routes', () => {
    const result = depcruise(fixture(sources({ cycle: true, svelteCycle: true, serviceImportsRoutes: true })));
    expect(result.status, result.output).not.toBe(0);
    expect(result.output).toMatch(/no-cycle: server\/src\/lib\/(one|two)\.ts/);
    expect(result.output).toMatch(/no-cycle: pwa\/src\/panel/);
    expect(result.output).toContain('no-http-below-services: server/src/shop/shop-service.ts → server/src/shop/shop-routes.ts');
    expect(result.output).toContain('3 dependency violations');
  });

  it('passes the same tree without those imports', () => {
    const result = depcruise(fixture(sources({ cycle: false, svelteCycle: false, serviceImportsRoutes: false })));
    expect(result.output).toContain('no dependency violations found');
    expect(result.status, result.output).toBe(0);
  });
});

describe('npm run lint: dead code (knip)', { timeout: SLOW }, () => {
  const used = {
    'scripts/tool.ts': "import { price } from '../server/src/lib/money.js';\nconsole.log(price(3));\n",
    'server/src/lib/money.ts': 'export const price = (cents: number) => cents / 100;\n',
  };

  it('fails on an export nobody imports and on a file nothing imports', () => {
    const broken = knip(
      fixture({
        ...used,
        'server/src/lib/money.ts': `${used['server/src/lib/money.ts']}export const forgottenRate = 0.22;\n`,
        'server/src/lib/leftover.ts': 'export const leftover = 1;\n',
      }),
    );
    expect(broken.status, broken.output).not.toBe(0);
    expect(broken.output).toMatch(/Unused exports \(1\)\s+forgottenRate\s+server\/src\/lib\/money\.ts/);
    expect(broken.output).toMatch(/Unused files \(1\)\s+server\/src\/lib\/leftover\.ts/);
  });

  it('passes the same tree without them', () => {
    const clean = knip(fixture(used));
    expect(clean.status, clean.output).toBe(0);
  });
});
