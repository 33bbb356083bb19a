import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WEB_ROOT } from '../../server/src/web/static-routes.js';

/*
 * The public site must stay quick on a cheap phone over a slow connection: the JavaScript its
 * index.html loads stays under a budget, and zod (used by the admin) stays out of it. Runs in the
 * browser project, which builds dist/pwa first.
 */

const BUDGET_BYTES = 60 * 1024;
/** Property names zod 4 keeps after minification (`schema._zod.def`). */
const ZOD_MARKER = /\._zod\.def/;

/** The JavaScript files an index.html loads at once: its module script and the chunks it preloads. */
function entryScripts(html: string): string[] {
  const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+\.js)"/g)].map((match) => match[1]!);
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)].map((match) => match[1]!);
  return [...new Set([...scripts, ...preloads])];
}

const read = (url: string) => readFileSync(path.join(WEB_ROOT, url));

describe('public site bundle', () => {
  const publicScripts = entryScripts(readFileSync(path.join(WEB_ROOT, 'index.html'), 'utf8'));
  const adminScripts = entryScripts(readFileSync(path.join(WEB_ROOT, 'admin', 'index.html'), 'utf8'));

  it(`loads less than ${BUDGET_BYTES / 1024} KB of gzipped JavaScript`, () => {
    expect(publicScripts.length).toBeGreaterThan(0);
    const sizes = publicScripts.map((url) => ({ url, gzipped: gzipSync(read(url), { level: 9 }).length }));
    const total = sizes.reduce((sum, file) => sum + file.gzipped, 0);
    console.info(`public entry JavaScript: ${(total / 1024).toFixed(1)} KB gzipped`, sizes);
    expect(total).toBeLessThan(BUDGET_BYTES);
  });

  it('leaves zod out (the booking form checks fields by hand)', () => {
    // The marker finds zod where it is bundled, so its absence below means something.
    expect(adminScripts.some((url) => ZOD_MARKER.test(read(url).toString('utf8')))).toBe(true);
    for (const url of publicScripts) expect(ZOD_MARKER.test(read(url).toString('utf8')), url).toBe(false);
  });
});
