import type { Context } from 'hono';
import type { z } from 'zod';
import type { Endpoints, Route } from '../../../shared/src/api/endpoints.js';

/*
 * The one way a handler sends JSON: the route's declared answer types the data, so a handler
 * that drifts from shared/src/api/ does not compile (and the test client validates the real
 * bytes against the same schemas). No runtime parse here: the hot paths stay as they were.
 */

type Responses<R extends Route> = Endpoints[R]['responses'];
type JsonStatus<R extends Route> = {
  [S in keyof Responses<R>]: Responses<R>[S] extends z.ZodType ? S : never;
}[keyof Responses<R>] &
  number;
type JsonOf<Spec> = Spec extends z.ZodType ? z.input<Spec> : never;

export function answer<R extends Route, S extends JsonStatus<R> = JsonStatus<R> & 200>(
  c: Context,
  _route: R,
  data: JsonOf<Responses<R>[S]>,
  status?: S,
): Response {
  return c.json(data as object, (status ?? 200) as 200);
}
