/*
 * How fresh the guest list on the phone is: the time the server last answered an update of it
 * (a change or "nothing new"). While scanning, an older list may miss cancellations and
 * admissions at other doors, so past LIST_STALE_MS the status bar turns amber.
 */

export const LIST_STALE_MS = 2 * 60_000;

export type ListAge = { kind: 'now' } | { kind: 'minutes'; count: number } | { kind: 'at'; time: string };

export function listAge(checkedAt: string, now: number): ListAge & { stale: boolean } {
  const age = Math.max(0, now - Date.parse(checkedAt));
  const stale = age > LIST_STALE_MS;
  if (age < 60_000) return { kind: 'now', stale };
  if (age < 60 * 60_000) return { kind: 'minutes', count: Math.floor(age / 60_000), stale };
  return { kind: 'at', time: checkedAt, stale };
}
