/// <reference types="vite/client" />
import { codeLikeness } from '../../pwa/src/door/scanner/code-likeness';
import { FrameProbe } from '../../pwa/src/door/scanner/frame-probe';
import type { QrDecoder } from '../../pwa/src/door/scanner/decoder-names';
import { ScanLoop } from '../../pwa/src/door/scanner/scan-loop';
import { createZxingWasmDecoder } from '../../pwa/src/door/scanner/zxing-wasm-decoder';

/*
 * Runs inside Chromium (built by Vite and served by bench/door-camera.bench.ts), whose fake
 * camera plays the scene under test: the door app's own ScanLoop and WASM decoder on a
 * playing <video>, as on the scan screen. The benchmark starts and stops the loop in each mode
 * and reads these counters; the main thread's busy time it takes from Chromium (CDP).
 */

export type Mode = 'camera only' | 'every frame' | 'adaptive';

export interface Counts {
  decodes: number;
  decodeMs: number;
  probes: number;
  codeLike: number;
  /** New codes reported (a code held in view counts once, as on the scan screen). */
  codes: number;
  /** performance.now() when the "move closer" hint came up, or null. */
  hintAt: number | null;
  startedAt: number;
}

const video = document.querySelector('video')!;
let decoder: QrDecoder;
let loop: ScanLoop | undefined;
let counts: Counts;

async function ready(): Promise<{ width: number; height: number }> {
  video.srcObject = await navigator.mediaDevices.getUserMedia({ audio: false, video: true });
  await video.play();
  decoder = await createZxingWasmDecoder({ allowNative: false });
  return { width: video.videoWidth, height: video.videoHeight };
}

function start(mode: Mode): void {
  stop();
  counts = { decodes: 0, decodeMs: 0, probes: 0, codeLike: 0, codes: 0, hintAt: null, startedAt: performance.now() };
  if (mode === 'camera only') return;
  loop = new ScanLoop(
    video,
    decoder,
    {
      onCode: () => (counts.codes += 1),
      onFrame: (ms) => {
        counts.decodes += 1;
        counts.decodeMs += ms;
      },
      onProbe: (codeLike) => {
        counts.probes += 1;
        if (codeLike) counts.codeLike += 1;
      },
      onUnreadChange: (unread) => {
        if (unread && counts.hintAt === null) counts.hintAt = performance.now();
      },
    },
    { fullRate: mode === 'every frame' },
  );
  loop.start();
}

function stop(): void {
  loop?.stop();
  loop = undefined;
}

/** What the loop's probe costs on one new frame, as ScanLoop does it: the grey centre, judged. */
async function probeCost(frames: number): Promise<{ times: number[]; source: string }> {
  const probe = new FrameProbe(video);
  const times: number[] = [];
  for (let i = 0; i < frames; i += 1) {
    await new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));
    const started = performance.now();
    codeLikeness(await probe.grab(video.videoWidth, video.videoHeight));
    times.push(performance.now() - started);
  }
  return { times, source: probe.source };
}

const api = { ready: ready(), start, stop, counts: () => counts, probeCost };
export type CameraBench = typeof api;
(window as unknown as { cameraBench: CameraBench }).cameraBench = api;
