import type { Db } from '../db/client.js';
import type { Rate } from '../lib/durations.js';
import { AppError } from '../lib/errors.js';
import { deleteWindowsBefore, incrementCounter } from './throttle-repository.js';

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
    const nowMs = this.now().getTime();
    const windowStartMs = Math.floor(nowMs / rate.windowMs) * rate.windowMs;
    const hits = await incrementCounter(this.db, `${scope}:${subject}`, new Date(windowStartMs));
    this.maybeSweep(nowMs);
    if (hits > rate.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((windowStartMs + rate.windowMs - nowMs) / 1000));
      throw new AppError('rate_limited', `Too many requests. Try again in ${retryAfterSeconds} seconds.`, {
        retryAfterSeconds,
        data: { retry_after: retryAfterSeconds },
      });
    }
  }

  /** Old windows are dead weight; drop them now and then, off the request's critical path. */
  private maybeSweep(nowMs: number): void {
    if (nowMs - this.lastSweep < 10 * 60_000) return;
    this.lastSweep = nowMs;
    void deleteWindowsBefore(this.db, new Date(nowMs - 2 * 86_400_000)).catch(() => {});
  }
}
