/// <reference types="vite/client" />
import QRCode from 'qrcode';
import { sealGuest } from '../../shared/src/guest-seal';
import { MANIFEST_VERSION, sha256Hex, type ManifestEntry } from '../../shared/src/manifest';
import { checkIn, type CheckInServices } from '../../pwa/src/door/check-in/door-check-in';
import { readTicketInput } from '../../pwa/src/door/check-in/ticket-input';
import { DoorDb } from '../../pwa/src/door/data/door-db';
import { applyFullManifest } from '../../pwa/src/door/data/manifest-store';
import type { QrDecoder } from '../../pwa/src/door/scanner/decoder-names';
import { createZxingJsDecoder } from '../../pwa/src/door/scanner/zxing-js-decoder';
import { createZxingWasmDecoder, zxingOverrides } from '../../pwa/src/door/scanner/zxing-wasm-decoder';
import { BarcodeDetector, prepareZXingModule } from 'barcode-detector/ponyfill';
import { seededRandom } from '../../pwa/src/door/test/seeded-random';

/*
 * Runs inside Chromium (built by Vite and served by bench/door-decoders.bench.ts). Draws ticket
 * QR codes into camera-sized frames, degrades them, and times the door app's own decoder
 * modules on the very same canvases; then times scan → verdict through the app's check-in
 * (hash, IndexedDB lookup, guest seal, shared decision, outbox write).
 */

export type Condition = 'clean' | 'small' | 'low_contrast' | 'blur' | 'noise' | 'rotated' | 'phone_like';

const WIDTH = 640;
const HEIGHT = 480;


const token = (rand: () => number) =>
  Array.from({ length: 43 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[Math.floor(rand() * 64)]).join('');

const ticketUrl = (t: string) => `https://tickets.azionelab.it/api/check-ins/preview/?token=${t}`;

interface Look {
  side: number;
  angle: number;
  dark: number;
  light: number;
  blurPx: number;
  noise: number;
}

const LOOKS: Record<Condition, Look> = {
  clean: { side: 300, angle: 0, dark: 0, light: 255, blurPx: 0, noise: 0 },
  small: { side: 105, angle: 0, dark: 0, light: 255, blurPx: 0, noise: 0 },
  low_contrast: { side: 260, angle: 0, dark: 105, light: 150, blurPx: 0, noise: 0 },
  blur: { side: 260, angle: 0, dark: 0, light: 255, blurPx: 2.2, noise: 0 },
  noise: { side: 260, angle: 0, dark: 0, light: 255, blurPx: 0, noise: 55 },
  rotated: { side: 240, angle: 27, dark: 0, light: 255, blurPx: 0, noise: 0 },
  // A phone screen held at the door: a little small, tilted, soft, grainy and dim.
  phone_like: { side: 170, angle: 12, dark: 55, light: 190, blurPx: 1.2, noise: 25 },
};

function drawFrame(canvas: HTMLCanvasElement, text: string, look: Look, rand: () => number): void {
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.filter = 'none';
  context.setTransform(1, 0, 0, 1, 0, 0);
  // A foyer behind the phone: not white.
  context.fillStyle = 'rgb(90, 80, 75)';
  context.fillRect(0, 0, WIDTH, HEIGHT);
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const margin = 2;
  const cell = look.side / (size + 2 * margin);
  context.filter = look.blurPx > 0 ? `blur(${look.blurPx}px)` : 'none';
  context.translate(WIDTH / 2 + (rand() - 0.5) * 60, HEIGHT / 2 + (rand() - 0.5) * 40);
  context.rotate((look.angle * Math.PI) / 180);
  context.fillStyle = `rgb(${look.light}, ${look.light}, ${look.light})`;
  context.fillRect(-look.side / 2, -look.side / 2, look.side, look.side);
  context.fillStyle = `rgb(${look.dark}, ${look.dark}, ${look.dark})`;
  const start = -look.side / 2 + margin * cell;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      // Slightly overlapping cells: no hairline seams between modules when rotated.
      if (qr.modules.get(y, x)) context.fillRect(start + x * cell, start + y * cell, cell + 0.6, cell + 0.6);
    }
  }
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.filter = 'none';
  if (look.noise > 0) {
    const image = context.getImageData(0, 0, WIDTH, HEIGHT);
    for (let i = 0; i < image.data.length; i += 4) {
      const n = (rand() + rand() + rand() - 1.5) * look.noise;
      for (let c = 0; c < 3; c += 1) image.data[i + c] = Math.max(0, Math.min(255, image.data[i + c]! + n));
    }
    context.putImageData(image, 0, 0);
  }
}

export interface DecoderRow {
  decoder: string;
  condition: Condition;
  frames: number;
  read: number;
  times: number[];
}

