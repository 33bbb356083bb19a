import { describe, expect, it } from 'vitest';
import { backoff } from './backoff';

describe('the wait after failed syncs', () => {
  it('doubles from 2 s up to a minute, within ±20 %', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoff(n, middle))).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(backoff(3, () => 0)).toBe(6_400);
    expect(backoff(3, () => 0.999_999)).toBe(9_600);
  });
});
