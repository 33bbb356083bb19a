import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { aDelta, aDoorDb, aFullManifest, aTicket, proof } from '../test/door-fixtures';
import {
  admissionCounts,
  applyDeltaManifest,
  applyFullManifest,
  eraseExpiredManifests,
  findByCodeHash,
  findByTokenHash,
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

  it('applies a delta: upserts (new tickets, check-ins elsewhere) and revoked reservations', async () => {
    const db = aDoorDb();
    const [a, b, c] = await Promise.all([aTicket(), aTicket(), aTicket()]);
    await applyFullManifest(db, aFullManifest([a.entry, b.entry]), proof);
    const admittedElsewhere = { ...b.entry, c: { at: new Date().toISOString(), by: 'Marco', device: 'Door 2' } };

    await applyDeltaManifest(db, aDelta({ since: 10, seq: 12, upserts: [admittedElsewhere, c.entry], revoked: [a.entry.r] }), proof);
    expect(await findByTokenHash(db, a.entry.h)).toBeUndefined();
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

  it('erases a manifest and its entries once it expires', async () => {
    const db = aDoorDb();
    const [a, b] = await Promise.all([aTicket(), aTicket()]);
    await applyFullManifest(db, aFullManifest([a.entry], { expires_at: new Date(Date.now() + 60_000).toISOString() }), proof);
    await applyFullManifest(db, aFullManifest([b.entry], { performance: { id: 8 }, expires_at: new Date(Date.now() + 3_600_000).toISOString() }), proof);

    expect(await eraseExpiredManifests(db, new Date())).toEqual([]);
    expect(await eraseExpiredManifests(db, new Date(Date.now() + 120_000))).toEqual([7]);
    expect(await db.manifests.get(7)).toBeUndefined();
    expect(await findByTokenHash(db, a.entry.h)).toBeUndefined();
    expect(await findByTokenHash(db, b.entry.h)).toMatchObject({ p: 8 });
  });
});
