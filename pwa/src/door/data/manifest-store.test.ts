import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { hashPrefix } from '../../../../shared/src/manifest';
import { aDelta, aDoorDb, aFullManifest, aTicket, proof } from '../test/door-fixtures';
import {
  admissionCounts,
  applyDeltaManifest,
  applyFullManifest,
  eraseExpiredManifests,
  findByCodeHash,
  findByTokenHash,
  findMark,
  ManifestRefused,
} from './manifest-store';

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'applied',
    (error: unknown) => (error instanceof ManifestRefused ? error.code : error),
  );

describe('applying manifests', () => {
  it('stores a full manifest: entries found by token hash and by code hash, counted per performance', async () => {
    const db = aDoorDb();
    const a = await aTicket({ n: 2 });
    const b = await aTicket({ n: 3, checkedIn: { at: new Date().toISOString(), by: 'Giulia', device: 'Door 2' } });
    await applyFullManifest(db, aFullManifest([a.entry, b.entry]), proof);

    expect(await findByTokenHash(db, a.entry.h)).toMatchObject({ r: a.entry.r, p: 7, n: 2 });
    expect(await findByCodeHash(db, b.entry.k!, 7)).toMatchObject({ r: b.entry.r });
    expect(await admissionCounts(db, 7)).toEqual({ reservations: 2, seats: 5, admittedReservations: 1, admittedSeats: 3 });
    expect(await db.manifests.get(7)).toMatchObject({ seq: 10, key_id: proof.keyId, signature: proof.signature });
  });

  it('replaces a performance entirely with a newer full manifest, keeping what this device admitted', async () => {
    const db = aDoorDb();
    const [a, b, c] = await Promise.all([aTicket(), aTicket(), aTicket()]);
    await applyFullManifest(db, aFullManifest([a.entry, b.entry], { seq: 10 }), proof);
    await db.entries.update(a.entry.r, { lc: { at: new Date().toISOString(), by: 'Giulia', device: 'Door 1' } });

    await applyFullManifest(db, aFullManifest([a.entry, c.entry], { seq: 11 }), proof);
    expect((await db.entries.toArray()).map((e) => e.r).sort()).toEqual([a.entry.r, c.entry.r].sort());
    // The server had not heard of our admission yet: it still counts.
    expect((await db.entries.get(a.entry.r))?.lc).toMatchObject({ device: 'Door 1' });
  });

  it('applies a delta: upserts (new tickets, check-ins elsewhere) and revoked reservations, kept as cancelled', async () => {
    const db = aDoorDb();
    const [a, b, c] = await Promise.all([aTicket(), aTicket(), aTicket({ n: 4 })]);
    await applyFullManifest(db, aFullManifest([a.entry, b.entry]), proof);
    const admittedElsewhere = { ...b.entry, c: { at: new Date().toISOString(), by: 'Marco', device: 'Door 2' } };

    await applyDeltaManifest(db, aDelta({ since: 10, seq: 12, upserts: [admittedElsewhere, c.entry], revoked: [a.entry.r] }), proof);
    // Still known, so that the ticket says CANCELLED rather than UNKNOWN; no longer expected.
    expect(await findByTokenHash(db, a.entry.h)).toMatchObject({ r: a.entry.r, x: true, why: 'cancelled' });
    expect(await admissionCounts(db, 7)).toEqual({ reservations: 2, seats: 6, admittedReservations: 1, admittedSeats: 2 });
    expect((await findByTokenHash(db, b.entry.h))?.c).toMatchObject({ device: 'Door 2' });
    expect(await findByTokenHash(db, c.entry.h)).toMatchObject({ p: 7 });
    expect((await db.manifests.get(7))?.seq).toBe(12);
  });

  it('keeps a local admission when a delta made before our scan reached the server says "not admitted"', async () => {
    const db = aDoorDb();
    const a = await aTicket();
    await applyFullManifest(db, aFullManifest([a.entry]), proof);
    await db.entries.update(a.entry.r, { lc: { at: new Date().toISOString(), by: 'Giulia', device: 'Door 1' } });
    await applyDeltaManifest(db, aDelta({ upserts: [a.entry] }), proof);
    expect((await db.entries.get(a.entry.r))?.lc).toMatchObject({ device: 'Door 1' });
  });

  it('refuses a replayed older manifest: lower seq, or generated earlier', async () => {
    const db = aDoorDb();
    const [a, b] = await Promise.all([aTicket(), aTicket()]);
    const now = Date.now();
    await applyFullManifest(db, aFullManifest([a.entry], { seq: 20, generated_at: new Date(now).toISOString() }), proof);

    const older = aFullManifest([a.entry, b.entry], { seq: 19, generated_at: new Date(now + 1000).toISOString() });
    expect(await refusal(applyFullManifest(db, older, proof))).toBe('manifest_replayed');
    const earlier = aFullManifest([a.entry, b.entry], { seq: 20, generated_at: new Date(now - 1000).toISOString() });
    expect(await refusal(applyFullManifest(db, earlier, proof))).toBe('manifest_replayed');
    const oldDelta = aDelta({ since: 5, seq: 15, upserts: [b.entry] });
    expect(await refusal(applyDeltaManifest(db, oldDelta, proof))).toBe('manifest_replayed');
    // Nothing of the refused documents was stored.
    expect(await findByTokenHash(db, b.entry.h)).toBeUndefined();
    expect((await db.manifests.get(7))?.seq).toBe(20);
  });

  it('refuses a delta that skips changes or has no full manifest to apply to', async () => {
    const db = aDoorDb();
    expect(await refusal(applyDeltaManifest(db, aDelta(), proof))).toBe('manifest_missing');
    await applyFullManifest(db, aFullManifest([], { seq: 10 }), proof);
    expect(await refusal(applyDeltaManifest(db, aDelta({ since: 11, seq: 14 }), proof))).toBe('manifest_gap');
  });

  it('erases a manifest, its entries and its marks once it expires', async () => {
    const db = aDoorDb();
    const [a, b, cancelled, replaced] = await Promise.all([aTicket(), aTicket(), aTicket(), aTicket()]);
    const soon = new Date(Date.now() + 60_000).toISOString();
    await applyFullManifest(db, aFullManifest([a.entry], { expires_at: soon, refused: [[hashPrefix(cancelled.entry.h), cancelled.entry.r, 'cancelled']] }), proof);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await applyFullManifest(db, aFullManifest([b.entry], { performance: { id: 8 }, expires_at: later, refused: [[hashPrefix(replaced.entry.h), replaced.entry.r, 'replaced']] }), proof);

    expect(await eraseExpiredManifests(db, new Date())).toEqual([]);
    expect(await eraseExpiredManifests(db, new Date(Date.now() + 120_000))).toEqual([7]);
    expect(await db.manifests.get(7)).toBeUndefined();
    expect(await findByTokenHash(db, a.entry.h)).toBeUndefined();
    expect(await findByTokenHash(db, b.entry.h)).toMatchObject({ p: 8 });
    expect(await db.marks.toArray()).toEqual([expect.objectContaining({ m: 8, r: replaced.entry.r })]);
  });
});

