import { errorBodySchema, isOtherContent } from '../../../shared/src/api/endpoint.js';
import { findEndpoint } from '../../../shared/src/api/find-endpoint.js';

/**
 * Every answer a test receives is checked against the route's declared schema
 * (shared/src/api/): a field renamed, missing or added on one side fails the test that saw it,
 * not a user's screen. Errors must have the one error shape.
 */
export function checkAnswer(method: string, url: string, status: number, headers: Headers, text: string, body: unknown): void {
  const found = findEndpoint(method, url);
  const where = `${method} ${url} → ${status}`;
  const isJson = /^application\/json\b/.test(headers.get('content-type') ?? '');
  const spec = found?.endpoint.responses[status];
  if (spec === undefined) {
    if (status >= 400) {
      if (isJson || url.startsWith('/api/')) expectValid(errorBodySchema.safeParse(body), where, text);
      return;
    }
    if (!found && !url.startsWith('/api/')) return; // the web apps' pages and files
    throw new Error(`${where}: this status is not declared for ${found?.route ?? 'any route'} in shared/src/api/`);
  }
  if (spec === null) {
    if (text !== '') throw new Error(`${where}: declared without a body, but one came: ${text.slice(0, 200)}`);
    return;
  }
  if (isOtherContent(spec)) {
    const type = headers.get('content-type') ?? '';
    if (!type.startsWith(spec.content)) throw new Error(`${where}: declared as ${spec.content}, answered ${type}`);
    return;
  }
  if (!isJson) throw new Error(`${where}: declared as JSON, answered ${headers.get('content-type')}`);
  expectValid(spec.safeParse(body), where, text);
}

function expectValid(result: { success: boolean; error?: { issues: unknown[] } }, where: string, text: string): void {
  if (result.success) return;
  throw new Error(`${where}: the answer does not match its schema: ${JSON.stringify(result.error?.issues).slice(0, 1500)}\nanswer: ${text.slice(0, 500)}`);
}
