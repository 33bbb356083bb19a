import type { Db } from '../db/client.js';
import type { Rate } from '../lib/durations.js';
import { AppError } from '../lib/errors.js';
import { deleteWindowsBefore, incrementCounter, readCounter } from './throttle-repository.js';

/**
 * Fixed-window rate limiting stored in the database: every instance behind the proxy counts
 * against the same row. A window is aligned to multiples of its length, so Retry-After is
 * simply the time to the next boundary.
 */
export class Throttle {
  private lastSweep = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async hit(scope: string, subject: string, rate: Rate): Promise<void> {
    const { nowMs, windowStartMs } = this.window(rate);
    const hits = await incrementCounter(this.db, `${scope}:${subject}`, new Date(windowStartMs));
    this.maybeSweep(nowMs);
    if (hits > rate.limit) throw rateLimited(windowStartMs + rate.windowMs - nowMs);
  }

  /**
   * Refuses when the window already holds `rate.limit` hits, without counting this request:
   * for limits on what *went wrong* (failed sign-ins), where the caller counts with `count`
   * only once it knows the outcome.
   */
  async check(scope: string, subject: string, rate: Rate): Promise<void> {
    const { nowMs, windowStartMs } = this.window(rate);
    const hits = await readCounter(this.db, `${scope}:${subject}`, new Date(windowStartMs));
    if (hits >= rate.limit) throw rateLimited(windowStartMs + rate.windowMs - nowMs);
  }

  /** Counts one hit and never refuses (see `check`). */
  async count(scope: string, subject: string, rate: Rate): Promise<void> {
    const { nowMs, windowStartMs } = this.window(rate);
    await incrementCounter(this.db, `${scope}:${subject}`, new Date(windowStartMs));
    this.maybeSweep(nowMs);
  }

  private window(rate: Rate): { nowMs: number; windowStartMs: number } {
    const nowMs = this.now().getTime();
    return { nowMs, windowStartMs: Math.floor(nowMs / rate.windowMs) * rate.windowMs };
  }

  /** Old windows are dead weight; drop them now and then, off the request's critical path. */
  private maybeSweep(nowMs: number): void {
    if (nowMs - this.lastSweep < 10 * 60_000) return;
    this.lastSweep = nowMs;
    void deleteWindowsBefore(this.db, new Date(nowMs - 2 * 86_400_000)).catch(() => {});
  }
}

/** `429 rate_limited` with Retry-After (whole seconds, at least 1) and `retry_after` in the body. */
export function rateLimited(waitMs: number, data: Record<string, unknown> = {}, detail?: string): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError('rate_limited', detail ?? `Too many requests. Try again in ${retryAfterSeconds} seconds.`, {
    retryAfterSeconds,
    data: { retry_after: retryAfterSeconds, ...data },
  });
}
