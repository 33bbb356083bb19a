import type { DoorPerformance } from '../../../../shared/src/door-contracts';
import { api } from '../../lib/api';
import { checkIn, type CheckInServices, type ScanVerdict } from '../check-in/door-check-in';
import { confirmOnline } from '../check-in/online-confirm';
import type { TicketInput } from '../check-in/ticket-input';
import { doorDb, type StoredManifest } from '../data/door-db';
import { admissionCounts, ManifestRefused, type AdmissionCounts } from '../data/manifest-store';
import { signal } from '../scanner/feedback';
import { DEFAULT_DECODER, isDecoderName, type DecoderName } from '../scanner/decoder-names';
import type { DownloadProgress } from '../sync/manifest-download';
import { ManifestRejected } from '../sync/manifest-download';
import { refreshManifest } from '../sync/manifest-refresh';
import { connection } from './connection.svelte';
import { doorSync, signingKeys } from './door-sync.svelte';
import { session } from './door-session.svelte';

/*
 * The performance being scanned and what the door shows for it: the manifest on the device,
 * its download, the counters and the verdict of the latest scan.
 */

const EMPTY_COUNTS: AdmissionCounts = { reservations: 0, seats: 0, admittedReservations: 0, admittedSeats: 0 };

export interface ShownVerdict extends ScanVerdict {
  /** Increments with every scan: the same verdict twice is still a new screen. */
  seq: number;
}

class ScanDesk {
  /** Today's performances from the server (online), or null before the first answer. */
  performances = $state<DoorPerformance[] | null>(null);
  performancesError = $state<unknown>(null);
  /** Manifests on this device, usable offline. */
  stored = $state<StoredManifest[]>([]);
  manifest = $state<StoredManifest | null>(null);
  counts = $state<AdmissionCounts>(EMPTY_COUNTS);
  download = $state<(DownloadProgress & { performanceId: number }) | null>(null);
  /** Why the last download was refused: a code (`manifest_bad_signature`…) or an ApiError. */
  downloadError = $state<unknown>(null);
  verdict = $state<ShownVerdict | null>(null);
  /** The QR decoder in use; the benchmark's winner unless staff chose otherwise. */
  decoder = $state<DecoderName>(DEFAULT_DECODER);

  #seq = 0;

  async load(): Promise<void> {
    const decoder = await doorDb.getMeta('decoder');
    if (isDecoderName(decoder)) this.decoder = decoder;
    this.stored = await doorDb.manifests.toArray();
    const current = await doorDb.getMeta('current_performance');
    const manifest = this.stored.find((m) => m.performance_id === current) ?? null;
    this.#use(manifest);
    await this.refreshCounts();
  }

  async loadPerformances(): Promise<void> {
    try {
      this.performances = await api.get('/api/door/performances');
      this.performancesError = null;
    } catch (error) {
      this.performancesError = error;
    }
  }

  /** Downloads, checks and stores a performance's manifest, then scans for it. */
  async choose(performanceId: number): Promise<boolean> {
    this.downloadError = null;
    this.download = { performanceId, received: 0, total: null };
    try {
      await refreshManifest(doorDb, signingKeys, performanceId, {
        full: true,
        onProgress: (progress) => (this.download = { performanceId, ...progress }),
      });
    } catch (error) {
      this.downloadError = error instanceof ManifestRejected || error instanceof ManifestRefused ? error.code : error;
      return false;
    } finally {
      this.download = null;
    }
    this.stored = await doorDb.manifests.toArray();
    if (doorSync.performanceId === performanceId) doorSync.listReloaded();
    return this.resume(performanceId);
  }

  /** The whole list again, after a refused update; a refusal of this one too stays on screen. */
  async reloadList(): Promise<void> {
    const performanceId = this.manifest?.performance_id;
    if (performanceId === undefined) return;
    if (await this.choose(performanceId)) return;
    const code = this.downloadError;
    if (typeof code === 'string') doorSync.listProblem = code as NonNullable<typeof doorSync.listProblem>;
  }

  /** Scans for a performance whose manifest is already on the device (offline too). */
  async resume(performanceId: number): Promise<boolean> {
    const manifest = (await doorDb.manifests.get(performanceId)) ?? null;
    if (!manifest) return false;
    await doorDb.setMeta('current_performance', performanceId);
    this.#use(manifest);
    await this.refreshCounts();
    doorSync.kick();
    return true;
  }

  async leave(): Promise<void> {
    await doorDb.deleteMeta('current_performance');
    this.#use(null);
    this.stored = await doorDb.manifests.toArray();
  }

  async refreshCounts(): Promise<void> {
    const manifest = this.manifest;
    if (!manifest) {
      this.counts = EMPTY_COUNTS;
      return;
    }
    const [counts, fresh] = await Promise.all([admissionCounts(doorDb, manifest.performance_id), doorDb.manifests.get(manifest.performance_id)]);
    this.counts = counts;
    // Erased (expired, signed out) under our feet: back to the list.
    if (!fresh) this.#use(null);
    else this.manifest = fresh;
  }

  /**
   * A scanned or typed ticket: a verdict on screen at once (CHECKING while the server is asked,
   * see check-in/door-check-in.ts), then the final one, and a STOP if the server refuses late.
   */
  async present(ticket: TicketInput, startedAt = performance.now()): Promise<void> {
    const manifest = this.manifest;
    if (!manifest || !session.device) return;
    const result = await checkIn(
      ticket,
      {
        db: doorDb,
        scanning: manifest,
        device: session.device,
        staffName: session.user?.display_name || session.user?.email || null,
        clockOffsetMs: doorSync.clockOffsetMs,
        online: connection.online,
      },
      this.#services,
      startedAt,
    );
    const seq = this.#show(result.verdict);
    void this.refreshCounts();
    // A STOP interrupts whatever is on screen: the guest may be walking in.
    void result.late.then((stop) => stop && this.#show({ ...stop, elapsedMs: performance.now() - startedAt }));
    const final = await result.final;
    // Replaces CHECKING, unless staff have moved on to the next guest meanwhile.
    if (final && (this.verdict === null || this.verdict.seq === seq)) this.#show({ ...final, elapsedMs: performance.now() - startedAt }, seq);
    void this.refreshCounts();
  }

  async setDecoder(name: DecoderName): Promise<void> {
    this.decoder = name;
    await doorDb.setMeta('decoder', name);
  }

  dismiss(): void {
    this.verdict = null;
  }

  reset(): void {
    Object.assign(this, { stored: [], manifest: null, counts: EMPTY_COUNTS, verdict: null, download: null, downloadError: null });
  }

  #show(verdict: ScanVerdict, seq = ++this.#seq): number {
    const changed = this.verdict?.seq !== seq || this.verdict.tone !== verdict.tone;
    this.verdict = { ...verdict, seq };
    // CHECKING is silent: the sound says the verdict, and that comes next.
    if (changed && verdict.tone !== 'checking') signal(verdict.tone);
    return seq;
  }

  #use(manifest: StoredManifest | null): void {
    this.manifest = manifest;
    doorSync.performanceId = manifest?.performance_id ?? null;
    if (!manifest) this.verdict = null;
  }

  readonly #services: CheckInServices = {
    confirm: (ticket, scan, abort) => confirmOnline(ticket, scan, abort),
    refreshManifest: async (performanceId, abort) => {
      await refreshManifest(doorDb, signingKeys, performanceId, { signal: abort });
    },
    queued: () => doorSync.kick(),
  };
}

export const scanDesk = new ScanDesk();
