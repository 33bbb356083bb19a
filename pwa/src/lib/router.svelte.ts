/*
 * Client-side routing with the History API, for an app living under one path prefix
 * (`/admin`, `/door`, or the public site at the root). The server answers every path under the
 * prefix with the app's index.html, so a reload or a shared link lands on the same page.
 *
 * Plain `<a href="/admin/...">` links are enough: clicks on them are caught here, so links keep
 * working with a middle click, "open in new tab" and without JavaScript running yet.
 */

import { matchPath, parseQuery, queryString, toUrl, type Params, type QueryValues } from './url';

export type { Params };

export interface RouteMatch<T> {
  route: T;
  params: Params;
}

export class Router {
  /** The path inside the app, always starting with `/` (`/reservations/5`). */
  path = $state('/');
  /** The query string, without `?`. */
  search = $state('');
  /** Bumped on every navigation (not on the first page), so the app can move focus. */
  navigations = $state(0);

  readonly query = $derived(parseQuery(this.search));

  readonly #base: string;
  readonly #elsewhere: readonly string[];

  /**
   * `base` is the app's prefix without the trailing slash, e.g. `/admin` (`''` for the site at
   * the root). `elsewhere` lists prefixes inside it that belong to someone else (the other apps,
   * the API): links there load a new page instead of routing here.
   */
  constructor(base: string, options: { elsewhere?: readonly string[] } = {}) {
    this.#base = base;
    this.#elsewhere = options.elsewhere ?? [];
    this.#read();
    window.addEventListener('popstate', () => {
      this.#read();
      this.navigations += 1;
    });
    document.addEventListener('click', (event) => this.#onClick(event));
  }

  /** The full URL of an app path: `href('/reservations', {page: 2})` → `/admin/reservations?page=2`. */
  href(path: string, query: QueryValues = {}): string {
    const inside = path === '/' ? '/' : path.replace(/\/+$/, '');
    return `${this.#base}${inside}${queryString(query)}`;
  }

  navigate(url: string, options: { replace?: boolean } = {}): void {
    const target = toUrl(url);
    if (target.pathname === window.location.pathname && target.search === window.location.search) return;
    if (options.replace) window.history.replaceState(null, '', target);
    else window.history.pushState(null, '', target);
    this.#read();
    this.navigations += 1;
  }

  /** Replaces the query of the current page (filters, page numbers) without adding to history. */
  setQuery(query: QueryValues, options: { replace?: boolean } = {}): void {
    this.navigate(this.href(this.path, query), options);
  }

  match<T extends { path: string }>(routes: readonly T[]): RouteMatch<T> | undefined {
    for (const route of routes) {
      const params = matchPath(route.path, this.path);
      if (params) return { route, params };
    }
    return undefined;
  }

  #read(): void {
    const { pathname, search } = window.location;
    const inside = pathname.startsWith(this.#base) ? pathname.slice(this.#base.length) : pathname;
    this.path = inside === '' ? '/' : inside.length > 1 ? inside.replace(/\/+$/, '') : inside;
    this.search = search.replace(/^\?/, '');
  }

  #onClick(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.dataset.external !== undefined) return;
    const url = toUrl(anchor.href);
    if (url.origin !== window.location.origin) return;
    if (url.pathname !== this.#base && !url.pathname.startsWith(`${this.#base}/`)) return;
    if (this.#elsewhere.some((prefix) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`))) return;
    // In-page anchors (the skip link) are the browser's job.
    if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) return;
    event.preventDefault();
    this.navigate(url.href);
  }
}
