import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-context.js';
import { APP_ROOT } from '../lib/app-root.js';

/** Where `vite build` writes the web apps (pwa/ → dist/pwa/). */
export const WEB_ROOT = path.join(APP_ROOT, 'dist', 'pwa');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>AzioneLab</title>
<p>The web apps are not built yet. Run <code>npm run build</code> (npm start does it for you).</p>`;

/**
 * Serves the built single-page apps. Hashed assets are cached for a year; each app's
 * index.html is never cached, so a deploy reaches staff on their next page load. Any path
 * under an app's prefix that is not a file gets that app's index.html (client-side routing).
 */
export function staticRoutes(webRoot = WEB_ROOT) {
  const routes = new Hono<AppEnv>();
  const relativeRoot = path.relative(process.cwd(), webRoot) || '.';
  const indexOf = (app: string) => {
    const file = path.join(webRoot, app, 'index.html');
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  };

  routes.use(
    '/assets/*',
    async (c, next) => {
      await next();
      if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable');
    },
    serveStatic({ root: relativeRoot }),
  );

  for (const app of ['admin', 'door']) {
    const index = (c: Context) => {
      // Read on each request: small, and a rebuild is picked up without a restart.
      const html = indexOf(app);
      c.header('Cache-Control', 'no-cache');
      return html ? c.html(html) : c.html(NOT_BUILT, 503);
    };
    // The app's paths reach us without their trailing slash (app.ts), so `/admin/` is `/admin`.
    routes.get(`/${app}`, index);
    routes.get(`/${app}/*`, serveStatic({ root: relativeRoot }), index);
  }

  // The public site owns every other page path: the programme, show pages, /confirm, /ticket.
  const publicIndex = (c: Context) => {
    const file = path.join(webRoot, 'index.html');
    c.header('Cache-Control', 'no-cache');
    return existsSync(file) ? c.html(readFileSync(file, 'utf8')) : c.html(NOT_BUILT, 503);
  };
  routes.get('/', publicIndex);
  routes.get('/*', serveStatic({ root: relativeRoot }), async (c, next) => {
    // Paths that look like files or API calls are real 404s, not pages (`/api/` arrives as `/api`).
    const api = c.req.path === '/api' || c.req.path.startsWith('/api/');
    if (api || /\.[a-z0-9]+$/i.test(c.req.path)) return next();
    return publicIndex(c);
  });
  return routes;
}
