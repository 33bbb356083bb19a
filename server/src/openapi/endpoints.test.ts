import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type Route } from '../../../shared/src/api/endpoints.js';
import { registeredRoutes, routeKey } from '../security/route-table.js';
import { checkAnswer } from '../test/answer-check.js';
import { createTestContext, type TestContext } from '../test/harness.js';

/** The web apps' pages and files: HTML and assets, not API answers. */
const WEB_PAGES = new Set(['GET /', 'GET /*', 'GET /admin', 'GET /admin/*', 'GET /door', 'GET /door/*']);

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('route declarations (shared/src/api/)', () => {
  it('declare exactly the routes the app registers', () => {
    const registered = registeredRoutes(ctx.runtime.app)
      .map(routeKey)
      .filter((key) => !WEB_PAGES.has(key))
      .sort();
    expect(registered).toEqual(Object.keys(endpoints).sort());
  });

  it('serve an OpenAPI 3.1 document with every route, its parameters and its answers', async () => {
    const response = await ctx.client.get('/api/openapi.json');
    expect(response.status).toBe(200);
    const document = response.body as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
    };
    expect(document.openapi).toBe('3.1.0');
    for (const route of Object.keys(endpoints) as Route[]) {
      const [method, path] = route.split(' ') as [string, string];
      const operation = document.paths[path.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\*$/, '{wildcard}')]?.[method.toLowerCase()];
      expect(operation, route).toBeDefined();
      for (const name of [...path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1])) {
        expect(operation!.parameters?.some((parameter) => parameter.name === name && parameter.in === 'path'), `${route} :${name}`).toBe(true);
      }
      const spec = endpoints[route];
      if ('body' in spec) expect(operation!.requestBody, route).toBeDefined();
      for (const status of Object.keys(spec.responses)) expect(operation!.responses[status], `${route} ${status}`).toBeDefined();
    }
    // A JSON answer is described by its schema (here: the public performance page's).
    expect(document.paths['/api/auth/me']?.get?.responses['200']?.content?.['application/json']?.schema).toMatchObject({ type: 'object' });
  });
});

describe('the answer check every API test goes through', () => {
  const json = new Headers({ 'content-type': 'application/json' });

  it('accepts an answer that matches its route', () => {
    const body = { user: { id: 1, email: 'a@b.c', display_name: 'A', role: 'admin' } };
    expect(() => checkAnswer('GET', '/api/auth/me/', 200, json, JSON.stringify(body), body)).not.toThrow();
  });

  it('refuses a missing or mistyped field, an undeclared status, a body where none is declared, a wrong error shape', () => {
    const missing = { user: { id: 1, email: 'a@b.c', role: 'admin' } };
    expect(() => checkAnswer('GET', '/api/auth/me', 200, json, JSON.stringify(missing), missing)).toThrow(/does not match its schema/);
    expect(() => checkAnswer('GET', '/api/auth/me', 201, json, '{}', {})).toThrow(/not declared/);
    expect(() => checkAnswer('DELETE', '/api/auth/sessions/ab', 204, new Headers(), '{}', {})).toThrow(/without a body/);
    expect(() => checkAnswer('GET', '/api/auth/me', 401, json, '{"error":"x"}', { error: 'x' })).toThrow(/does not match/);
    expect(() => checkAnswer('GET', '/api/auth/me', 401, json, '{}', { status: 'not_a_code', detail: '' })).toThrow(/does not match/);
    expect(() => checkAnswer('GET', '/api/auth/me', 401, json, '{}', { status: 'not_authenticated', detail: 'x' })).not.toThrow();
  });

  it('refuses JSON where a file is declared, and a file where JSON is', () => {
    expect(() => checkAnswer('GET', '/api/openapi.json', 200, new Headers({ 'content-type': 'text/plain' }), 'x', undefined)).toThrow(/declared as application\/json/);
    expect(() => checkAnswer('GET', '/api/auth/me', 200, new Headers({ 'content-type': 'text/html' }), '<p>', undefined)).toThrow(/declared as JSON/);
  });
});
