import fc from 'fast-check';
import { expect } from 'vitest';
import { ERROR_STATUS } from '../../../shared/src/error-codes.js';
import type { TestResponse } from '../test/harness.js';

/** fast-check arbitraries for input an attacker (or a broken client) may send. */

/** Values that have broken web apps before: injections, encodings, limits, prototype keys. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\uffff',
  '\u202e',
  '😀',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR '1'='1' --",
  '"; DROP TABLE reservations; --',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '../../../etc/passwd',
  '%00',
  '%',
  '%ZZ',
  '\\',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '2147483648',
  '9'.repeat(400),
  '1e309',
  'null',
  'true',
  '[]',
  '{}',
  '=cmd|" /C calc"!A0',
  'x'.repeat(5000),
  '2026-02-30T25:61:00Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -1, 1.5, 2_147_483_647, 2_147_483_648, Number.MAX_SAFE_INTEGER, -Number.MAX_VALUE, 1e308, -0),
  fc.integer(),
  fc.double({ noNaN: true }),
);

/** Any JSON value, with hostile strings and numbers over-represented. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A valid body with each field kept, dropped or replaced by something hostile, plus extra keys. */
export function mutatedBody(template: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(
    Object.entries(template).map(([key, value]) => [key, fc.oneof({ weight: 3, arbitrary: fc.constant(value) }, hostileJson)]),
  );
  return fc
    .tuple(fc.record(fields, { requiredKeys: [] }), fc.option(fc.dictionary(hostileString, hostileJson, { maxKeys: 3 }), { nil: undefined }))
    .map(([body, extra]) => ({ ...body, ...extra }));
}

/** Header values must be Latin-1 without control characters, or `fetch` refuses to send them. */
export const headerValue: fc.Arbitrary<string> = fc
  .oneof(hostileString, fc.string({ unit: 'binary-ascii', maxLength: 60 }))
  .map((text) => text.replace(/[^\x20-\x7e]/g, '?'));

export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/merge-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/jsonx',
  '',
];

/** A query string: well-formed pairs, duplicated keys, or raw broken escapes. */
export const hostileQuery: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom('token', 'since', 'page', 'page_size', 'q', 'status', 'show_id', 'performance_id'), hostileString), hostileString), {
      maxLength: 4,
    })
    .map((pairs) => new URLSearchParams(pairs).toString()),
  fc.constantFrom('token=%', 'token=%ZZ', 'token=%00', 'token=a&token=b', 'token[]=x', 'since=-1', 'since=1e9', '&&&', '=', '%', 'page=0&page_size=99999'),
);

/** Path segments for `:id`-like parameters: numbers at the edges, encodings, traversal. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', '-1', '01', '1.5', '1e3', '0x10', '2147483648', '99999999999999999999', '%', '%ZZ', '%00', '%2e%2e', '..', '1%2F2', '%20', '%uD800'),
  hostileString
    .filter((s) => s.length > 0)
    .map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?')))
    // A random valid id could name the fuzzing admin's own account (a password reset would end
    // its session mid-run); valid ids come from the real values instead.
    .filter((s) => !/^[1-9]\d{0,9}$/.test(s)),
);

const STACK_FRAME = /\bat\s+(?:async\s+)?\S+\s+\(.*:\d+:\d+\)|\bat\s+(?:file:\/\/|\/)\S*:\d+:\d+/;

/** The invariant of every answer: no 5xx, no internals. */
export function expectNoServerFault(path: string, response: TestResponse): void {
  const isApi = path.startsWith('/api/');
  // Pages too: the test app serves stand-in web apps (test/harness.ts), never "not built yet".
  expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
  expect(response.text).not.toMatch(STACK_FRAME);
  if (!isApi) return;
  // The API's own description may name its database in prose; it holds no runtime internals.
  if (path.split('?')[0]!.replace(/\/+$/, '') !== '/api/openapi.json') expect(response.text).not.toMatch(/Error:|node_modules|\.ts:\d+|postgres|pglite|drizzle|SQLSTATE/i);
  if (response.status >= 400) {
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(ERROR_STATUS)).toContain(response.body?.status);
    expect(ERROR_STATUS[response.body.status as keyof typeof ERROR_STATUS]).toBe(response.status);
    expect(typeof response.body.detail).toBe('string');
  }
}
