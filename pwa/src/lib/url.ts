/*
 * URL helpers of the router, kept outside the reactive module: these objects are built, read
 * and thrown away, never stored as state.
 */

export type Params = Record<string, string>;
export type QueryValues = Record<string, string | number | boolean | undefined | null>;

/** `/performances/:id/door-list` against `/performances/12/door-list` → `{id: '12'}`. */
export function matchPath(pattern: string, path: string): Params | undefined {
  const patternParts = pattern.split('/').filter(Boolean);
  const pathParts = path.split('/').filter(Boolean);
  if (patternParts.length !== pathParts.length) return undefined;
  const params: Params = {};
  for (const [index, part] of patternParts.entries()) {
    const actual = pathParts[index] ?? '';
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (part !== actual) {
      return undefined;
    }
  }
  return params;
}

/** `{a: 1, b: '', c: undefined}` → `?a=1`: empty values are left out. */
export function queryString(query: QueryValues): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** A read-only view of a query string. */
export function parseQuery(search: string): Pick<URLSearchParams, 'get' | 'has'> {
  return new URLSearchParams(search);
}

export function toUrl(href: string): URL {
  return new URL(href, window.location.href);
}
