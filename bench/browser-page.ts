import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';

/*
 * The browser benchmarks' pages (bench/<name>/index.html importing the app's own modules):
 * built by Vite like the app (the WASM file served by us, as in production) and served from a
 * local port until `close`.
 */

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

export interface BuiltPage {
  url: string;
  close(): void;
}

export async function buildAndServe(root: string): Promise<BuiltPage> {
  const out = mkdtempSync(path.join(tmpdir(), `${path.basename(root)}-`));
  await build({
    configFile: false,
    root,
    base: '/',
    logLevel: 'warn',
    publicDir: false,
    // Pages with decoders (and Dexie): large by design, never shipped.
    build: { outDir: out, emptyOutDir: true, assetsInlineLimit: 0, chunkSizeWarningLimit: 4096 },
  });
  const server = createServer((request, response) => {
    const file = path.join(out, decodeURIComponent((request.url ?? '/').split('?')[0]!));
    const target = file.endsWith('/') ? path.join(file, 'index.html') : file;
    if (!target.startsWith(out)) return void response.writeHead(403).end();
    readFile(target).then(
      (body) => response.writeHead(200, { 'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close() {
      server.close();
      rmSync(out, { recursive: true, force: true });
    },
  };
}
