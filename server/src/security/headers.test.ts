import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, loggedIn, type TestClient, type TestContext, type TestResponse } from '../test/harness.js';

/** Response headers on every kind of answer: API, errors, pages, files. */

let ctx: TestContext;
let door: string;
beforeAll(async () => {
  ctx = await createTestContext();
  door = (await loggedIn(ctx, 'door')).cookie;
});
afterAll(() => ctx.close());

/** A sample of every kind of answer the server gives. */
const SAMPLES: [string, (client: TestClient) => Promise<TestResponse>][] = [
  ['API 200', (client) => client.get('/api/shows')],
  ['API 201/4xx write', (client) => client.post('/api/admin/venues', { name: 'x', capacity: 1 })],
  ['API 401', (client) => client.get('/api/auth/me')],
  ['API 403', (client) => client.get('/api/admin/users', { cookie: door })],
  ['API 404', (client) => client.get('/api/nothing-here')],
  ['API 413', (client) => client.post('/api/auth/login', undefined, { raw: JSON.stringify({ email: 'x'.repeat(70_000) }) })],
  ['API 415', (client) => client.post('/api/auth/login', undefined, { raw: 'email=x', headers: { 'content-type': 'text/plain' } })],
  ['health', (client) => client.get('/healthz')],
  ['public page', (client) => client.get('/shows/some-show')],
  ['admin page', (client) => client.get('/admin/reservations')],
  ['door page', (client) => client.get('/door')],
  ['missing file', (client) => client.get('/missing.png')],
];

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

describe('security headers', () => {
  it.each(SAMPLES)('%s: CSP without inline scripts, camera for our origin only, no X-Powered-By', async (_name, send) => {
    const response = await send(ctx.client);
    const csp = directives(response.headers.get('content-security-policy') ?? '');
    const scripts = csp.get('script-src') ?? csp.get('default-src');
    expect(scripts).toBeDefined();
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(scripts).not.toContain('*');
    expect(scripts!.every((source) => ["'self'", "'wasm-unsafe-eval'"].includes(source)), scripts!.join(' ')).toBe(true);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);

    const permissions = response.headers.get('permissions-policy') ?? '';
    expect(permissions).toMatch(/(^|,\s*)camera=\(self\)(,|$)/);
    expect(permissions).toMatch(/(^|,\s*)microphone=\(\)(,|$)/);
    expect(permissions).toMatch(/(^|,\s*)geolocation=\(\)(,|$)/);

    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('server')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it.each(SAMPLES)('%s: HSTS when SITE_BASE_URL is https', async (_name, send) => {
    expect(ctx.env.SITE_BASE_URL).toMatch(/^https:/);
    const hsts = (await send(ctx.client)).headers.get('strict-transport-security') ?? '';
    expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(180 * 86_400);
  });

  it('no HSTS when SITE_BASE_URL is plain http (a development machine)', async () => {
    const { client } = ctx.withEnv({ SITE_BASE_URL: 'http://localhost:8080' });
    for (const [, send] of SAMPLES) {
      expect((await send(client)).headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('API answers are never cached', async () => {
    for (const path of ['/api/shows', '/api/auth/me', '/api/nothing-here']) {
      expect((await ctx.client.get(path)).headers.get('cache-control'), path).toBe('no-store');
    }
  });
});
