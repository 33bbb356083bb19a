import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { hashPrefix } from '../../../../shared/src/manifest';
import { aDoorDb, aFullManifest, aTicket, proof } from '../test/door-fixtures';
import { DoorDb } from './door-db';
import { applyFullManifest } from './manifest-store';
import { admitLocally, pendingCount } from './outbox-store';

async function aDeviceInUse() {
  const db = aDoorDb();
  const [ticket, cancelled] = await Promise.all([aTicket(), aTicket()]);
  await applyFullManifest(db, aFullManifest([ticket.entry], { refused: [[hashPrefix(cancelled.entry.h), cancelled.entry.r, 'cancelled']] }), proof);
  const entry = (await db.entries.get(ticket.entry.r))!;
  const event = { id: crypto.randomUUID(), performance_id: 7, token_hash: entry.h, scanned_at: new Date().toISOString(), clock_offset_ms: 0 };
  await admitLocally(db, entry, event, { at: event.scanned_at, by: 'Giulia', device: 'Door 1' }, { hold: false });
  await db.setMeta('device', { id: crypto.randomUUID(), name: 'Door 1', created_at: event.scanned_at });
  await db.setMeta('user', { id: 1, email: 'porta@azionelab.local', display_name: 'Giulia', role: 'door' });
  await db.setMeta('decoder', 'zxing-js');
  await db.setMeta('conflicts', []);
  return db;
}

describe('erasing the device', () => {
  it('on sign-out: guests, scans and the user go; the registration and settings stay', async () => {
    const db = await aDeviceInUse();
    await db.eraseGuestData();
    expect([await db.entries.count(), await db.marks.count(), await db.manifests.count(), await pendingCount(db)]).toEqual([0, 0, 0, 0]);
    expect(await db.getMeta('user')).toBeUndefined();
    expect(await db.getMeta('conflicts')).toBeUndefined();
    expect(await db.getMeta('device')).toMatchObject({ name: 'Door 1' });
    expect(await db.getMeta('decoder')).toBe('zxing-js');
  });

  it('on revocation: nothing stays, not even the registration', async () => {
    const db = await aDeviceInUse();
    await db.eraseEverything();
    expect([await db.entries.count(), await db.marks.count(), await db.manifests.count(), await pendingCount(db), await db.meta.count()]).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('upgrading the device database', () => {
  it('keeps the guest list and the queue of a version 1 database, and adds an empty table of marks', async () => {
    const name = `door-upgrade-${Date.now()}`;
    const v1 = new Dexie(name);
    v1.version(1).stores({ entries: 'r, h, k, p', manifests: 'performance_id', outbox: 'id, queued_at', meta: 'key' });
    const ticket = await aTicket();
    await v1.table('entries').put({ ...ticket.entry, p: 7 });
    await v1.table('meta').put({ key: 'decoder', value: 'zxing-js' });
    v1.close();

    const db = new DoorDb(name);
    expect(await db.entries.get(ticket.entry.r)).toMatchObject({ h: ticket.entry.h, p: 7 });
    expect(await db.getMeta('decoder')).toBe('zxing-js');
    expect(await db.marks.count()).toBe(0);
    db.close();
  });
});
