import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import QRCode from 'qrcode';
import { CHROMIUM, CHROMIUM_FLAGS } from '../scripts/chromium.js';
import { fmt, median, percentile, table, type BenchContext } from './bench-kit.js';
import { buildAndServe } from './browser-page.js';
import type { CameraBench, Counts, Mode } from './door-camera/bench-page';
import { seededRandom } from '../pwa/src/door/test/seeded-random.js';

/*
 * What the door's camera costs the phone over a shift: the scan screen's loop (ScanLoop, the
 * WASM decoder) on a live <video> fed by Chromium's fake camera, in headless Chromium, with
 * nothing in view, with a busy scene that is not a code, with a ticket in view, and with a
 * code-like picture that does not read; at normal speed and with the CPU throttled 4× (a
 * cheap phone). Each as the loop was (every frame decoded) and as it is (adaptive rate).
 *
 * Main-thread busy share: CDP Performance.getMetrics `TaskDuration` (time the renderer's main
 * thread spent running tasks) over the same span of `Timestamp`, after a warm-up.
 *
 *   npm run bench -- door-camera
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const WIDTH = 640;
const HEIGHT = 480;
const FPS = 30;
const WARM_UP_MS = 1_000;
const WINDOW_MS = 3_000;
const THROTTLES = [1, 4];
const TICKET = `https://tickets.azionelab.it/api/check-ins/preview/?token=${'Qx7_k2'.repeat(7)}A`;


type Luma = Float32Array;

/** Modules (true = dark) drawn at `side` pixels, centred, with a 2-module white margin. */
function drawModules(luma: Luma, modules: (x: number, y: number) => boolean, size: number, side: number): void {
  const cell = side / (size + 4);
  const left = Math.round((WIDTH - side) / 2);
  const top = Math.round((HEIGHT - side) / 2);
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      const mx = Math.floor(x / cell) - 2;
      const my = Math.floor(y / cell) - 2;
      const dark = mx >= 0 && my >= 0 && mx < size && my < size && modules(mx, my);
      luma[(top + y) * WIDTH + left + x] = dark ? 20 : 235;
    }
  }
}

const isFinder = (x: number, y: number, size: number) => {
  for (const [fx, fy] of [[0, 0], [size - 7, 0], [0, size - 7]] as const) {
    const dx = x - fx;
    const dy = y - fy;
    if (dx >= -1 && dy >= -1 && dx <= 7 && dy <= 7) {
      const ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3));
      return ring !== 2 && ring !== 4;
    }
  }
  return undefined;
};

interface Scene {
  name: string;
  /** The picture at frame `i` (the film loops every second), before camera grain. */
  frame(i: number): Luma;
  modes: Mode[];
}

const SCENES: Scene[] = [
  {
    name: 'nothing in view (grey wall)',
    frame: () => new Float32Array(WIDTH * HEIGHT).fill(128),
    modes: ['camera only', 'every frame', 'adaptive'],
  },
  {
    name: 'busy scene, no code (text, stripes, shading; moving)',
    frame(i) {
      const luma = new Float32Array(WIDTH * HEIGHT);
      const rand = seededRandom(5);
      for (let p = 0; p < luma.length; p += 1) luma[p] = 60 + ((p % WIDTH) + Math.floor(p / WIDTH)) * 0.12;
      // A curtain's folds on the left, a page of text in the middle, both drifting.
      for (let y = 0; y < HEIGHT; y += 1) for (let x = 0; x < 160; x += 1) luma[y * WIDTH + x] = 110 + 70 * Math.sin((x + i * 2) / 6);
      for (let line = 120; line < 360; line += 10) {
        for (let x = 200 + (i % 10); x < 520; ) {
          const word = 6 + Math.floor(rand() * 22);
          for (let y = line; y < line + 5; y += 1) for (let dx = 0; dx < word; dx += 1) luma[y * WIDTH + x + dx] = 25;
          x += word + 4;
        }
      }
      return luma;
    },
    modes: ['every frame', 'adaptive'],
  },
  {
    name: 'a ticket in view',
    frame() {
      const luma = new Float32Array(WIDTH * HEIGHT).fill(90);
      const qr = QRCode.create(TICKET, { errorCorrectionLevel: 'M' });
      drawModules(luma, (x, y) => qr.modules.get(y, x) === 1, qr.modules.size, 300);
      return luma;
    },
    modes: ['every frame', 'adaptive'],
  },
  {
    // Finder patterns and random modules: a code to the eye and to the probe, not to the decoder.
    name: 'a code that does not read',
    frame() {
      const luma = new Float32Array(WIDTH * HEIGHT).fill(90);
      const rand = seededRandom(9);
      const size = 41;
      const bits = Array.from({ length: size * size }, () => rand() < 0.5);
      drawModules(luma, (x, y) => isFinder(x, y, size) ?? bits[y * size + x]!, size, 300);
      return luma;
    },
    modes: ['every frame', 'adaptive'],
  },
];

