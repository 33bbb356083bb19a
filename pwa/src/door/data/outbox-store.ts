import type { ScanEvent, ScanOutcome } from '../../../../shared/src/door-contracts';
import type { DoorDb, OutboxEvent, RejectedScan, StoredEntry } from './door-db';

/*
 * Scans waiting for the server. Each admission is written here in the same transaction that
 * marks the ticket as admitted, and stays until the server has answered for it, whatever
 * happens in between (reloads, hours offline, a crash).
 */

/** How long the sync leaves an event alone while an online confirmation of it is in flight. */
export const CONFIRM_HOLD_MS = 10_000;

/** Marks the ticket admitted here and queues its scan, atomically. */
export async function admitLocally(
  db: DoorDb,
  entry: StoredEntry,
  event: ScanEvent,
  checkIn: NonNullable<StoredEntry['lc']>,
  options: { hold: boolean; now?: number },
): Promise<void> {
  const now = options.now ?? Date.now();
  await db.transaction('rw', [db.entries, db.outbox], async () => {
    await db.entries.update(entry.r, { lc: checkIn });
    await db.outbox.put({ ...event, queued_at: now, hold_until: options.hold ? now + CONFIRM_HOLD_MS : 0 });
  });
}

/** The online confirmation answered before the sync: the server has (or refused) this scan. */
export async function settleOnline(db: DoorDb, eventId: string): Promise<void> {
  await db.outbox.delete(eventId);
}

/**
 * The server admitted the guest online: its check-in (by its clock) is the ticket's state now,
 * and the admission here is marked as received, so that a later list saying "not checked in"
 * (an undo) clears it (manifest-store.ts).
 */
export async function admittedOnline(db: DoorDb, reservationId: number, checkIn: { at: string; by: string | null }): Promise<void> {
  await db.entries
    .where('r')
    .equals(reservationId)
    .modify((entry) => {
      entry.c = { at: checkIn.at, by: checkIn.by, device: null };
      if (entry.lc) entry.lc = { ...entry.lc, ack: entry.lc.ack ?? checkIn.at };
    });
}

/** The entry a queued scan admitted: by its token hash, or its code hash for a typed code. */
function entryOfEvent(db: DoorDb, event: ScanEvent) {
  const byHash = event.token_hash ? db.entries.where('h').equals(event.token_hash) : db.entries.where('k').equals(event.code_hash ?? '');
  return byHash.filter((entry) => entry.p === event.performance_id);
}

/** The online confirmation gave no usable answer: the sync sends the scan as usual. */
export async function releaseHold(db: DoorDb, eventId: string): Promise<void> {
  await db.outbox.update(eventId, { hold_until: 0 });
}

/** The oldest events that may be sent now, without this device's own bookkeeping fields. */
export async function eventsToSend(db: DoorDb, limit: number, now = Date.now()): Promise<ScanEvent[]> {
  const ready: OutboxEvent[] = [];
  await db.outbox.orderBy('queued_at').until(() => ready.length >= limit).each((event) => {
    if (event.hold_until <= now) ready.push(event);
  });
  return ready.map(({ queued_at: _queued, hold_until: _hold, ...event }) => event);
}

export function pendingCount(db: DoorDb): Promise<number> {
  return db.outbox.count();
}

/**
 * The server answered for these events: they leave the outbox. Scans it did not accept as
 * admissions (cancelled meanwhile, unknown...) are kept for staff to see, newest first.
 */
export async function acknowledge(db: DoorDb, sent: ScanEvent[], outcomes: ScanOutcome[], serverTime?: string): Promise<RejectedScan[]> {
  const answered = new Map(outcomes.map((o) => [o.id, o]));
  const rejected: RejectedScan[] = [];
  for (const event of sent) {
    const outcome = answered.get(event.id);
    if (outcome && outcome.result !== 'accepted' && outcome.result !== 'duplicate') {
      rejected.push({ event_id: event.id, reservation_id: outcome.reservation_id, result: outcome.result, scanned_at: event.scanned_at });
    }
  }
  await db.transaction('rw', [db.outbox, db.meta, db.entries], async () => {
    // Only events the server answered for: an answer missing from the list is sent again.
    const done = sent.filter((e) => answered.has(e.id));
    await db.outbox.bulkDelete(done.map((e) => e.id));
    // The server has these admissions now (see LocalCheckIn.ack): from here on, its lists speak for them.
    if (serverTime) {
      for (const event of done) {
        await entryOfEvent(db, event).modify((entry) => {
          if (entry.lc && !entry.lc.ack) entry.lc = { ...entry.lc, ack: serverTime };
        });
      }
    }
    if (rejected.length > 0) {
      const previous = (await db.getMeta('rejected')) ?? [];
      await db.setMeta('rejected', [...rejected, ...previous].slice(0, 100));
    }
  });
  return rejected;
}
