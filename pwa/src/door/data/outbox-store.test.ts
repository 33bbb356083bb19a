import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { ScanEvent } from '../../../../shared/src/door-contracts';
import { aDoorDb, aFullManifest, aTicket, proof } from '../test/door-fixtures';
import { DoorDb } from './door-db';
import { applyFullManifest } from './manifest-store';
import { acknowledge, admitLocally, eventsToSend, pendingCount, releaseHold, settleOnline } from './outbox-store';

const anEvent = (overrides: Partial<ScanEvent> = {}): ScanEvent => ({
  id: crypto.randomUUID(),
  performance_id: 7,
  token_hash: 'a'.repeat(64),
  scanned_at: new Date().toISOString(),
  clock_offset_ms: -1200,
  ...overrides,
});
const here = { at: new Date().toISOString(), by: 'Giulia', device: 'Door 1' };

describe('the outbox', () => {
  it('marks the ticket admitted and queues its scan together, and keeps both across a reopened database', async () => {
    const db = aDoorDb();
    const ticket = await aTicket();
    await applyFullManifest(db, aFullManifest([ticket.entry]), proof);
    const entry = (await db.entries.get(ticket.entry.r))!;
    const event = anEvent({ token_hash: ticket.entry.h });
    await admitLocally(db, entry, event, here, { hold: false });
    db.close();

    // A reload: the same database opened again by a new instance.
    const reopened = new DoorDb(db.name);
    expect(await pendingCount(reopened)).toBe(1);
    expect(await eventsToSend(reopened, 100)).toEqual([event]);
    expect((await reopened.entries.get(ticket.entry.r))?.lc).toEqual(here);
  });

  it('sends the oldest first, in batches, and leaves alone a scan whose online confirmation is in flight', async () => {
    const db = aDoorDb();
    const ticket = await aTicket();
    await applyFullManifest(db, aFullManifest([ticket.entry]), proof);
    const entry = (await db.entries.get(ticket.entry.r))!;
    const [first, second, third] = [anEvent(), anEvent(), anEvent()];
    await admitLocally(db, entry, first!, here, { hold: false, now: 1000 });
    await admitLocally(db, entry, second!, here, { hold: true, now: 2000 });
    await admitLocally(db, entry, third!, here, { hold: false, now: 3000 });

    expect((await eventsToSend(db, 100, 4000)).map((e) => e.id)).toEqual([first!.id, third!.id]);
    expect((await eventsToSend(db, 1, 4000)).map((e) => e.id)).toEqual([first!.id]);
    await releaseHold(db, second!.id);
    expect((await eventsToSend(db, 100, 4000)).map((e) => e.id)).toEqual([first!.id, second!.id, third!.id]);
    await settleOnline(db, second!.id);
    expect(await pendingCount(db)).toBe(2);
  });

  it('removes what the server answered for, keeps what it did not, and records refused admissions', async () => {
    const db = aDoorDb();
    const ticket = await aTicket();
    await applyFullManifest(db, aFullManifest([ticket.entry]), proof);
    const entry = (await db.entries.get(ticket.entry.r))!;
    const events = [anEvent(), anEvent(), anEvent(), anEvent()];
    for (const event of events) await admitLocally(db, entry, event, here, { hold: false });
    const sent = await eventsToSend(db, 100);

    const rejected = await acknowledge(db, sent, [
      { id: events[0]!.id, result: 'accepted', reservation_id: 1, party_size: 2, winner: null },
      { id: events[1]!.id, result: 'duplicate', reservation_id: 1, party_size: 2, winner: { event_id: null, at: here.at, device: 'Door 2', staff: 'Marco' } },
      { id: events[2]!.id, result: 'revoked', reservation_id: 3, party_size: null, winner: null },
    ]);
    expect(rejected).toEqual([expect.objectContaining({ event_id: events[2]!.id, result: 'revoked', reservation_id: 3 })]);
    expect((await eventsToSend(db, 100)).map((e) => e.id)).toEqual([events[3]!.id]);
    expect(await db.getMeta('rejected')).toHaveLength(1);
  });
});