/** A Y4M film of `scene`, one second looped by the fake camera, with camera grain (σ ≈ 3). */
function film(scene: Scene): string {
  const rand = seededRandom(1);
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const frames: Buffer[] = [Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F${FPS}:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < FPS; i += 1) {
    const luma = scene.frame(i);
    const bytes = Buffer.alloc(WIDTH * HEIGHT);
    for (let p = 0; p < bytes.length; p += 1) bytes[p] = Math.max(0, Math.min(255, Math.round(luma[p]! + (rand() + rand() + rand() - 1.5) * 6)));
    frames.push(Buffer.from('FRAME\n'), bytes, chroma);
  }
  const file = path.join(tmpdir(), `door-camera-${process.pid}-${Date.now()}.y4m`);
  writeFileSync(file, Buffer.concat(frames));
  return file;
}

interface Sample {
  scene: string;
  throttle: number;
  mode: Mode;
  busy: number;
  decodesPerSecond: number;
  decodeMs: number;
  codeLikeShare: number;
  codes: number;
  hintAfterMs: number | null;
}

async function metrics(cdp: { send(method: 'Performance.getMetrics'): Promise<{ metrics: { name: string; value: number }[] }> }) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const get = (name: string) => list.find((m) => m.name === name)?.value ?? NaN;
  return { task: get('TaskDuration'), at: get('Timestamp') };
}

const bench = (page: Page) => ({
  start: (mode: Mode) => page.evaluate((m) => (window as unknown as { cameraBench: CameraBench }).cameraBench.start(m), mode),
  stop: () => page.evaluate(() => (window as unknown as { cameraBench: CameraBench }).cameraBench.stop()),
  counts: () => page.evaluate(() => (window as unknown as { cameraBench: CameraBench }).cameraBench.counts()),
  probeCost: (frames: number) => page.evaluate((n) => (window as unknown as { cameraBench: CameraBench }).cameraBench.probeCost(n), frames),
});

async function measureScene(url: string, scene: Scene, runs: number, log: (m: string) => void) {
  const video = film(scene);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_FLAGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
  const samples: Sample[] = [];
  const probeMs: Record<number, number[]> = {};
  let probeSource = '';
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 780 }, permissions: ['camera'] });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'cameraBench' in window);
    await page.evaluate(() => (window as unknown as { cameraBench: CameraBench }).cameraBench.ready);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const b = bench(page);
    for (const throttle of THROTTLES) {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
      const cost = await b.probeCost(60);
      probeMs[throttle] = cost.times;
      probeSource = cost.source;
      for (let run = 0; run < runs; run += 1) {
        for (const mode of scene.modes) {
          await b.start(mode);
          await page.waitForTimeout(WARM_UP_MS);
          const before = { m: await metrics(cdp), c: await b.counts() };
          await page.waitForTimeout(WINDOW_MS);
          const after = { m: await metrics(cdp), c: await b.counts() };
          await b.stop();
          const seconds = after.m.at - before.m.at;
          const delta = (key: keyof Counts) => (after.c[key] as number) - (before.c[key] as number);
          samples.push({
            scene: scene.name,
            throttle,
            mode,
            busy: (after.m.task - before.m.task) / seconds,
            decodesPerSecond: delta('decodes') / seconds,
            decodeMs: delta('decodes') > 0 ? delta('decodeMs') / delta('decodes') : NaN,
            codeLikeShare: delta('probes') > 0 ? delta('codeLike') / delta('probes') : NaN,
            codes: after.c.codes,
            hintAfterMs: after.c.hintAt === null ? null : after.c.hintAt - after.c.startedAt,
          });
          const last = samples.at(-1)!;
          log(`${scene.name}, ${throttle}×, ${mode}: busy ${fmt(last.busy * 100, 1)} %, ${fmt(last.decodesPerSecond, 1)} decodes/s`);
        }
      }
    }
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  } finally {
    await browser.close();
    rmSync(video, { force: true });
  }
  return { samples, probeMs, probeSource };
}

const pct = (share: number) => `${fmt(share * 100, 1)} %`;

