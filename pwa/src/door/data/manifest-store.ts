import { codePrefix, hashPrefix, isReplay, type DeltaManifest, type FullManifest, type ManifestEntry, type RefusedTicket } from '../../../../shared/src/manifest';
import type { DoorDb, LocalCheckIn, StoredEntry, StoredMark } from './door-db';

/*
 * Applying checked manifests to IndexedDB. The caller verified the signature first (see
 * manifest-download.ts); here the order of documents is checked: a signed but older manifest
 * (a replay, or a stale copy from a cache) must not bring back tickets cancelled since.
 */

/** Why a manifest was not applied; the UI says it in words. */
export type ManifestRefusal = 'manifest_replayed' | 'manifest_gap' | 'manifest_other_performance' | 'manifest_missing';

export class ManifestRefused extends Error {
  constructor(readonly code: ManifestRefusal) {
    super(code);
    this.name = 'ManifestRefused';
  }
}

export interface SignatureProof {
  keyId: string;
  signature: string;
}


/**
 * How much younger than the server's receipt of a scan a list must be before its "not checked
 * in" counts as an undo: room for two server instances' clocks, and for a check-in's time taken
 * just before its commit. A list inside the margin leaves the admission be; the next one decides.
 */
export const UNDO_CLOCK_SLACK_MS = 1_000;

/**
 * What this device admitted survives a newer manifest until the server has it too: a list made
 * before our scan reached the server must not make the ticket valid again. Once the server has
 * it, its word alone counts: checked in (the admission here is no longer needed), or, in a list
 * made after the server had our scan, not checked in: staff undid the check-in, and the guest is
 * admitted again at the next scan.
 */
function keptAdmission(entry: ManifestEntry, previous: StoredEntry | undefined, generatedAt: string): LocalCheckIn | undefined {
  const lc = previous?.lc;
  if (!lc || entry.c) return undefined;
  if (lc.ack && Date.parse(generatedAt) > Date.parse(lc.ack) + UNDO_CLOCK_SLACK_MS) return undefined;
  return lc;
}

const toStored = (entry: ManifestEntry, performanceId: number, generatedAt: string, previous?: StoredEntry): StoredEntry => {
  const lc = keptAdmission(entry, previous, generatedAt);
  return { ...entry, p: performanceId, ...(lc && { lc }) };
};

const refusedMarks = (refused: RefusedTicket[] | undefined, performanceId: number): StoredMark[] =>
  (refused ?? []).map(([h, r, why]) => ({ m: performanceId, h, r, p: performanceId, why }));

/**
 * The marks a full manifest brings: its refused tickets, and the tickets of the show's other
 * nights by their token's hash prefix and by their code's.
 */
function marksOf(manifest: FullManifest): StoredMark[] {
  const m = manifest.performance.id;
  const others = (manifest.others ?? []).flatMap((night) => [
    ...night.tickets.map(([h, r]) => ({ m, h, r, p: night.id, starts_at: night.starts_at })),
    ...(night.codes ?? []).flatMap((h, i) => {
      const r = night.tickets[i]?.[1];
      return h && r !== undefined ? [{ m, h, r, p: night.id, starts_at: night.starts_at }] : [];
    }),
  ]);
  return [...refusedMarks(manifest.refused, m), ...others];
}

/** Replaces everything known about a performance with a full manifest. */
export async function applyFullManifest(db: DoorDb, manifest: FullManifest, proof: SignatureProof, now = new Date()): Promise<void> {
  const performanceId = manifest.performance.id;
  await db.transaction('rw', [db.entries, db.marks, db.manifests], async () => {
    const stored = await db.manifests.get(performanceId);
    if (stored && isReplay(stored, manifest)) throw new ManifestRefused('manifest_replayed');
    const previous = new Map((await db.entries.where('p').equals(performanceId).toArray()).map((e) => [e.r, e]));
    await db.entries.where('p').equals(performanceId).delete();
    await db.entries.bulkPut(manifest.entries.map((entry) => toStored(entry, performanceId, manifest.generated_at, previous.get(entry.r))));
    await db.marks.where('m').equals(performanceId).delete();
    await db.marks.bulkPut(marksOf(manifest));
    await db.manifests.put({
      performance_id: performanceId,
      performance: manifest.performance,
      seq: manifest.seq,
      generated_at: manifest.generated_at,
      expires_at: manifest.expires_at,
      key_id: proof.keyId,
      signature: proof.signature,
      checked_at: now.toISOString(),
    });
  });
}

/**
 * Applies the changes since our last manifest: new or changed entries, cancelled reservations
 * (their entries stay, marked cancelled, so the ticket is not "unknown") and tickets that stopped
 * working (replaced by a new one, or of a reservation this device never had).
 */
