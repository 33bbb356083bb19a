import { call, sleep, type Answer, type Rng } from './reliability-kit.js';

/*
 * A simulated door device for the sync chaos test: it holds scans in an outbox and sends them
 * in batches over a hostile network. Batches are reordered, sometimes sent twice at once,
 * sometimes their answer is lost after the server processed them, old batches are replayed,
 * and the device goes offline for a while. An event leaves the outbox only when an answer for
 * it arrives, like the door PWA's outbox.
 */

export interface ScanEvent {
  id: string;
  performance_id: number;
  token_hash: string;
  scanned_at: string;
  clock_offset_ms: number;
}

export interface SyncAnswer {
  results: { id: string; result: string; reservation_id: number | null }[];
  conflicts: { event_id: string; reservation_id: number | null; device: string; winner: { event_id: string; device: string | null } | null }[];
}

/** A random RFC 4122 version 4 UUID from the seeded generator (the same run for the same seed). */
export function seededUuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => rng.int(0, 15).toString(16));
  hex[12] = '4';
  hex[16] = ['8', '9', 'a', 'b'][rng.int(0, 3)]!;
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export class SimulatedDevice {
  readonly acked = new Map<string, string>();
  /** Answers that were neither 200 nor "no answer" (server down): there should be none. */
  readonly unexpected: Answer[] = [];
  readonly sent: ScanEvent[][] = [];
  lastAnswer: SyncAnswer | undefined;
  stats = { requests: 0, lost: 0, duplicated: 0, replayed: 0, offline: 0, unanswered: 0 };

  constructor(
    readonly id: string,
    readonly name: string,
    private readonly events: ScanEvent[],
    private readonly cookie: string,
    private readonly rng: Rng,
    private readonly base: () => string,
  ) {}

  get done(): boolean {
    return this.acked.size === this.events.length;
  }

  /** Sends until every event is acknowledged or the deadline passes. */
  async run(deadline: number): Promise<void> {
    const rng = this.rng;
    while (!this.done && Date.now() < deadline) {
      if (rng.chance(0.12)) {
        this.stats.offline += 1;
        await sleep(rng.int(100, 500));
        continue;
      }
      const pending = this.events.filter((e) => !this.acked.has(e.id));
      const batch = rng.shuffle(pending.slice(0, rng.int(20, 300)));
      const roll = rng.next();
      if (roll < 0.15) {
        // The server processes the batch; its answer never reaches the device.
        this.stats.lost += 1;
        await this.send(batch);
      } else if (roll < 0.3) {
        this.stats.duplicated += 1;
        await Promise.all([this.send(batch).then((a) => this.acknowledge(a)), this.send(rng.shuffle(batch)).then((a) => this.acknowledge(a))]);
      } else if (roll < 0.4 && this.sent.length > 0) {
        // A batch from long ago, delivered again late (a retry queued in the network).
        this.stats.replayed += 1;
        this.acknowledge(await this.send(rng.pick(this.sent)));
      } else {
        this.acknowledge(await this.send(batch));
      }
      await sleep(rng.int(0, 60));
    }
  }

  /** One final round trip: the conflicts the server reports to this device now. */
  async finalSync(): Promise<SyncAnswer | undefined> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const answer = await this.send([]);
      if (answer) return answer;
      await sleep(250);
    }
    return undefined;
  }

  private async send(events: ScanEvent[]): Promise<SyncAnswer | undefined> {
    this.stats.requests += 1;
    if (events.length > 0) this.sent.push(events);
    const answer = await call(this.base(), 'POST', '/api/door/sync', { body: { device_id: this.id, events }, cookie: this.cookie, timeoutMs: 30_000 });
    if (answer.status === 0) {
      // Server down or connection cut: the device keeps the events and tries again later.
      this.stats.unanswered += 1;
      await sleep(this.rng.int(100, 400));
      return undefined;
    }
    if (answer.status !== 200) {
      this.unexpected.push(answer);
      return undefined;
    }
    this.lastAnswer = answer.body as SyncAnswer;
    return this.lastAnswer;
  }

  private acknowledge(answer: SyncAnswer | undefined): void {
    for (const result of answer?.results ?? []) this.acked.set(result.id, result.result);
  }
}
