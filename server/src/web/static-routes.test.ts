import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { staticRoutes } from './static-routes.js';

function builtApps() {
  const root = mkdtempSync(path.join(tmpdir(), 'azl-web-'));
  mkdirSync(path.join(root, 'admin'));
  mkdirSync(path.join(root, 'assets'));
  writeFileSync(path.join(root, 'admin', 'index.html'), '<!doctype html><title>admin</title>');
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>public</title>');
  writeFileSync(path.join(root, 'assets', 'admin-abc123.js'), 'console.log(1)');
  return root;
}

describe('serving the built web apps', () => {
  it('answers every admin route with the admin app and caches hashed assets for a year', async () => {
    const routes = staticRoutes(builtApps());
    for (const url of ['/admin', '/admin/reservations/12', '/admin/performances/3/door-list']) {
      const response = await routes.request(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<title>admin</title>');
    }
    const asset = await routes.request('/assets/admin-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await routes.request('/assets/missing.js')).status).toBe(404);
  });

  it('answers the public pages with the public app, but not missing files', async () => {
    const routes = staticRoutes(builtApps());
    for (const url of ['/', '/shows/amleto', '/confirm', '/ticket']) {
      const response = await routes.request(url);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<title>public</title>');
    }
    expect((await routes.request('/favicon-missing.png')).status).toBe(404);
    for (const url of ['/api', '/api/nothing-here']) expect((await routes.request(url)).status, url).toBe(404);
  });

  it('says how to build when the apps are missing', async () => {
    const routes = staticRoutes(mkdtempSync(path.join(tmpdir(), 'azl-empty-')));
    const response = await routes.request('/admin/anything');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build');
  });
});
