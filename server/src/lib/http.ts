import type { Context } from 'hono';
import type { z } from 'zod';
import { fieldErrorsOf } from '../../../shared/src/field-errors.js';
import { AppError, validationError } from './errors.js';

/**
 * Parses with a contract; a refusal is `400 validation_error` with field errors as codes,
 * `{field: [{code, ...params}]}`, built by the mapping the web apps use too.
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(fieldErrorsOf(result.error, value));
  return result.data;
}

/** Reads a JSON object body; malformed JSON or a non-JSON content type is a 4xx, never a 500. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.');
  }
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'The body is not valid JSON.');
  }
}

export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return parseWith(schema, await readJson(c));
}


/** Path ids are positive integers; anything else is simply not found. */
export function idParam(c: Context, name = 'id'): number {
  const raw = c.req.param(name) ?? '';
  if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) {
    throw new AppError('not_found', 'Not found.');
  }
  return Number(raw);
}
