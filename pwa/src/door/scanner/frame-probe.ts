import type { GrayImage } from './code-likeness';

/*
 * The grayscale centre of the current camera frame, small, for code-likeness.ts: every frame,
 * so it must cost far less than a decode. Drawing a video onto a canvas converts the whole
 * frame from the camera's YUV to RGB first (about 5 ms for 640×480 in headless Chromium, most
 * of a decode); a WebCodecs VideoFrame hands out the luma plane (the grey picture) of just the
 * region instead (about 0.3 ms). The canvas stays as the fallback: browsers without
 * VideoFrame, and frames it cannot copy (some GPU-only camera frames).
 */

/** The central square of this share of the frame's shorter side (the on-screen frame is ~2/3)… */
export const PROBE_SHARE = 0.7;
/** …scaled to this many pixels a side: a ticket held at the door keeps 2 or more pixels a module. */
export const PROBE_SIDE = 160;

/** Formats whose first plane is the luma, one byte a pixel. */
const LUMA_FIRST = new Set(['I420', 'I420A', 'I422', 'I422A', 'I444', 'I444A', 'NV12']);

interface Region {
  x: number;
  y: number;
  side: number;
}

export class FrameProbe {
  readonly #gray = new Uint8Array(PROBE_SIDE * PROBE_SIDE);
  readonly #image: GrayImage = { data: this.#gray, width: PROBE_SIDE, height: PROBE_SIDE };
  #useVideoFrame = typeof VideoFrame === 'function';
  #videoFrameFailures = 0;
  #copy = new Uint8Array(0);
  #context: CanvasRenderingContext2D | undefined;

  constructor(private readonly video: HTMLVideoElement) {}

  /** Which way the last frames came (the benchmark says so). */
  get source(): 'VideoFrame' | 'canvas' {
    return this.#useVideoFrame ? 'VideoFrame' : 'canvas';
  }

  async grab(width: number, height: number): Promise<GrayImage> {
    const side = Math.round(Math.min(width, height) * PROBE_SHARE);
    // Even offsets: the chroma planes of I420 and NV12 start on even pixels.
    const region = { x: ((width - side) >> 2) << 1, y: ((height - side) >> 2) << 1, side };
    if (this.#useVideoFrame && (await this.#fromVideoFrame(region))) return this.#image;
    this.#fromCanvas(region);
    return this.#image;
  }

  async #fromVideoFrame({ x, y, side }: Region): Promise<boolean> {
    let frame: VideoFrame | undefined;
    try {
      frame = new VideoFrame(this.video);
      const format = frame.format;
      const bytes = format && LUMA_FIRST.has(format) ? 1 : format && /^(RGB|BGR)/.test(format) ? 4 : 0;
      if (bytes === 0) throw new Error(`frame format ${format}`);
      const rect = { x, y, width: side, height: side };
      const size = frame.allocationSize({ rect });
      if (this.#copy.length < size) this.#copy = new Uint8Array(size);
      const [plane] = await frame.copyTo(this.#copy, { rect });
      this.#scale(this.#copy, plane!.offset, plane!.stride, side, bytes);
      this.#videoFrameFailures = 0;
      return true;
    } catch {
      // A frame not ready yet fails once; failing again and again is not this browser's or
      // this camera's way: the canvas from then on.
      this.#videoFrameFailures += 1;
      if (this.#videoFrameFailures >= 3) this.#useVideoFrame = false;
      return false;
    } finally {
      frame?.close();
    }
  }

  #fromCanvas({ x, y, side }: Region): void {
    if (!this.#context) {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = PROBE_SIDE;
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context) throw new Error('2D canvas unavailable');
      this.#context = context;
    }
    this.#context.drawImage(this.video, x, y, side, side, 0, 0, PROBE_SIDE, PROBE_SIDE);
    const { data } = this.#context.getImageData(0, 0, PROBE_SIDE, PROBE_SIDE);
    this.#scale(data, 0, PROBE_SIDE * 4, PROBE_SIDE, 4);
  }

  /**
   * Samples `side`×`side` pixels down to the probe: the mean of 2×2 pixels at each sample
   * point (a camera's grain halves, a module of a readable code stays sharp). For four-byte
   * pixels (RGBA, BGRA) the green channel stands for the grey.
   */
  #scale(source: Uint8Array | Uint8ClampedArray, offset: number, stride: number, side: number, bytes: number): void {
    const gray = this.#gray;
    const step = side / PROBE_SIDE;
    const pair = step >= 2 ? 1 : 0;
    for (let py = 0; py < PROBE_SIDE; py += 1) {
      const row = offset + Math.floor(py * step) * stride;
      for (let px = 0; px < PROBE_SIDE; px += 1) {
        const i = row + Math.floor(px * step) * bytes + (bytes === 4 ? 1 : 0);
        const below = i + pair * stride;
        const right = pair * bytes;
        gray[py * PROBE_SIDE + px] = (source[i]! + source[i + right]! + source[below]! + source[below + right]!) >> 2;
      }
    }
  }
}
