import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Connect, type Plugin } from 'vite';
import { doorPwa } from './pwa/door/door-pwa.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const pwaRoot = resolve(here, 'pwa');

/*
 * One HTML entry per app. Each app routes on the client under its own prefix; the server (and the
 * dev server, below) answers any path under the prefix with that app's index.html.
 * First match wins, so the public site, which owns every other page path, comes last.
 */
const apps: Record<string, { prefix: string; html: string }> = {
  admin: { prefix: '/admin/', html: 'admin/index.html' },
  door: { prefix: '/door/', html: 'door/index.html' },
  public: { prefix: '/', html: 'index.html' },
};

/** Where the API runs while developing: `npx vite` proxies `/api` there. */
const apiTarget = process.env.API_TARGET ?? 'http://localhost:8091';

/** The History API fallback of the production server, reproduced for `vite` and `vite preview`. */
function historyFallback(): Plugin {
  const rewrite: Connect.NextHandleFunction = (req, _res, next) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    // The API (proxied) and Vite's own modules (`/@vite/client`, `/@fs/...`) are not pages.
    if (path.startsWith('/api/') || path.startsWith('/@') || path.startsWith('/__')) return next();
    for (const app of Object.values(apps)) {
      const underApp = path === app.prefix.slice(0, -1) || path.startsWith(app.prefix);
      // Paths with a dot are files (assets, source modules in dev); the rest are app routes.
      if (underApp && !path.slice(app.prefix.length).includes('.')) {
        req.url = `/${app.html}`;
        break;
      }
    }
    next();
  };
  return {
    name: 'azionelab-history-fallback',
    configureServer: (server) => void server.middlewares.use(rewrite),
    configurePreviewServer: (server) => void server.middlewares.use(rewrite),
  };
}

export default defineConfig({
  root: pwaRoot,
  base: '/',
  // The server serves /assets/* and each app's prefix, nothing at the root: every file is an
  // imported, hashed asset instead of a public/ copy.
  publicDir: false,
  // Svelte 5 compiles TypeScript itself: no preprocessing, so no svelte.config.js either.
  plugins: [svelte({ configFile: false }), historyFallback(), ...doorPwa(pwaRoot)],
  build: {
    outDir: resolve(here, 'dist/pwa'),
    emptyOutDir: true,
    // Everything is bundled and served by our own origin (the CSP allows nothing else).
    assetsInlineLimit: 0,
    rolldownOptions: {
      input: Object.fromEntries(Object.entries(apps).map(([name, app]) => [name, resolve(pwaRoot, app.html)])),
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': {
        target: apiTarget,
        configure: (proxy) => {
          // The API accepts unsafe requests only from SITE_BASE_URL's origin (CSRF rule); the
          // dev server is another origin, so its Origin header is replaced by the API's own.
          proxy.on('proxyReq', (proxyReq) => {
            if (proxyReq.getHeader('origin')) proxyReq.setHeader('origin', new URL(apiTarget).origin);
          });
        },
      },
    },
  },
});
