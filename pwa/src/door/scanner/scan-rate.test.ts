import { describe, expect, it } from 'vitest';
import { CODE_LIKE_LINGER_MS, IDLE_DECODE_INTERVAL_MS, NO_SIGHTINGS, probed, read, shouldDecode, showUnreadHint, type Sightings } from './scan-rate';

const FRAME_MS = 1000 / 30;

/** A camera at 30 frames a second for `seconds`: which frames the loop decodes, and when the hint shows. */
function film(start: Sightings, from: number, seconds: number, scene: (t: number) => { codeLike: boolean; reads?: boolean }) {
  let s = start;
  const decodedAt: number[] = [];
  const hintAt: number[] = [];
  for (let t = from; t < from + seconds * 1000; t += FRAME_MS) {
    const { codeLike, reads = false } = scene(t);
    s = probed(s, codeLike, t);
    if (shouldDecode({ codeLike, lastCodeLikeAt: s.lastCodeLikeAt, lastDecodeAt: s.lastDecodeAt, now: t })) {
      s = { ...s, lastDecodeAt: t };
      decodedAt.push(t);
      if (reads) s = read(s, t);
    }
    if (showUnreadHint({ codeLikeSince: s.codeLikeSince, lastReadAt: s.lastReadAt, now: t })) hintAt.push(t);
  }
  return { s, decodedAt, hintAt };
}

describe('decode rate', () => {
  it('decodes every frame that looks like a code, and for a second after the last one', () => {
    expect(shouldDecode({ codeLike: true, lastCodeLikeAt: 0, lastDecodeAt: 99, now: 100 })).toBe(true);
    expect(shouldDecode({ codeLike: false, lastCodeLikeAt: 100, lastDecodeAt: 999, now: 100 + CODE_LIKE_LINGER_MS - 1 })).toBe(true);
  });

  it('with nothing code-like, decodes only once per idle interval', () => {
    const long = { codeLike: false, lastCodeLikeAt: -Infinity };
    expect(shouldDecode({ ...long, lastDecodeAt: -Infinity, now: 0 })).toBe(true);
    expect(shouldDecode({ ...long, lastDecodeAt: 1_000, now: 1_000 + IDLE_DECODE_INTERVAL_MS - 1 })).toBe(false);
    expect(shouldDecode({ ...long, lastDecodeAt: 1_000, now: 1_000 + IDLE_DECODE_INTERVAL_MS })).toBe(true);
    expect(shouldDecode({ codeLike: false, lastCodeLikeAt: 0, lastDecodeAt: CODE_LIKE_LINGER_MS + 100, now: CODE_LIKE_LINGER_MS + 200 })).toBe(false);
  });

  it('an empty scene costs 2 to 4 decodes a second; a code in view every frame', () => {
    const empty = film(NO_SIGHTINGS, 0, 10, () => ({ codeLike: false }));
    expect(empty.decodedAt.length / 10).toBeGreaterThanOrEqual(2);
    expect(empty.decodedAt.length / 10).toBeLessThanOrEqual(4);
    const code = film(empty.s, 10_000, 2, () => ({ codeLike: true, reads: true }));
    expect(code.decodedAt.length).toBe(60);
  });

  it('reads a code the probe misses within the idle interval, then stays at full rate while it reads', () => {
    // Frames 0-3 s empty, then a code the probe does not see, but the decoder reads.
    const { decodedAt } = film(NO_SIGHTINGS, 0, 5, (t) => ({ codeLike: false, reads: t >= 3_000 }));
    const first = decodedAt.find((t) => t >= 3_000)!;
    expect(first - 3_000).toBeLessThanOrEqual(IDLE_DECODE_INTERVAL_MS + FRAME_MS);
    const after = decodedAt.filter((t) => t > first + 100);
    expect(after.length).toBeGreaterThan(50);
  });
});

describe('the "move closer" hint', () => {
  it('shows after 2 s of a code-like picture that does not read, and goes once it reads', () => {
    const unread = film(NO_SIGHTINGS, 0, 3, () => ({ codeLike: true }));
    expect(unread.hintAt[0]).toBeGreaterThanOrEqual(2_000);
    expect(unread.hintAt[0]).toBeLessThan(2_000 + FRAME_MS * 1.5);
    const reads = film(unread.s, 3_000, 1, () => ({ codeLike: true, reads: true }));
    expect(reads.hintAt).toEqual([]);
  });

  it('goes when nothing code-like stays in view, and does not come for a code that reads', () => {
    const unread = film(NO_SIGHTINGS, 0, 3, () => ({ codeLike: true }));
    const gone = film(unread.s, 3_000, 2, () => ({ codeLike: false }));
    expect(Math.max(...gone.hintAt)).toBeLessThan(3_000 + CODE_LIKE_LINGER_MS);
    expect(gone.s.codeLikeSince).toBeNull();
    expect(film(NO_SIGHTINGS, 0, 5, () => ({ codeLike: true, reads: true })).hintAt).toEqual([]);
  });

  it('is not reset by a code-like picture flickering for a frame', () => {
    const { hintAt } = film(NO_SIGHTINGS, 0, 3, (t) => ({ codeLike: Math.floor(t / FRAME_MS) % 5 !== 0 }));
    expect(hintAt.length).toBeGreaterThan(20);
  });
});
