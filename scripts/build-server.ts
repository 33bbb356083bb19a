import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles the server (server/src/main.ts and the shared/ code it imports) into one JavaScript
 * file, dist/server/main.js, with a linked source map: what `npm start` and the Docker image run,
 * as `node --enable-source-maps dist/server/main.js`. Development keeps `tsx watch`.
 *
 * Why compiled: under tsx every start transpiles the TypeScript again, and the transpiler stays
 * loaded in the server for its whole life (docs/benchmarks.md, server memory).
 *
 * Packages from node_modules stay outside the bundle and are imported at run time as usual:
 * PGlite loads its .wasm and .data files relative to its own package, @node-rs/argon2 is a native
 * addon, and pino and nodemailer load files and builtins by path at run time. So the bundle needs
 * the production node_modules beside it (the Docker image has them), and it finds the migrations
 * (drizzle/) and the web apps (dist/pwa/) from the application root (server/src/lib/app-root.ts).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_BUNDLE = path.join(root, 'dist', 'server', 'main.js');
/**
 * How package.json's start script and the Dockerfile run the bundle (keep the three alike).
 * `--liftoff-only` keeps V8 from compiling PGlite's WebAssembly (all of Postgres) a second time
 * with its optimising compiler: ~85 MB less resident memory, and under the benchmark's mixed load
 * no fewer requests served (docs/benchmarks.md, server memory). Node also passes it to the child
 * that creates a new data directory (server/src/db/first-start.ts).
 */
export const SERVER_NODE_FLAGS = ['--enable-source-maps', '--liftoff-only'];

export async function buildServer(): Promise<void> {
  rmSync(path.dirname(SERVER_BUNDLE), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: ['server/src/main.ts'],
    outfile: SERVER_BUNDLE,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    // Stack traces name our files (server/src/...), as they do under tsx.
    sourcesContent: false,
    logLevel: 'warning',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildServer().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
