import { onRequestOutcome } from '../../lib/api';

/*
 * Whether the server can be reached, from what actually happened: the outcome of every request
 * the app makes (lib/api.ts reports them), not the browser's guess. A foyer Wi-Fi is often
 * connected and dead: `navigator.onLine` stays true while every request hangs. So the app asks
 * the server itself whenever it has not heard from it for a few seconds (the heartbeat), with a
 * short timeout, and a hang shows as "no answer since 21:04" within seconds.
 *
 * `navigator.onLine === false` is believed, because in that direction it is reliable: with no
 * network interface at all, no request is even tried.
 */

export type ConnectionState =
  /** Nothing asked yet (the first seconds after start). */
  | 'checking'
  /** The last request was answered. */
  | 'online'
  /** Requests time out or fail although the browser says it has a network. */
  | 'no_answer'
  /** The browser has no network at all. */
  | 'offline';

/** Ask the server when it has been silent this long… */
export const HEARTBEAT_MS = 3_000;
/**
 * …and believe a silence only when it repeats: one request left unanswered is asked again at
 * once, and the state turns to "no answer" when that one fails too. A single slow answer (a busy
 * phone, a busy server) does not send the door offline; a hang shows within HEARTBEAT_MS plus
 * two request deadlines (3 + 3 + 3 s).
 */
const FAILURES_FOR_NO_ANSWER = 2;
/** …looking this often whether it has been. */
const TICK_MS = 1_000;

class Connection {
  #browserOnline = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  /** When the server last answered (epoch ms). */
  lastAnswerAt = $state<number | null>(null);
  /** The first request left without answer since the last answer (epoch ms). */
  noAnswerSince = $state<number | null>(null);
  /** Requests left without answer since the last answer. */
  #failures = $state(0);

  readonly state: ConnectionState = $derived(
    !this.#browserOnline
      ? 'offline'
      : this.#failures >= FAILURES_FOR_NO_ANSWER
        ? 'no_answer'
        : this.lastAnswerAt !== null
          ? 'online'
          : 'checking',
  );
  /** The server answered the last time it was asked: worth asking it about a scan. */
  readonly online = $derived(this.state === 'online');
  /** Known not to answer (offline or hanging): say so, and do not wait for it. */
  readonly unreachable = $derived(this.state === 'offline' || this.state === 'no_answer');
  /** The moment the silence began, for "no answer since 21:04". */
  readonly silentSince = $derived(this.lastAnswerAt ?? this.noAnswerSince);

  #probe: (() => Promise<unknown>) | undefined;
  #probing = false;
  #lastProbeAt = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #recovered = new Set<() => void>();

  constructor() {
    onRequestOutcome((outcome) => this.note(outcome.answered));
    if (typeof window === 'undefined') return;
    window.addEventListener('online', () => {
      this.#browserOnline = true;
      void this.#beat(true);
    });
    window.addEventListener('offline', () => (this.#browserOnline = false));
  }

  /** Starts the heartbeat with the request that asks the server (the session check). */
  start(probe: () => Promise<unknown>): void {
    this.#probe = probe;
    clearInterval(this.#timer);
    this.#timer = setInterval(() => void this.#beat(false), TICK_MS);
    void this.#beat(true);
  }

  /** Called when the server answers again after a silence: what waited can go now. */
  onRecovered(listener: () => void): void {
    this.#recovered.add(listener);
  }

  /** The outcome of one request: answered (any HTTP status) or not. */
  note(answered: boolean, at = Date.now()): void {
    if (answered) {
      const wasSilent = this.#failures >= FAILURES_FOR_NO_ANSWER;
      this.lastAnswerAt = at;
      this.noAnswerSince = null;
      this.#failures = 0;
      if (wasSilent) for (const listener of this.#recovered) listener();
    } else {
      this.noAnswerSince ??= at;
      this.#failures += 1;
      // The first silence is asked about again at once (after a probe that failed, when it ends).
      if (this.#failures === 1) void this.#beat(true);
    }
  }

  async #beat(now: boolean): Promise<void> {
    if (!this.#probe || this.#probing || !this.#browserOnline) return;
    const at = Date.now();
    const quiet = this.lastAnswerAt === null || at - this.lastAnswerAt >= HEARTBEAT_MS;
    if (!now && (!quiet || at - this.#lastProbeAt < HEARTBEAT_MS)) return;
    this.#probing = true;
    this.#lastProbeAt = at;
    try {
      await this.#probe();
    } catch {
      // The outcome was noted by the request itself.
    } finally {
      this.#probing = false;
    }
    if (this.#failures === 1) void this.#beat(true);
  }
}

export const connection = new Connection();
