/*
 * When the scan loop runs the decoder, and when it tells staff that a code does not read:
 * pure decisions on timestamps (performance.now() milliseconds), kept out of the loop so they
 * can be tested without a camera.
 *
 * A decode costs milliseconds of main thread; at 30 frames a second that was a fifth of a
 * phone's main thread for three hours with nothing in view. So: every frame while something
 * code-like is in view (and a moment after, as a code moving in and out of view flickers), a
 * few frames a second otherwise, which still reads a code the code-likeness probe misses in a
 * fraction of a second. docs/door-app.md#qr-decoding has the measurements.
 */

/** Decodes with nothing code-like in view: about 3 a second. */
export const IDLE_DECODE_INTERVAL_MS = 330;
/** Full rate goes on this long after the last code-like frame. */
export const CODE_LIKE_LINGER_MS = 1_000;
/** A code-like picture that has not read for this long earns the "move closer" hint. */
export const UNREAD_HINT_AFTER_MS = 2_000;

export interface RateInput {
  /** The probe of this frame found something code-like. */
  codeLike: boolean;
  /** The last frame that was code-like or decoded to a code (-Infinity: none yet). */
  lastCodeLikeAt: number;
  /** The last frame handed to the decoder (-Infinity: none yet). */
  lastDecodeAt: number;
  now: number;
}

export function shouldDecode({ codeLike, lastCodeLikeAt, lastDecodeAt, now }: RateInput): boolean {
  if (codeLike || now - lastCodeLikeAt < CODE_LIKE_LINGER_MS) return true;
  return now - lastDecodeAt >= IDLE_DECODE_INTERVAL_MS;
}

export interface HintInput {
  /** Since when something code-like has been in view, with gaps shorter than the linger; null: nothing now. */
  codeLikeSince: number | null;
  /** The last frame that decoded to a code, shown or ignored as a repeat (-Infinity: none yet). */
  lastReadAt: number;
  now: number;
}

export function showUnreadHint({ codeLikeSince, lastReadAt, now }: HintInput): boolean {
  return codeLikeSince !== null && now - Math.max(codeLikeSince, lastReadAt) >= UNREAD_HINT_AFTER_MS;
}

/** What the loop remembers between frames. */
export interface Sightings {
  lastCodeLikeAt: number;
  codeLikeSince: number | null;
  lastDecodeAt: number;
  lastReadAt: number;
}

export const NO_SIGHTINGS: Sightings = { lastCodeLikeAt: -Infinity, codeLikeSince: null, lastDecodeAt: -Infinity, lastReadAt: -Infinity };

/** A frame was probed: code-like or not. A code that is read counts as code-like too (see `read`). */
export function probed(s: Sightings, codeLike: boolean, now: number): Sightings {
  if (codeLike) return { ...s, lastCodeLikeAt: now, codeLikeSince: s.codeLikeSince ?? now };
  return now - s.lastCodeLikeAt >= CODE_LIKE_LINGER_MS ? { ...s, codeLikeSince: null } : s;
}

/** The decoder returned a code (the probe may have missed it): full rate, and no hint. */
export function read(s: Sightings, now: number): Sightings {
  return { ...s, lastReadAt: now, lastCodeLikeAt: now, codeLikeSince: s.codeLikeSince ?? now };
}
