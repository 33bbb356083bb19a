/*
 * The one way the apps talk to the API. Session cookies are HttpOnly and sent by the browser;
 * unsafe requests from our own pages carry the Origin header the CSRF rule checks, so nothing
 * here handles tokens.
 */

import type { z } from 'zod';
import type { Endpoint } from '../../../shared/src/api/endpoint';
import type { Endpoints, Route } from '../../../shared/src/api/endpoints';
import type { FieldError, FieldErrors } from '../../../shared/src/field-errors';
import { queryString, type QueryValues } from './url';

/** A failed request, from the server's `{status, detail, errors?}` body or made up for network trouble. */
export class ApiError extends Error {
  /** HTTP status; 0 when the request never got an answer. */
  readonly status: number;
  /** The server's stable code (`insufficient_seats`, ...), or `network_error` / `unexpected_response`. */
  readonly code: string;
  /** English text for logs and developers; the UI shows words for `code` instead. */
  readonly detail: string;
  /** Validation errors per field, as codes with parameters (`{name: [{code: 'too_long', max: 120}]}`). */
  readonly errors: FieldErrors;
  /** Extra fields of the error body (`available_seats`, `retry_after`, ...). */
  readonly data: Record<string, unknown>;

  constructor(status: number, code: string, detail: string, errors: FieldErrors = {}, data: Record<string, unknown> = {}) {
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
  /** Give up after this long (ms); the app's default otherwise (see setRequestTimeout). */
  timeoutMs?: number;
}

/*
 * Every request gives up in the end: a Wi-Fi that is connected but dead leaves a fetch hanging
 * for minutes, and a screen waiting on it tells staff nothing. Each app sets its own default
 * (the door app's interactive calls: a few seconds); a call may ask for more or less.
 */
let defaultTimeoutMs = 30_000;

export function setRequestTimeout(ms: number): void {
  defaultTimeoutMs = ms;
}

/** What happened to a request, for whoever judges whether the server can be reached. */
export type RequestOutcome = { answered: true; status: number } | { answered: false; error: ApiError };
type OutcomeListener = (outcome: RequestOutcome) => void;
const outcomeListeners = new Set<OutcomeListener>();

/** Called after every request: an HTTP answer of any status, or none (network error, timeout). */
export function onRequestOutcome(listener: OutcomeListener): () => void {
  outcomeListeners.add(listener);
  return () => outcomeListeners.delete(listener);
}

/** For requests made with `fetch` directly (the manifest download): report them the same way. */
export function reportOutcome(outcome: RequestOutcome): void {
  for (const listener of outcomeListeners) listener(outcome);
}

/** A proxy's "bad gateway" is no answer from our server either. */
const answeredBy = (status: number) => !(status === 502 || status === 503 || status === 504);

/** The caller's signal (if any) and a deadline, as one signal; tells which one fired. */
function withDeadline(signal: AbortSignal | undefined, timeoutMs: number): { signal: AbortSignal; timedOut: () => boolean } {
  const deadline = AbortSignal.timeout(timeoutMs);
  return { signal: signal ? AbortSignal.any([signal, deadline]) : deadline, timedOut: () => deadline.aborted };
}

export const timeoutError = (ms: number) => new ApiError(0, 'timeout', `No answer within ${ms} ms.`);

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

/** The body's `errors`, keeping only entries shaped as field errors (no zod here: the public bundle leaves it out). */
function fieldErrorsFrom(errors: unknown): FieldErrors {
  if (!isRecord(errors)) return {};
  const isFieldError = (value: unknown): value is FieldError => isRecord(value) && typeof value.code === 'string';
  const entries = Object.entries(errors).map(([field, list]) => [field, Array.isArray(list) ? list.filter(isFieldError) : []] as const);
  return Object.fromEntries(entries.filter(([, list]) => list.length > 0));
}

function errorFromBody(response: Response, body: unknown): ApiError {
  if (isRecord(body) && typeof body.status === 'string') {
    const { status, detail, errors, ...data } = body;
    const retryAfter = response.headers.get('Retry-After');
    if (retryAfter && data.retry_after === undefined) data.retry_after = Number(retryAfter);
    return new ApiError(response.status, status, typeof detail === 'string' ? detail : '', fieldErrorsFrom(errors), data);
  }
  // Not our JSON (a proxy's HTML page, an empty 502): fall back to the HTTP status.
  const code = response.status === 404 ? 'not_found' : response.status >= 500 ? 'service_unavailable' : 'unexpected_response';
  return new ApiError(response.status, code, response.statusText);
}

export async function request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const deadline = withDeadline(options.signal, timeoutMs);
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store', signal: deadline.signal };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  let text: string;
  try {
    response = await fetch(withQuery(path, options.query), init);
    // The body can hang as well as the headers: the deadline covers both.
    text = await response.text();
  } catch (error) {
    const failed = deadline.timedOut()
      ? timeoutError(timeoutMs)
      : error instanceof DOMException && error.name === 'AbortError'
        ? undefined
        : new ApiError(0, 'network_error', error instanceof Error ? error.message : 'Network error');
    // The caller gave up: that says nothing about the network.
    if (!failed) throw error;
    reportOutcome({ answered: false, error: failed });
    throw failed;
  }
  reportOutcome(answeredBy(response.status) ? { answered: true, status: response.status } : { answered: false, error: new ApiError(response.status, 'service_unavailable', response.statusText) });

