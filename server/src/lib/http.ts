import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError, validationError } from './errors.js';

/** zod issues → `{field: [messages]}` as the seeds' DRF errors looked. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  // A Map, not `{}`: field names come from the client, and `errors['toString']` or
  // `errors['__proto__']` on a plain object would hit Object.prototype (a TypeError, a 500).
  const errors = new Map<string, string[]>();
  for (const issue of error.issues) {
    const keys =
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key].join('.')) : [issue.path.join('.') || 'non_field_errors'];
    const message = issue.code === 'unrecognized_keys' ? 'Unknown field.' : issue.message;
    for (const key of keys) errors.set(key, [...(errors.get(key) ?? []), message]);
  }
  return Object.fromEntries(errors);
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(fieldErrors(result.error));
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
