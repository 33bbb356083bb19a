import { describe, expect, it } from 'vitest';
import { better, estimateFromDateHeader, estimateFromServerTime } from './server-clock';

describe('the server clock offset', () => {
  it('is the server time minus the middle of the round trip', () => {
    // Device clock 90 s slow: sent at 1000, answered at 1100, server said 91 050.
    expect(estimateFromServerTime(new Date(91_050).toISOString(), 1_000, 1_100)).toEqual({ offsetMs: 90_000, uncertaintyMs: 50 });
    expect(estimateFromDateHeader(new Date(91_000), 1_000, 1_100)).toEqual({ offsetMs: 90_450, uncertaintyMs: 550 });
    expect(estimateFromServerTime('not a date', 1, 2)).toBeUndefined();
  });

  it('keeps a precise estimate over a vague one, but follows new precise ones', () => {
    const sync = { offsetMs: 90_000, uncertaintyMs: 20 };
    const header = { offsetMs: 90_400, uncertaintyMs: 520 };
    expect(better(undefined, header)).toBe(header);
    expect(better(sync, header)).toBe(sync);
    expect(better(header, sync)).toBe(sync);
    const later = { offsetMs: 90_010, uncertaintyMs: 40 };
    expect(better(sync, later)).toBe(later);
  });
});
