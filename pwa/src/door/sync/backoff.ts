/*
 * How long the door waits before trying the server again after a failed sync: 2 s, 4 s, 8 s …
 * up to a minute, with ±20 % jitter so that many doors coming back online do not retry in step.
 */

const MAX_BACKOFF_MS = 60_000;

export function backoff(failures: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** Math.min(Math.max(failures, 1), 6));
  return Math.round(base * (0.8 + random() * 0.4));
}
