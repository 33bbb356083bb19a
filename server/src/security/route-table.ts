import type { App } from '../app.js';

/**
 * The routes the app really registered (Hono's `app.routes`), so the security suites follow
 * the code instead of a list someone has to remember to update.
 */

export interface RegisteredRoute {
  method: string;
  path: string;
}

export const routeKey = (route: RegisteredRoute) => `${route.method} ${route.path}`;

/**
 * One entry per method and path. `ALL` entries are middleware (`app.use`), not endpoints: the
 * routes they guard appear on their own. A route with middleware (`.get(path, requireRole, h)`)
 * is listed once per handler, hence the de-duplication.
 */
export function registeredRoutes(app: App): RegisteredRoute[] {
  const seen = new Map<string, RegisteredRoute>();
  for (const { method, path } of app.routes) {
    if (method === 'ALL') continue;
    seen.set(routeKey({ method, path }), { method, path });
  }
  return [...seen.values()];
}

export const isUnsafe = (method: string) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);

/** `/api/admin/venues/:id` with `{ id: '7' }` → `/api/admin/venues/7`; `*` takes `wildcard`. */
export function fillPath(path: string, params: Record<string, string>, wildcard = 'page'): string {
  return path
    .replace(/:([A-Za-z]+)/g, (_match, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`no value for :${name} in ${path}`);
      return value;
    })
    .replace(/\*$/, wildcard);
}
