import type { QrDecoder } from './qr-decoder';
import { RepeatFilter } from './repeat-filter';

/*
 * Continuous decoding of the camera picture: one frame at a time (never a queue of stale
 * frames), copied to a canvas no larger than MAX_SIDE (phones send 1280×720; a ticket QR held
 * at the door fills a good part of it, and smaller frames decode faster), then handed to the
 * chosen decoder. A code is reported once per RepeatFilter.
 */

const MAX_SIDE = 960;

export interface ScanLoopEvents {
  /** A code to handle; `decodedAt` is performance.now() when the decoder returned it. */
  onCode(text: string, decodedAt: number): void;
  /** Time the decoder took on the last frame, for the settings panel. */
  onFrame?(decodeMs: number): void;
}

type VideoWithFrameCallback = HTMLVideoElement & { requestVideoFrameCallback?: (callback: () => void) => number };

export class ScanLoop {
  readonly filter = new RepeatFilter();
  #decoder: QrDecoder;
  #running = false;
  readonly #canvas = document.createElement('canvas');
  readonly #context: CanvasRenderingContext2D;

  constructor(
    private readonly video: VideoWithFrameCallback,
    decoder: QrDecoder,
    private readonly events: ScanLoopEvents,
  ) {
    this.#decoder = decoder;
    // Frames are read back on every pass: keep them in CPU memory.
    const context = this.#canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('2D canvas unavailable');
    this.#context = context;
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
    for (const text of texts) {
      if (this.filter.accept(text, Date.now())) this.events.onCode(text, decodedAt);
    }
  }
}
