import { describe, expect, it } from 'vitest';
import { RepeatFilter } from './repeat-filter';

describe('repeated reads of one code', () => {
  it('count once while the code stays in view, and again ~3 s after it was last seen', () => {
    const filter = new RepeatFilter(3_000);
    expect(filter.accept('A', 0)).toBe(true);
    // Held up for five seconds, read every 100 ms: still the same scan.
    for (let t = 100; t <= 5_000; t += 100) expect(filter.accept('A', t)).toBe(false);
    expect(filter.accept('A', 8_100)).toBe(true);
  });

  it('let another code through at once, and a forgotten one too', () => {
    const filter = new RepeatFilter(3_000);
    expect(filter.accept('A', 0)).toBe(true);
    expect(filter.accept('B', 10)).toBe(true);
    filter.forget('A');
    expect(filter.accept('A', 20)).toBe(true);
  });
});
