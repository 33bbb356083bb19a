import { codeLikeness } from './code-likeness';
import { FrameProbe } from './frame-probe';
import type { QrDecoder } from './decoder-names';
import { RepeatFilter } from './repeat-filter';
import { NO_SIGHTINGS, probed, read, shouldDecode, showUnreadHint, type Sightings } from './scan-rate';

/*
 * Continuous decoding of the camera picture: one frame at a time (never a queue of stale
 * frames), copied to a canvas no larger than MAX_SIDE (phones send 1280×720; a ticket QR held
 * at the door fills a good part of it, and smaller frames decode faster), then handed to the
 * chosen decoder. A code is reported once per RepeatFilter.
 *
 * Before that, every frame's centre is copied to a small grey probe (frame-probe.ts) and asked
 * whether it looks like a code (code-likeness.ts): well under a millisecond together. The
 * decoder runs on every frame only
 * while something does, a few times a second otherwise (scan-rate.ts), and a code-like picture
 * that does not read for a while raises the "move closer" hint.
 */

const MAX_SIDE = 960;

export interface ScanLoopEvents {
  /** A code to handle; `decodedAt` is performance.now() when the decoder returned it. */
  onCode(text: string, decodedAt: number): void;
  /** Time the decoder took on the last frame, for the settings panel. */
  onFrame?(decodeMs: number): void;
  /** A code-like picture has not read for a while (true), or it read or went (false). */
  onUnreadChange?(unread: boolean): void;
  /** Every probed frame: whether it looked like a code (for the benchmark). */
  onProbe?(codeLike: boolean): void;
}

export interface ScanLoopOptions {
  /** Decode every frame, no probe, no hint: the loop as it was, for the benchmark's comparison. */
  fullRate?: boolean;
}

type VideoWithFrameCallback = HTMLVideoElement & { requestVideoFrameCallback?: (callback: () => void) => number };

export class ScanLoop {
  readonly filter = new RepeatFilter();
  #decoder: QrDecoder;
  #running = false;
  readonly #canvas = document.createElement('canvas');
  readonly #context: CanvasRenderingContext2D;
  readonly #probe: FrameProbe;
  readonly #fullRate: boolean;
  #sightings: Sightings = NO_SIGHTINGS;
  #unread = false;

  constructor(
    private readonly video: VideoWithFrameCallback,
    decoder: QrDecoder,
    private readonly events: ScanLoopEvents,
    options: ScanLoopOptions = {},
  ) {
    this.#decoder = decoder;
    this.#fullRate = options.fullRate === true;
    // Frames are read back on every pass: keep them in CPU memory.
    const context = this.#canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('2D canvas unavailable');
    this.#context = context;
    this.#probe = new FrameProbe(video);
  }

  set decoder(decoder: QrDecoder) {
    this.#decoder = decoder;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#next();
  }

  stop(): void {
    this.#running = false;
    this.#sightings = NO_SIGHTINGS;
    this.#setUnread(false);
  }

  #next(): void {
    if (!this.#running) return;
    const step = () => void this.#scanFrame().finally(() => this.#next());
    // A new camera frame, or a short wait where the browser cannot tell (and while hidden).
    if (this.video.requestVideoFrameCallback && !document.hidden) this.video.requestVideoFrameCallback(step);
    else setTimeout(step, document.hidden ? 500 : 60);
  }

  async #scanFrame(): Promise<void> {
    const { videoWidth: width, videoHeight: height } = this.video;
    if (!this.#running || width === 0 || height === 0 || document.hidden) return;
    if (!this.#fullRate && !(await this.#worthDecoding(width, height))) return;
    if (!this.#running) return;
    const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    const w = Math.round(width * scale);
    const h = Math.round(height * scale);
    if (this.#canvas.width !== w || this.#canvas.height !== h) {
      this.#canvas.width = w;
      this.#canvas.height = h;
    }
    this.#context.drawImage(this.video, 0, 0, w, h);
    const started = performance.now();
    let texts: string[];
    try {
      texts = await this.#decoder.decode(this.#canvas);
    } catch {
      // One bad frame (a decoder hiccup) must not stop the door.
      return;
    }
    const decodedAt = performance.now();
    this.events.onFrame?.(decodedAt - started);
    if (texts.length > 0 && !this.#fullRate) {
      // Repeats ignored by the filter count too: the code in view reads.
      this.#sightings = read(this.#sightings, decodedAt);
      this.#setUnread(false);
    }
    for (const text of texts) {
      if (this.filter.accept(text, Date.now())) this.events.onCode(text, decodedAt);
    }
  }

  /** Probes the frame's centre; true when this frame should go to the decoder. */
  async #worthDecoding(width: number, height: number): Promise<boolean> {
    const { codeLike } = codeLikeness(await this.#probe.grab(width, height));
    this.events.onProbe?.(codeLike);
    const now = performance.now();
    const seen = probed(this.#sightings, codeLike, now);
    this.#setUnread(showUnreadHint({ codeLikeSince: seen.codeLikeSince, lastReadAt: seen.lastReadAt, now }));
    const decode = shouldDecode({ codeLike, lastCodeLikeAt: seen.lastCodeLikeAt, lastDecodeAt: seen.lastDecodeAt, now });
    this.#sightings = decode ? { ...seen, lastDecodeAt: now } : seen;
    return decode;
  }

  #setUnread(unread: boolean): void {
    if (unread === this.#unread) return;
    this.#unread = unread;
    this.events.onUnreadChange?.(unread);
  }
}
