/*
 * What makes the door app installable and usable with no network: its web app manifest and
 * icons, and a service worker (vite-plugin-pwa, Workbox's generateSW) that precaches the door
 * app and nothing else. Used by vite.config.ts.
 *
 * - Scope `/door/`: the worker lives at /door/sw.js, so it can never control the staff admin
 *   (/admin/) or the public site (/); the manifest is linked from door/index.html only.
 * - Precache: the door page, the JS, CSS and assets reachable from its entry (both QR decoders
 *   and the ZXing WASM file included), the manifest and icons. The other apps' files are left
 *   out, although they are built into the same `assets/` folder.
 * - No runtime caching: /api answers are never cached; the app keeps its data in IndexedDB.
 * - Updates wait: a new worker stays "waiting" until the app asks it to take over, when staff
 *   tap "new version available" (registerType prompt, no skipWaiting).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin, Rollup } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const here = fileURLToPath(new URL('.', import.meta.url));
const PREFIX = '/door/';
export const DOOR_THEME_COLOR = '#141010';

const webManifest = {
  id: PREFIX,
  name: 'AzioneLab Tickets · Door',
  short_name: 'AzioneLab Door',
  description: 'Check guests in at the door, also without network. / Controllo ingressi, anche senza rete.',
  lang: 'it',
  start_url: PREFIX,
  scope: PREFIX,
  display: 'standalone',
  orientation: 'portrait',
  background_color: DOOR_THEME_COLOR,
  theme_color: DOOR_THEME_COLOR,
  categories: ['business', 'utilities'],
  icons: [
    { src: `${PREFIX}icons/door-192.png`, sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: `${PREFIX}icons/door-512.png`, sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: `${PREFIX}icons/door-maskable-512.png`, sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
};

/** The files of the door app in a build: its page, its chunk graph, their CSS and assets. */
function doorFilesOf(bundle: Rollup.OutputBundle, entryHtml: string): Set<string> {
  const files = new Set<string>(['door/index.html']);
  const entry = Object.values(bundle).find((item): item is Rollup.OutputChunk => item.type === 'chunk' && item.isEntry && item.facadeModuleId === entryHtml);
  if (!entry) throw new Error(`door entry ${entryHtml} not found in the bundle`);
  const queue: Rollup.OutputChunk[] = [entry];
  while (queue.length > 0) {
    const chunk = queue.pop()!;
    if (files.has(chunk.fileName)) continue;
    files.add(chunk.fileName);
    for (const file of [...(chunk.viteMetadata?.importedCss ?? []), ...(chunk.viteMetadata?.importedAssets ?? [])]) files.add(file);
    // Lazy chunks too (the decoders): scanning offline must not need the network.
    for (const name of [...chunk.imports, ...chunk.dynamicImports]) {
      const next = bundle[name];
      if (next?.type === 'chunk') queue.push(next);
    }
  }
  return files;
}

/** `/assets/…` files the built page links itself (icons), which no chunk imports. */
function assetsLinkedFrom(htmlFile: string): string[] {
  const html = readFileSync(htmlFile, 'utf8');
  return [...html.matchAll(/(?:href|src)="\/(assets\/[^"]+)"/g)].map((match) => match[1]!);
}

export function doorPwa(pwaRoot: string): Plugin[] {
  const entryHtml = resolve(pwaRoot, 'door/index.html');
  let doorFiles = new Set<string>();
  let outDir = '';

  const manifestAndIcons: Plugin = {
    name: 'azionelab-door-manifest',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    generateBundle(_options, bundle) {
      this.emitFile({ type: 'asset', fileName: 'door/manifest.webmanifest', source: JSON.stringify(webManifest, null, 2) });
      const icons = resolve(here, 'icons');
      for (const name of readdirSync(icons).filter((file) => file.endsWith('.png'))) {
        this.emitFile({ type: 'asset', fileName: `door/icons/${name}`, source: readFileSync(resolve(icons, name)) });
      }
      doorFiles = doorFilesOf(bundle, entryHtml);
    },
  };

  const serviceWorker = VitePWA({
    // The manifest is ours (above): the plugin would link its own from every app's page.
    manifest: false,
    injectRegister: false,
    registerType: 'prompt',
    filename: 'door/sw.js',
    scope: PREFIX,
    base: PREFIX,
    workbox: {
      globPatterns: ['door/**/*.{html,webmanifest,png}', 'assets/**/*.{js,css,wasm,svg,png}'],
      manifestTransforms: [
        async (entries) => {
          // Runs after the files are written: the page's own links can be read from it.
          const linked = new Set(assetsLinkedFrom(resolve(outDir, 'door/index.html')));
          const manifest = entries.filter((entry) => {
            const file = entry.url.replace(/^\//, '');
            return doorFiles.has(file) || linked.has(file) || file === 'door/manifest.webmanifest' || file.startsWith('door/icons/');
          });
          return { manifest, warnings: [] };
        },
      ],
      // Precache keys are absolute URLs: the worker sits in /door/, the assets in /assets/.
      modifyURLPrefix: { '': '/' },
      // Hashed file names change with their content: no extra revision needed.
      dontCacheBustURLsMatching: /^\/?assets\//,
      navigateFallback: `${PREFIX}index.html`,
      navigateFallbackAllowlist: [/^\/door(\/|$)/],
      navigateFallbackDenylist: [/^\/api\//],
      // The ZXing reader is about 1 MB.
      maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      cleanupOutdatedCaches: true,
      clientsClaim: true,
      skipWaiting: false,
      inlineWorkboxRuntime: true,
      sourcemap: false,
      cacheId: 'azionelab-door',
    },
  });

  return [manifestAndIcons, ...serviceWorker];
}