  const body = parseJson(text);
  if (!response.ok) throw failure(response, body);
  if (text && body === undefined) throw new ApiError(response.status, 'unexpected_response', 'The answer is not JSON.');
  return body;
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

// ── The typed client ────────────────────────────────────────────────────────
/*
 * Paths, bodies, queries and answers are all inferred from the route declarations in
 * shared/src/api/ (a type-only import: no schema reaches the bundles). A call names the route
 * as declared (`/api/admin/performances/:id`) and gives its parameters, so a renamed route, a
 * missing field or a misread answer is a compile error in the app, not a blank screen.
 */

type RouteFor<M extends string> = { [R in Route]: R extends `${M} ${infer P}` ? P : never }[Route];
type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;
type ParamsOption<P extends string> = [ParamNames<P>] extends [never] ? { params?: undefined } : { params: Record<ParamNames<P>, string | number> };
type BodyOption<E> = E extends { body: infer B extends z.ZodType } ? { body: z.input<B> } : { body?: undefined };
type QueryOption<E> = E extends { query: infer Q extends z.ZodType } ? { query?: Partial<z.input<Q>> } : { query?: undefined };
type SuccessSpec<E extends Endpoint> = {
  [S in keyof E['responses']]: S extends 200 | 201 | 202 | 204 ? E['responses'][S] : never;
}[keyof E['responses']];
/** What a successful call resolves to: the declared JSON answer, or nothing for a 204. */
export type Answer<R extends Route> = SuccessSpec<Endpoints[R]> extends infer Spec ? (Spec extends z.ZodType ? z.output<Spec> : void) : never;

type CallOptions<M extends string, P extends string> = ParamsOption<P> &
  BodyOption<Endpoints[`${M} ${P}` & Route]> &
  QueryOption<Endpoints[`${M} ${P}` & Route]> & { signal?: AbortSignal; timeoutMs?: number };
/** The options argument may be left out when nothing in it is required. */
type OptionsArgument<O> = Record<string, never> extends Required<Pick<O, RequiredKeys<O>>> ? [options?: O] : [options: O];
type RequiredKeys<O> = { [K in keyof O]-?: undefined extends O[K] ? never : K }[keyof O];

/** `/api/admin/performances/:id` + `{id: 7}` → `/api/admin/performances/7`. */
export function fillRoute(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for :${name} in ${path}`);
    return encodeURIComponent(String(value));
  });
}

function caller<M extends 'GET' | 'POST' | 'PATCH' | 'DELETE'>(method: M) {
  return <P extends RouteFor<M>>(path: P, ...[options]: OptionsArgument<CallOptions<M, P>>): Promise<Answer<`${M} ${P}` & Route>> => {
    const { params, body, query, signal, timeoutMs } = (options ?? {}) as {
      params?: Record<string, string | number>;
      body?: unknown;
      query?: Query;
      signal?: AbortSignal;
      timeoutMs?: number;
    };
    // An unsafe request always carries a JSON body ({} when the route takes none).
    const sent = body ?? (method === 'GET' || method === 'DELETE' ? undefined : {});
    return request(method, fillRoute(path, params), { query, signal, timeoutMs, body: sent }) as Promise<Answer<`${M} ${P}` & Route>>;
  };
}

export const api = {
  get: caller('GET'),
  post: caller('POST'),
  patch: caller('PATCH'),
  delete: caller('DELETE'),
};
