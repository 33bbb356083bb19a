import type { SyncConflict } from '../../../../shared/src/door-contracts';
import { ApiError, api } from '../../lib/api';
import { doorDb, type RejectedScan } from '../data/door-db';
import { eraseExpiredManifests } from '../data/manifest-store';
import { pendingCount } from '../data/outbox-store';
import { backoff } from '../sync/backoff';
import { ManifestRefused, type ManifestRefusal } from '../data/manifest-store';
import { ManifestRejected, type ManifestProblem } from '../sync/manifest-download';
import { refreshManifest } from '../sync/manifest-refresh';
import { SYNC_TIMEOUT_MS } from '../sync/timeouts';
import { better, estimateFromDateHeader, type ClockEstimate } from '../sync/server-clock';
import { SigningKeys } from '../sync/signing-keys';
import { syncOutbox } from '../sync/outbox-sync';
import { connection } from './connection.svelte';
import { session } from './door-session.svelte';

/*
 * The background work of the door: every ~20 s while online (and at once on start, on the
 * browser's `online` event and after each scan) the outbox is sent and the manifest of the
 * performance being scanned is brought up to date. A failure waits longer each time
 * (sync/backoff.ts) and never loses a scan: they stay in the outbox.
 */

export const SYNC_INTERVAL_MS = 20_000;

export const signingKeys = new SigningKeys(doorDb);

class DoorSync {
  pending = $state(0);
  lastSyncAt = $state<string | null>(null);
  syncing = $state(false);
  /** The last pass failed (offline, server down); the next one is already planned. */
  failing = $state(false);
  /**
   * Why the last update of the guest list was refused (a bad signature, an older list than the
   * one held, an unknown key): the list on the phone is not being kept up to date, and the scan
   * screen says so until an update is applied again.
   */
  listProblem = $state<ManifestProblem | ManifestRefusal | null>(null);
  conflicts = $state<SyncConflict[]>([]);
  rejected = $state<RejectedScan[]>([]);
  clock = $state<ClockEstimate | undefined>(undefined);
  /** The performance whose manifest is kept fresh. */
  performanceId = $state<number | null>(null);
  /** Bumped whenever the stored manifest or the outbox changed: counters re-read then. */
  revision = $state(0);

  #timer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #running: Promise<void> | undefined;
  #again = false;
  #started = false;

  get clockOffsetMs(): number {
    return this.clock?.offsetMs ?? 0;
  }

  async start(): Promise<void> {
    await this.load();
    if (this.#started) return this.kick();
    this.#started = true;
    window.addEventListener('online', () => this.kick());
    // The Wi-Fi answers again (the browser never said it had gone): the queue goes at once,
    // not at the end of a backoff that grew while nothing answered.
    connection.onRecovered(() => this.kick());
    // A phone woken from its pocket syncs at once rather than at the next tick.
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) this.kick();
    });
    this.kick();
  }

  /** Reads what IndexedDB holds (after a reload, offline too). */
  async load(): Promise<void> {
    const [pending, last, conflicts, rejected, clock] = await Promise.all([
      pendingCount(doorDb),
      doorDb.getMeta('last_sync_at'),
      doorDb.getMeta('conflicts'),
      doorDb.getMeta('rejected'),
      doorDb.getMeta('clock'),
    ]);
    this.pending = pending;
    this.lastSyncAt = last ?? null;
    this.conflicts = conflicts ?? [];
    this.rejected = rejected ?? [];
    this.clock = clock;
  }

  /** Something changed locally (a scan was queued): count it, and sync soon. */
  kick(): void {
    void pendingCount(doorDb).then((n) => (this.pending = n));
    this.revision += 1;
    this.#schedule(0);
  }

  /** Runs a pass now, or one more right after the pass running; resolves when done. */
  runNow(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#pass();
      } while (this.#again);
    })().finally(() => (this.#running = undefined));
    return this.#running;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Used by the sign-out and revocation paths: the screen forgets what IndexedDB forgot. */
  reset(): void {
    this.stop();
    Object.assign(this, { pending: 0, lastSyncAt: null, conflicts: [], rejected: [], performanceId: null, failing: false, listProblem: null });
    this.revision += 1;
  }

  noteClock(estimate: ClockEstimate | undefined): void {
    const next = better(this.clock, estimate);
    if (next && next !== this.clock) {
      this.clock = next;
      void doorDb.setMeta('clock', next);
    }
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.runNow(), delayMs);
  }

  async #pass(): Promise<void> {
    if (session.status !== 'ready') return;
    this.syncing = true;
    try {
      const expired = await eraseExpiredManifests(doorDb, new Date(Date.now() + this.clockOffsetMs));
      if (this.performanceId !== null && expired.includes(this.performanceId)) this.performanceId = null;
      // The browser knows it has no network: no request, no failure, the next tick as usual
      // (the `online` event brings the pass forward).
      if (navigator.onLine) {
        await this.#send();
        await this.#refreshList();
        this.#failures = 0;
        this.failing = false;
      }
    } catch (error) {
      if (error instanceof ApiError && error.code === 'device_revoked') {
        await session.deviceRevoked();
        this.reset();
        return;
      }
      this.#failures += 1;
      this.failing = true;
    } finally {
      this.syncing = false;
      this.pending = await pendingCount(doorDb);
      this.revision += 1;
    }
    this.#schedule(this.#failures === 0 ? SYNC_INTERVAL_MS : backoff(this.#failures));
  }

  /** The changes to the guest list since the one held; a refused update is kept in sight. */
  async #refreshList(): Promise<void> {
    const performanceId = this.performanceId;
    if (performanceId === null) return;
    const sentAt = Date.now();
    try {
      const result = await refreshManifest(doorDb, signingKeys, performanceId);
      if (result.serverDate) this.noteClock(estimateFromDateHeader(result.serverDate, sentAt, Date.now()));
      this.listProblem = null;
    } catch (error) {
      if (error instanceof ManifestRejected || error instanceof ManifestRefused) this.listProblem = error.code;
      else throw error;
    }
  }

  /** Staff asked for the whole list again (after a refused update): the problem goes once it is applied. */
  listReloaded(): void {
    this.listProblem = null;
    this.revision += 1;
  }

  async #send(): Promise<void> {
    const device = session.device;
    if (!device) return;
    try {
      const report = await syncOutbox(doorDb, device.id, (body) => api.post('/api/door/sync', { body, timeoutMs: SYNC_TIMEOUT_MS }));
      this.lastSyncAt = report.serverTime;
      this.conflicts = report.conflicts;
      if (report.rejected.length > 0) this.rejected = (await doorDb.getMeta('rejected')) ?? [];
      this.noteClock(report.clock);
    } catch (error) {
      // An unknown device (its row was deleted): register again; the scans wait for it.
      if (error instanceof ApiError && error.status === 404) await session.forgetDevice();
      else throw error;
    }
  }
}

export const doorSync = new DoorSync();
