/*
 * The one way the apps talk to the API. Session cookies are HttpOnly and sent by the browser;
 * unsafe requests from our own pages carry the Origin header the CSRF rule checks, so nothing
 * here handles tokens.
 */

import { queryString, type QueryValues } from './url';

/** A failed request, from the server's `{status, detail, errors?}` body or made up for network trouble. */
export class ApiError extends Error {
  /** HTTP status; 0 when the request never got an answer. */
  readonly status: number;
  /** The server's stable code (`insufficient_seats`, ...), or `network_error` / `unexpected_response`. */
  readonly code: string;
  /** English text for logs and developers; the UI shows words for `code` instead. */
  readonly detail: string;
  /** Validation errors per field, as the server sent them. */
  readonly errors: Record<string, string[]>;
  /** Extra fields of the error body (`available_seats`, `retry_after`, ...). */
  readonly data: Record<string, unknown>;

  constructor(status: number, code: string, detail: string, errors: Record<string, string[]> = {}, data: Record<string, unknown> = {}) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = errors;
    this.data = data;
  }
}

export type Query = QueryValues;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

type UnauthenticatedListener = () => void;
const unauthenticatedListeners = new Set<UnauthenticatedListener>();

/** Called when any request answers 401 not_authenticated (the session ended elsewhere or expired). */
export function onUnauthenticated(listener: UnauthenticatedListener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/** `/api/x` + `{a: 1, b: undefined}` → `/api/x?a=1`: empty filters are left out, not sent as ''. */
export function withQuery(path: string, query: Query = {}): string {
  return `${path}${queryString(query)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorFromBody(response: Response, body: unknown): ApiError {
  if (isRecord(body) && typeof body.status === 'string') {
    const { status, detail, errors, ...data } = body;
    const retryAfter = response.headers.get('Retry-After');
    if (retryAfter && data.retry_after === undefined) data.retry_after = Number(retryAfter);
    return new ApiError(response.status, status, typeof detail === 'string' ? detail : '', isRecord(errors) ? (errors as Record<string, string[]>) : {}, data);
  }
  // Not our JSON (a proxy's HTML page, an empty 502): fall back to the HTTP status.
  const code = response.status === 404 ? 'not_found' : response.status >= 500 ? 'service_unavailable' : 'unexpected_response';
  return new ApiError(response.status, code, response.statusText);
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (options.signal) init.signal = options.signal;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', error instanceof Error ? error.message : 'Network error');
  }

  const text = await response.text();
  const body = parseJson(text);
  if (!response.ok) throw failure(response, body);
  if (text && body === undefined) throw new ApiError(response.status, 'unexpected_response', 'The answer is not JSON.');
  return body as T;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function failure(response: Response, body: unknown): ApiError {
  const error = errorFromBody(response, body);
  if (error.status === 401 && error.code === 'not_authenticated') {
    for (const listener of unauthenticatedListeners) listener();
  }
  return error;
}

/**
 * The error of a failed response read with `fetch` directly (for answers that are not JSON
 * when they succeed, such as the door's signed manifest), as `request` would have thrown it.
 */
export async function errorOfResponse(response: Response): Promise<ApiError> {
  return failure(response, parseJson(await response.text().catch(() => '')));
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: (path: string) => request<void>('DELETE', path),
};