function report(samples: Sample[], probe: { ms: Record<number, number[]>; source: string }, runs: number): string {
  const rows: (string | number)[][] = [];
  for (const scene of SCENES) {
    for (const mode of scene.modes) {
      const cells: string[] = [];
      for (const throttle of THROTTLES) {
        const mine = samples.filter((s) => s.scene === scene.name && s.mode === mode && s.throttle === throttle);
        cells.push(pct(median(mine.map((s) => s.busy))), fmt(median(mine.map((s) => s.decodesPerSecond)), 1));
      }
      const normal = samples.filter((s) => s.scene === scene.name && s.mode === mode && s.throttle === 1);
      const share = median(normal.map((s) => s.codeLikeShare));
      rows.push([scene.name, mode === 'adaptive' ? '**adaptive (now)**' : mode, ...cells, Number.isNaN(share) ? '' : pct(share)]);
    }
  }
  const idle = (mode: Mode, throttle: number) =>
    median(samples.filter((s) => s.scene === SCENES[0]!.name && s.mode === mode && s.throttle === throttle).map((s) => s.busy));
  const camera = idle('camera only', 1);
  const unread = samples.filter((s) => s.scene === 'a code that does not read' && s.mode === 'adaptive');
  const hints = unread.map((s) => s.hintAfterMs).filter((ms): ms is number => ms !== null);
  const ticket = samples.filter((s) => s.scene === 'a ticket in view');
  const decodeMs = (throttle: number) => median(samples.filter((s) => s.throttle === throttle && s.mode === 'every frame' && s.scene === SCENES[0]!.name).map((s) => s.decodeMs));
  return [
    `Headless Chromium, fake camera playing a ${WIDTH}×${HEIGHT} film at ${FPS} frames/s (one second looped, camera grain σ ≈ 3), a 390×780 page showing the video; the door app's ScanLoop with the WASM decoder. Main-thread busy share: CDP \`Performance.getMetrics\` TaskDuration over ${WINDOW_MS / 1000} s after a ${WARM_UP_MS / 1000} s warm-up, median of ${runs} runs per cell (modes alternate within a run); CPU throttling with \`Emulation.setCPUThrottlingRate\`. "every frame" is the loop as it was (every frame decoded, \`fullRate\`), "adaptive" the loop as shipped.`,
    '',
    table(['scene', 'loop', 'main thread, normal CPU', 'decodes/s', 'main thread, CPU 4× slower', 'decodes/s', 'frames judged code-like'], rows),
    '',
    `Nothing in view: ${pct(idle('adaptive', 1))} of the main thread (target ≤ 8 %) instead of ${pct(idle('every frame', 1))}, and ${pct(idle('adaptive', 4))} instead of ${pct(idle('every frame', 4))} with the CPU 4× slower; the playing video alone (no loop) costs ${pct(camera)}. A decode of an empty frame took ${fmt(decodeMs(1), 1)} ms (${fmt(decodeMs(4), 1)} ms throttled); the probe of a new frame (its centre's grey levels through ${probe.source === 'VideoFrame' ? 'a WebCodecs VideoFrame' : 'a canvas'}, scaled to 160×160 and judged) ${fmt(median(probe.ms[1]!), 2)} ms median, p95 ${fmt(percentile(probe.ms[1]!, 95), 2)} ms (${fmt(median(probe.ms[4]!), 2)} ms throttled).`,
    `Ticket in view: reported ${ticket.every((s) => s.codes === 1) ? 'once per measurement in both loops (held in view, it counts once)' : `${ticket.map((s) => s.codes).join(', ')} times`}. Code that does not read: the "move closer" hint came up after ${hints.length > 0 ? `${fmt(median(hints) / 1000, 1)} s (median of ${hints.length})` : 'never (not within the measurement)'}.`,
  ].join('\n');
}

export default {
  title: 'Door camera cost',
  // Next to "Door scanning" (door-decoders, order 50).
  order: 55,
  async run(ctx?: Pick<BenchContext, 'runs' | 'log'>): Promise<string> {
    const runs = ctx?.runs ?? 3;
    const log = ctx?.log ?? ((message: string) => process.stdout.write(`  ${message}\n`));
    const page = await buildAndServe(path.join(here, 'door-camera'));
    try {
      const samples: Sample[] = [];
      let probe = { ms: {} as Record<number, number[]>, source: '' };
      for (const scene of SCENES) {
        const result = await measureScene(page.url, scene, runs, log);
        samples.push(...result.samples);
        if (scene === SCENES[0]) probe = { ms: result.probeMs, source: result.probeSource };
      }
      return report(samples, probe, runs);
    } finally {
      page.close();
    }
  },
};
