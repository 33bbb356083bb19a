import type { DoorDb, RejectedScan } from '../data/door-db';
import { acknowledge, eventsToSend } from '../data/outbox-store';
import type { ScanEvent, SyncConflict, SyncResponse } from '../../../../shared/src/door-contracts';
import { estimateFromServerTime, type ClockEstimate } from './server-clock';

/*
 * One pass of the sync protocol (POST /api/door/sync): the outbox goes to the server oldest
 * first, in batches; an event leaves the outbox only once the server has answered for it.
 * A batch whose answer is lost is simply sent again: the server is idempotent by event id and
 * answers a retried event with the outcome it stored the first time.
 */

/** Events per request: well under the server's limit (5,000), small enough for a weak uplink. */
export const SYNC_BATCH = 500;

const MAX_PASSES = 40;

export type PostSync = (body: { device_id: string; events: ScanEvent[] }) => Promise<SyncResponse>;

export interface SyncReport {
  sent: number;
  rejected: RejectedScan[];
  /** Every duplicate scan that involves this device, as the server now sees them. */
  conflicts: SyncConflict[];
  serverTime: string;
  clock: ClockEstimate | undefined;
}

/**
 * Sends everything that may be sent now. Always asks at least once, with an empty batch if need
 * be: the answer carries the conflicts and tells a revoked device to erase itself.
 */
export async function syncOutbox(db: DoorDb, deviceId: string, post: PostSync, now: () => number = Date.now): Promise<SyncReport> {
  let sent = 0;
  const rejected: RejectedScan[] = [];
  for (let pass = 1; ; pass += 1) {
    const events = await eventsToSend(db, SYNC_BATCH, now());
    const sentAt = now();
    const response = await post({ device_id: deviceId, events });
    const receivedAt = now();
    rejected.push(...(await acknowledge(db, events, response.results, response.server_time)));
    sent += events.length;
    await db.setMeta('conflicts', response.conflicts);
    await db.setMeta('last_sync_at', response.server_time);
    // A full batch means more may be waiting; the cap stops a server that answers without
    // acknowledging from keeping this loop busy (the timer comes back later anyway).
    if (events.length < SYNC_BATCH || pass >= MAX_PASSES) {
      return { sent, rejected, conflicts: response.conflicts, serverTime: response.server_time, clock: estimateFromServerTime(response.server_time, sentAt, receivedAt) };
    }
  }
}
