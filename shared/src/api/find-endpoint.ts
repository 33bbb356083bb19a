import type { Endpoint } from './endpoint.js';
import { endpoints, type Route } from './endpoints.js';
import { splitRoute } from './endpoint.js';

interface Compiled {
  route: Route;
  method: string;
  pattern: RegExp;
  /** Literal segments win over parameters (`/devices/next-name` before `/devices/:deviceId`). */
  parameters: number;
}

const compiled: Compiled[] = (Object.keys(endpoints) as Route[])
  .map((route) => {
    const { method, path } = splitRoute(route);
    // A trailing `/*` also matches its bare prefix, as Hono routes it (`/preview` and `/preview/x`).
    const source = path
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')
      .replace(/\/\*$/, '(?:/.*)?');
    return { route, method, pattern: new RegExp(`^${source}$`), parameters: (path.match(/:|\*/g) ?? []).length };
  })
  .sort((a, b) => a.parameters - b.parameters);

/** The declared route a request lands on (trailing slash and query ignored), if any. */
export function findEndpoint(method: string, url: string): { route: Route; endpoint: Endpoint } | undefined {
  const path = url.split('?')[0]!.replace(/(.)\/+$/, '$1');
  const found = compiled.find((entry) => entry.method === method && entry.pattern.test(path));
  return found && { route: found.route, endpoint: endpoints[found.route] };
}
