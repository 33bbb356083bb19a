import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The application's root folder (the one with package.json, drizzle/ and dist/pwa/). Found by
 * walking up from this module rather than by a fixed `../../..`, because the same code runs
 * from server/src/lib/ (tsx, tests, scripts) and bundled into dist/server/main.js (`npm start`,
 * the Docker image), which sit at different depths.
 */
function findAppRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const APP_ROOT = findAppRoot(path.dirname(fileURLToPath(import.meta.url)));