export async function applyDeltaManifest(db: DoorDb, delta: DeltaManifest, proof: SignatureProof, now = new Date()): Promise<void> {
  await db.transaction('rw', [db.entries, db.marks, db.manifests], async () => {
    const stored = await db.manifests.get(delta.performance_id);
    if (!stored) throw new ManifestRefused('manifest_missing');
    if (isReplay(stored, delta)) throw new ManifestRefused('manifest_replayed');
    // Changes between our seq and the delta's start would be missing.
    if (delta.since > stored.seq) throw new ManifestRefused('manifest_gap');
    const previous = new Map((await db.entries.bulkGet(delta.upserts.map((e) => e.r))).flatMap((e) => (e ? [[e.r, e] as const] : [])));
    await db.entries.bulkPut(delta.upserts.map((entry) => toStored(entry, delta.performance_id, delta.generated_at, previous.get(entry.r))));
    // The refused set says why for each ticket (the entry's own, by its prefix); a reservation
    // cancelled without one said is "cancelled".
    const why = new Map((delta.refused ?? []).map(([h, r, reason]) => [`${r}:${h}`, reason]));
    await db.entries
      .where('r')
      .anyOf(delta.revoked)
      .modify((entry) => {
        entry.x = true;
        entry.why = why.get(`${entry.r}:${hashPrefix(entry.h)}`) ?? 'cancelled';
      });
    await db.marks.bulkPut(refusedMarks(delta.refused, delta.performance_id));
    await db.manifests.put({
      ...stored,
      // Older servers do not say: the performance stays as the last full manifest had it.
      ...(delta.performance_cancelled_at !== undefined && { performance: { ...stored.performance, cancelled_at: delta.performance_cancelled_at } }),
      seq: delta.seq,
      generated_at: delta.generated_at,
      key_id: proof.keyId,
      signature: proof.signature,
      checked_at: now.toISOString(),
    });
  });
}

/** The server had nothing new (304): only the time of the last check moves. */
export async function markManifestChecked(db: DoorDb, performanceId: number, now = new Date(), etag?: string | null): Promise<void> {
  await db.manifests.update(performanceId, { checked_at: now.toISOString(), ...(etag !== undefined && { etag }) });
}

/** Manifests past their `expires_at` are erased with their entries and marks; returns their performances. */
export async function eraseExpiredManifests(db: DoorDb, now: Date): Promise<number[]> {
  return db.transaction('rw', [db.entries, db.marks, db.manifests], async () => {
    const expired = (await db.manifests.toArray()).filter((m) => Date.parse(m.expires_at) <= now.getTime()).map((m) => m.performance_id);
    for (const performanceId of expired) await db.entries.where('p').equals(performanceId).delete();
    await db.marks.where('m').anyOf(expired).delete();
    await db.manifests.bulkDelete(expired);
    return expired;
  });
}

export function findByTokenHash(db: DoorDb, tokenHash: string): Promise<StoredEntry | undefined> {
  return db.entries.where('h').equals(tokenHash).first();
}

/**
 * The mark of a token hash no entry matched. Only marks that refuse count: a ticket of the
 * performance being scanned known from another night's manifest would pass the door window
 * check, and a prefix must never admit. The scanned performance's own manifest speaks first.
 */
export async function findMark(db: DoorDb, tokenHash: string, performanceId: number): Promise<StoredMark | undefined> {
  const found = (await db.marks.where('h').equals(hashPrefix(tokenHash)).toArray()).filter((mark) => mark.why || mark.p !== performanceId);
  return found.find((mark) => mark.m === performanceId) ?? found[0];
}

/**
 * Another night's ticket, known by the hash prefix of its reservation code: a code typed at the
 * door that no entry has. Like token marks, it only ever refuses ("other performance").
 */
export async function findCodeMark(db: DoorDb, codeHash: string, performanceId: number): Promise<StoredMark | undefined> {
  const found = (await db.marks.where('h').equals(codePrefix(codeHash)).toArray()).filter((mark) => !mark.why && mark.p !== performanceId);
  return found.find((mark) => mark.m === performanceId) ?? found[0];
}

/** Codes are short: prefer the performance being scanned should two ever collide. */
export async function findByCodeHash(db: DoorDb, codeHash: string, performanceId: number): Promise<StoredEntry | undefined> {
  const found = await db.entries.where('k').equals(codeHash).toArray();
  return found.find((e) => e.p === performanceId) ?? found[0];
}

export interface AdmissionCounts {
  reservations: number;
  seats: number;
  admittedReservations: number;
  admittedSeats: number;
}

export async function admissionCounts(db: DoorDb, performanceId: number): Promise<AdmissionCounts> {
  const counts: AdmissionCounts = { reservations: 0, seats: 0, admittedReservations: 0, admittedSeats: 0 };
  await db.entries.where('p').equals(performanceId).each((entry) => {
    // Cancelled, or refused by the server: no longer expected at the door.
    if (entry.x) return;
    counts.reservations += 1;
    counts.seats += entry.n;
    if (entry.c || entry.lc) {
      counts.admittedReservations += 1;
      counts.admittedSeats += entry.n;
    }
  });
  return counts;
}
