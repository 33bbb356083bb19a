import type { Executor } from '../db/client.js';
import { doorChanges } from '../db/schema.js';

/**
 * Notes that a reservation changed for the door (confirmed, cancelled, new ticket, checked in),
 * in the same transaction as the change, so manifest deltas never miss one.
 */
export async function recordDoorChange(db: Executor, performanceId: number, reservationId: number): Promise<void> {
  await db.insert(doorChanges).values({ performanceId, reservationId });
}