describe('marks: tickets known by their hash prefix', () => {
  it('stores the refused tickets and the other nights of a full manifest, and a newer one replaces them', async () => {
    const db = aDoorDb();
    const [cancelled, replaced, tomorrow, dropped] = await Promise.all([aTicket(), aTicket(), aTicket(), aTicket()]);
    const startsTomorrow = new Date(Date.now() + 86_400_000).toISOString();
    await applyFullManifest(
      db,
      aFullManifest([], {
        seq: 10,
        refused: [
          [hashPrefix(cancelled.entry.h), cancelled.entry.r, 'cancelled'],
          [hashPrefix(dropped.entry.h), dropped.entry.r, 'replaced'],
        ],
        others: [{ id: 9, starts_at: startsTomorrow, tickets: [[hashPrefix(tomorrow.entry.h), tomorrow.entry.r]] }],
      }),
      proof,
    );
    expect(await findMark(db, cancelled.entry.h, 7)).toMatchObject({ m: 7, p: 7, r: cancelled.entry.r, why: 'cancelled' });
    expect(await findMark(db, tomorrow.entry.h, 7)).toMatchObject({ m: 7, p: 9, r: tomorrow.entry.r, starts_at: startsTomorrow });

    await applyFullManifest(db, aFullManifest([], { seq: 11, refused: [[hashPrefix(replaced.entry.h), replaced.entry.r, 'replaced']] }), proof);
    expect(await findMark(db, replaced.entry.h, 7)).toMatchObject({ why: 'replaced' });
    expect(await findMark(db, dropped.entry.h, 7)).toBeUndefined();
    expect(await findMark(db, tomorrow.entry.h, 7)).toBeUndefined();
  });

  it('adds the refused tickets of a delta: a replaced ticket, a cancellation this device never had', async () => {
    const db = aDoorDb();
    const [old, fresh, unseen] = await Promise.all([aTicket(), aTicket(), aTicket()]);
    await applyFullManifest(db, aFullManifest([old.entry]), proof);
    const renewed = { ...fresh.entry, r: old.entry.r };
    await applyDeltaManifest(
      db,
      aDelta({
        upserts: [renewed],
        revoked: [unseen.entry.r],
        refused: [
          [hashPrefix(old.entry.h), old.entry.r, 'replaced'],
          [hashPrefix(unseen.entry.h), unseen.entry.r, 'cancelled'],
        ],
      }),
      proof,
    );
    expect(await findByTokenHash(db, old.entry.h)).toBeUndefined();
    expect(await findMark(db, old.entry.h, 7)).toMatchObject({ r: old.entry.r, why: 'replaced' });
    expect(await findMark(db, unseen.entry.h, 7)).toMatchObject({ r: unseen.entry.r, why: 'cancelled' });
  });

  it('never lets a mark admit: another night\'s manifest naming a ticket of the performance scanned is ignored', async () => {
    const db = aDoorDb();
    const ticket = await aTicket();
    // Tomorrow's manifest (8) lists tonight's (7) ticket among its other nights; tonight's does not have it.
    await applyFullManifest(db, aFullManifest([]), proof);
    await applyFullManifest(db, aFullManifest([], { performance: { id: 8 }, others: [{ id: 7, starts_at: new Date().toISOString(), tickets: [[hashPrefix(ticket.entry.h), ticket.entry.r]] }] }), proof);
    expect(await findMark(db, ticket.entry.h, 7)).toBeUndefined();
    expect(await findMark(db, ticket.entry.h, 9)).toMatchObject({ p: 7 });
  });
});
