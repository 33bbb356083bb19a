import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../app-context.js';
import { APP_ROOT } from '../lib/app-root.js';
import { openApiDocument } from './openapi-document.js';

let cached: string | undefined;

const packageVersion = () => (JSON.parse(readFileSync(path.join(APP_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Built on first request, once per process: the declarations cannot change while it runs. */
export const openApiRoutes = new Hono<AppEnv>().get('/openapi.json', (c) => {
  cached ??= JSON.stringify(openApiDocument(packageVersion()));
  return c.body(cached, 200, { 'Content-Type': 'application/json; charset=utf-8' });
});