async function timeDecoders(decoders: QrDecoder[], perCondition: number): Promise<DecoderRow[]> {
  const canvas = document.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  const rows: DecoderRow[] = [];
  for (const condition of Object.keys(LOOKS) as Condition[]) {
    const rand = seededRandom(condition.length * 7919);
    const byDecoder = decoders.map((d) => ({ decoder: d.engine, condition, frames: 0, read: 0, times: [] as number[] }));
    for (let i = 0; i < perCondition; i += 1) {
      const text = ticketUrl(token(rand));
      drawFrame(canvas, text, LOOKS[condition], rand);
      for (const [j, decoder] of decoders.entries()) {
        const started = performance.now();
        const texts = await decoder.decode(canvas);
        const row = byDecoder[j]!;
        row.times.push(performance.now() - started);
        row.frames += 1;
        if (texts.includes(text)) row.read += 1;
      }
    }
    rows.push(...byDecoder);
  }
  return rows;
}

/** The standard Barcode Detection API as the ponyfill gives it, on the same WASM file. */
async function ponyfillDecoder(): Promise<QrDecoder> {
  await prepareZXingModule({ overrides: zxingOverrides, fireImmediately: true });
  const detector = new BarcodeDetector({ formats: ['qr_code'] });
  return {
    name: 'zxing-wasm',
    engine: 'zxing-wasm (BarcodeDetector ponyfill)',
    decode: async (frame) => (await detector.detect(frame)).map((code) => code.rawValue),
  };
}

async function startUp(create: () => Promise<QrDecoder> | QrDecoder): Promise<{ decoder: QrDecoder; ms: number }> {
  const canvas = document.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  drawFrame(canvas, ticketUrl('x'.repeat(43)), LOOKS.clean, seededRandom(1));
  const started = performance.now();
  const decoder = await create();
  await decoder.decode(canvas);
  return { decoder, ms: performance.now() - started };
}

/** Scan → verdict on a list of `guests` tickets: first scans (admit), then repeats (already admitted). */
async function timeVerdicts(guests: number, scans: number): Promise<{ admit: number[]; repeat: number[] }> {
  const db = new DoorDb(`door-bench-${Date.now()}`);
  const rand = seededRandom(42);
  const tokens = Array.from({ length: guests }, () => token(rand));
  const entries: ManifestEntry[] = await Promise.all(
    tokens.map(async (t, i) => ({ r: i + 1, h: await sha256Hex(t), n: 1 + (i % 4), k: await sha256Hex(`CODE${i}`), c: null, g: await sealGuest(t, { name: `Guest ${i}`, code: `CODE${i}` }) })),
  );
  const now = Date.now();
  await applyFullManifest(
    db,
    {
      v: MANIFEST_VERSION,
      type: 'full',
      performance: { id: 1, show_title: 'Bench', venue_name: 'Sala', starts_at: new Date(now + 3_600_000).toISOString(), opens_before_ms: 3 * 3_600_000, closes_after_ms: 6 * 3_600_000 },
      seq: 1,
      generated_at: new Date(now).toISOString(),
      expires_at: new Date(now + 7 * 3_600_000).toISOString(),
      entries,
    },
    { keyId: 'bench', signature: 'bench' },
  );
  const scanning = (await db.manifests.get(1))!;
  const device = { id: crypto.randomUUID(), name: 'Bench', created_at: new Date(now).toISOString() };
  const offline: CheckInServices = { confirm: async () => ({ kind: 'no_answer' }), refreshManifest: async () => {}, queued: () => {} };
  const context = { db, scanning, device, staffName: 'Bench', clockOffsetMs: 0, online: false };
  const admit: number[] = [];
  const repeat: number[] = [];
  for (let i = 0; i < scans; i += 1) {
    const started = performance.now();
    const { verdict } = await checkIn(readTicketInput(ticketUrl(tokens[i]!)), context, offline, started);
    if (verdict.kind !== 'admit') throw new Error(`expected admit, got ${verdict.kind}`);
    admit.push(verdict.elapsedMs);
  }
  for (let i = 0; i < scans; i += 1) {
    const started = performance.now();
    const { verdict } = await checkIn(readTicketInput(ticketUrl(tokens[i]!)), context, offline, started);
    if (verdict.kind !== 'already_admitted') throw new Error(`expected already_admitted, got ${verdict.kind}`);
    repeat.push(verdict.elapsedMs);
  }
  db.close();
  return { admit, repeat };
}

async function run(options: { perCondition: number; guests: number; scans: number }) {
  const ponyfill = await startUp(ponyfillDecoder);
  const wasm = await startUp(() => createZxingWasmDecoder({ allowNative: false }));
  const js = await startUp(() => createZxingJsDecoder());
  const jsHarder = await startUp(() => createZxingJsDecoder({ tryHarder: true }));
  const native = 'BarcodeDetector' in globalThis;
  const rows = await timeDecoders([ponyfill.decoder, wasm.decoder, js.decoder, jsHarder.decoder], options.perCondition);
  const verdicts = await timeVerdicts(options.guests, options.scans);
  return {
    userAgent: navigator.userAgent,
    native,
    startUp: { [ponyfill.decoder.engine]: ponyfill.ms, [wasm.decoder.engine]: wasm.ms, [js.decoder.engine]: js.ms, [jsHarder.decoder.engine]: jsHarder.ms },
    rows,
    verdicts,
  };
}

export type BenchResult = Awaited<ReturnType<typeof run>>;

(window as unknown as { doorBench: typeof run }).doorBench = run;
