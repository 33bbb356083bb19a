import { describe, expect, it } from 'vitest';
import { LIST_STALE_MS, listAge } from './list-age';

describe('how fresh the guest list is', () => {
  const checkedAt = '2026-12-03T20:00:00.000Z';
  const at = (ms: number) => Date.parse(checkedAt) + ms;

  it('says "just now", then minutes, then the time; amber only past two minutes', () => {
    expect(listAge(checkedAt, at(30_000))).toEqual({ kind: 'now', stale: false });
    expect(listAge(checkedAt, at(LIST_STALE_MS))).toEqual({ kind: 'minutes', count: 2, stale: false });
    expect(listAge(checkedAt, at(LIST_STALE_MS + 1))).toEqual({ kind: 'minutes', count: 2, stale: true });
    expect(listAge(checkedAt, at(75 * 60_000))).toEqual({ kind: 'at', time: checkedAt, stale: true });
  });

  it('treats a clock slightly behind the server as "just now", not as a negative age', () => {
    expect(listAge(checkedAt, at(-5_000))).toEqual({ kind: 'now', stale: false });
  });
});
