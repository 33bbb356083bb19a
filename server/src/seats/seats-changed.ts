import type { Executor } from '../db/client.js';

/**
 * The one way a change that may free seats of a performance says so: a cancellation, a smaller
 * party or a move to another date, more seats or fewer occupied by hand. Called inside the
 * change's transaction, after its writes, so that what is done with the seats (the waiting list
 * offers them: server/src/waitlist/waitlist-offers.ts) commits or rolls back with the change.
 * Passed to each service's constructor: bookings and the admin know nothing of the list.
 */
export interface SeatsChanged {
  /** Returns how many emails it queued: the caller wakes the mail worker after its commit. */
  seatsFreed(tx: Executor, performanceId: number, now: Date): Promise<number>;
}
