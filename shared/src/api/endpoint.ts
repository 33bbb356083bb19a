import { z } from 'zod';
import { ERROR_CODES } from '../error-codes.js';
import { fieldErrorsSchema } from '../field-errors-schema.js';

/*
 * How a route is declared: its request (path parameters come from the path itself, then query
 * and body) and every answer it may give, by HTTP status. The server's handlers are typed by
 * these schemas (`answer()` in server/src/lib/answer.ts), the test client validates every answer
 * it receives against them, `/api/openapi.json` is generated from them, and the web apps' typed
 * client infers its types from them. Declared once, here, for all four.
 */

/** An answer that is not JSON (a file, a page, a redirect): documented, never parsed. */
export interface OtherContent {
  readonly content: string;
  readonly description: string;
}

export type AnswerSpec = z.ZodType | OtherContent | null;

export interface Endpoint {
  readonly summary: string;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /**
   * Answers by status. `null`: no body (204). Errors are not listed: they all have
   * `errorBodySchema`, unless a route lists a status of its own (`/readyz`'s 503).
   */
  readonly responses: Readonly<Partial<Record<number, AnswerSpec>>>;
}

/** Declares one route; the identity function keeps each table's literal types for inference. */
export const endpoint = <const E extends Endpoint>(spec: E): E => spec;

/** A non-JSON answer (`text/csv`, `image/png`, a redirect...). */
export const other = (content: string, description: string): OtherContent => ({ content, description });

export const isOtherContent = (spec: AnswerSpec): spec is OtherContent =>
  spec !== null && typeof spec === 'object' && 'content' in spec && !(spec instanceof z.ZodType);

/**
 * The one error shape: `{status, detail, errors?, ...data}`. `status` is a stable code from
 * shared/src/error-codes.ts; `detail` is English for developers (the apps show words for the
 * code); `errors` holds field errors as codes (shared/src/field-errors.ts); some codes add data
 * (`available_seats`, `retry_after`, `locked_until`, ...).
 */
export const errorBodySchema = z.looseObject({
  status: z.enum(ERROR_CODES),
  detail: z.string(),
  errors: fieldErrorsSchema.optional(),
});

/** `GET /api/shows/:idOrSlug` → method and path. */
export function splitRoute(route: string): { method: string; path: string } {
  const space = route.indexOf(' ');
  return { method: route.slice(0, space), path: route.slice(space + 1) };
}

/** Path parameter names of a route path, in order (`:id`, and `*` as `wildcard`). */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z]+)|\*$/g)].map((match) => match[1] ?? 'wildcard');
}
