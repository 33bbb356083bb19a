/*
 * The server's clock as the device sees it. Scans carry the device's own time plus this offset
 * (server − device), and the verdict is judged at the corrected time: a phone whose clock is
 * wrong still opens the doors at the right moment, and the server orders offline scans from
 * several doors correctly.
 */

export interface ClockEstimate {
  /** Server time minus device time. */
  offsetMs: number;
  /** How far off it may be: half the round trip (plus half a second for a Date header). */
  uncertaintyMs: number;
}

/** From the `server_time` of a sync answer: the server read its clock about mid-way. */
export function estimateFromServerTime(serverTime: string, sentAt: number, receivedAt: number): ClockEstimate | undefined {
  const server = Date.parse(serverTime);
  if (!Number.isFinite(server) || receivedAt < sentAt) return undefined;
  return { offsetMs: Math.round(server - (sentAt + receivedAt) / 2), uncertaintyMs: (receivedAt - sentAt) / 2 };
}

/** From a `Date` header, which is truncated to the second: its middle is half a second later. */
export function estimateFromDateHeader(date: Date, sentAt: number, receivedAt: number): ClockEstimate | undefined {
  if (!Number.isFinite(date.getTime()) || receivedAt < sentAt) return undefined;
  return { offsetMs: Math.round(date.getTime() + 500 - (sentAt + receivedAt) / 2), uncertaintyMs: 500 + (receivedAt - sentAt) / 2 };
}

/**
 * The estimate to keep. A new one replaces the current one unless it is much vaguer: a Date
 * header does not override a sync's millisecond time, and one slow round trip does not either.
 */
export function better(current: ClockEstimate | undefined, next: ClockEstimate | undefined): ClockEstimate | undefined {
  if (!next) return current;
  if (!current) return next;
  return next.uncertaintyMs <= current.uncertaintyMs * 2 + 50 ? next : current;
}
