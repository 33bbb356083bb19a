import { Dexie, type EntityTable, type Table } from 'dexie';
import type { RevokedWhy } from '../../../../shared/src/check-in-decision';
import type { ManifestEntry, ManifestPerformance, PublicKeyJwk, RefusedWhy } from '../../../../shared/src/manifest';
import type { DecoderName } from '../scanner/decoder-names';
import type { ClockEstimate } from '../sync/server-clock';
import type { SessionUserAnswer } from '../../../../shared/src/auth-contracts';
import type { RegisteredDevice, ScanEvent, SyncConflict } from '../../../../shared/src/door-contracts';
import type { ScanResult } from '../../../../shared/src/statuses';

/*
 * Everything the door device keeps, in IndexedDB: the checked manifests, the scans waiting to
 * be sent, and a few settings. It survives reloads, hours offline and a closed browser; it is
 * erased on sign-out, when the device is revoked and once a manifest expires.
 */

/** A manifest entry with what this device adds to it. */
export interface StoredEntry extends ManifestEntry {
  /** The performance of the manifest it came from. */
  p: number;
  /**
   * Admitted here and not yet confirmed by the server. Kept apart from `c` (the server's word),
   * which every delta overwrites: a delta made before our scan reached the server must not make
   * the ticket valid again.
   */
  lc?: LocalCheckIn | null;
  /** The server refused the ticket online (cancelled, replaced) since the last manifest. */
  x?: boolean;
  /** Why, when the server said (a delta's refused tickets, an online refusal). */
  why?: RevokedWhy;
}

/** An admission made on this device. */
export interface LocalCheckIn {
  at: string;
  by: string | null;
  device: string | null;
  /**
   * When the server answered for the scan (its clock: the sync's `server_time`, an online
   * check-in's time). A list made after that which says "not checked in" means staff undid the
   * check-in (manifest-store.ts), and the admission here goes with it.
   */
  ack?: string;
}

/**
 * A ticket known only by its hash prefix (shared/src/manifest.ts): one of this performance that
 * no longer works, or one of another night of the show. Marks only ever refuse.
 */
export interface StoredMark {
  /** The performance of the manifest it came from: erased and replaced with it. */
  m: number;
  /**
   * Hash prefix of the ticket's token (HASH_PREFIX_LENGTH hex characters) or, for another
   * night's typed code, of its code (CODE_PREFIX_LENGTH, shorter): the lengths never collide.
   */
  h: string;
  /** Reservation and performance of the ticket. */
  r: number;
  p: number;
  /** A refused ticket of performance `m`: why. */
  why?: RefusedWhy;
  /** A ticket of another night: when that night starts. */
  starts_at?: string;
}

/** The header of the latest manifest applied for one performance. */
export interface StoredManifest {
  performance_id: number;
  performance: ManifestPerformance;
  seq: number;
  generated_at: string;
  expires_at: string;
  /** Key and signature of the latest document applied (full or delta), for the record. */
  key_id: string;
  signature: string;
  /** When the server last answered a refresh (a delta or "not modified"). */
  checked_at: string;
  /** The ETag of the last answer: sent back so that an unchanged manifest costs a 304. */
  etag?: string | null;
}

export interface OutboxEvent extends ScanEvent {
  /** Device time in ms when it was queued: the order of sending. */
  queued_at: number;
  /**
   * An online confirmation of this scan is in flight until then (epoch ms): the sync leaves the
   * event alone so that the same admission is not sent twice.
   */
  hold_until: number;
}

/** A scan the server did not accept as it was admitted here (not a duplicate: those are conflicts). */
export interface RejectedScan {
  event_id: string;
  reservation_id: number | null;
  result: ScanResult;
  scanned_at: string;
}

/** Settings and small state, one row per key. */
export interface MetaValues {
  /** The signed-in staff member, as the server answered it (`/api/auth/me`, `/api/auth/login`). */
  user: SessionUserAnswer;
  /** This phone's registration, as the server answered it (`POST /api/door/devices`). */
  device: RegisteredDevice;
  keys: PublicKeyJwk[];
  /** Server time minus device time, and how sure we are of it. */
  clock: ClockEstimate;
  last_sync_at: string;
  conflicts: SyncConflict[];
  rejected: RejectedScan[];
  decoder: DecoderName;
  /** Verdict sounds and vibrations (feedback-settings.svelte.ts); kept on sign-out like the decoder. */
  sound: boolean;
  vibration: boolean;
  /** The performance being scanned, to return to it after a reload. */
  current_performance: number;
  /**
   * Signed out here while the server could not be told: the session cookie may still be valid,
   * so the sign-out is sent again before anything else asks the server who is signed in.
   */
  logout_owed: true;
}

export type MetaKey = keyof MetaValues;

interface MetaRow {
  key: MetaKey;
  value: unknown;
}

export class DoorDb extends Dexie {
  entries!: EntityTable<StoredEntry, 'r'>;
  manifests!: EntityTable<StoredManifest, 'performance_id'>;
  outbox!: EntityTable<OutboxEvent, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;
  marks!: Table<StoredMark, [number, string]>;

  constructor(name = 'azionelab-door') {
    super(name);
    this.version(1).stores({
      // Keyed by reservation id; looked up by token hash (scans) and code hash (typed codes).
      entries: 'r, h, k, p',
      manifests: 'performance_id',
      outbox: 'id, queued_at',
      meta: 'key',
    });
    // One mark per prefix per manifest; looked up by prefix, erased by manifest.
    this.version(2).stores({ marks: '[m+h], h, m' });
  }

  async getMeta<K extends MetaKey>(key: K): Promise<MetaValues[K] | undefined> {
    return (await this.meta.get(key))?.value as MetaValues[K] | undefined;
  }

  async setMeta<K extends MetaKey>(key: K, value: MetaValues[K]): Promise<void> {
    await this.meta.put({ key, value });
  }

  async deleteMeta(key: MetaKey): Promise<void> {
    await this.meta.delete(key);
  }

  /**
   * Sign-out: guests, scans and the signed-in user go; the device keeps its registration and
   * its settings (decoder, keys), which say nothing about guests.
   */
  async eraseGuestData(): Promise<void> {
    await this.transaction('rw', [this.entries, this.marks, this.manifests, this.outbox, this.meta], async () => {
      await Promise.all([this.entries.clear(), this.marks.clear(), this.manifests.clear(), this.outbox.clear()]);
      await this.meta.bulkDelete(['user', 'last_sync_at', 'conflicts', 'rejected', 'current_performance']);
    });
  }

  /** Revoked device: nothing stays, not even its registration. */
  async eraseEverything(): Promise<void> {
    await this.transaction('rw', [this.entries, this.marks, this.manifests, this.outbox, this.meta], async () => {
      await Promise.all([this.entries.clear(), this.marks.clear(), this.manifests.clear(), this.outbox.clear(), this.meta.clear()]);
    });
  }
}

export const doorDb = new DoorDb();
