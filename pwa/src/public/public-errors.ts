import { ApiError } from '../lib/api';
import { errorMessage, formatTime, t } from '../lib/i18n';

/**
 * A refusal in words; a `rate_limited` answer says the clock time (in Rome, as every time on the
 * site) when trying again makes sense: "wait 40 minutes" is easier to act on as "from 21:35".
 */
export function retryMessage(error: unknown): string {
  const message = errorMessage(error);
  if (!(error instanceof ApiError) || error.code !== 'rate_limited') return message;
  const seconds = Number(error.data.retry_after);
  // Under a minute and a half, "wait 40 seconds" (the generic words) says it better than a clock time.
  if (!Number.isFinite(seconds) || seconds < 90) return message;
  return t('public.rate_limited_until', { time: formatTime(new Date(Date.now() + seconds * 1000)) });
}

/** The seats an `insufficient_seats` answer says are left (0 when it does not say). */
export function seatsLeftIn(error: ApiError): number {
  const seats = Number(error.data.available_seats);
  return Number.isFinite(seats) && seats > 0 ? seats : 0;
}
