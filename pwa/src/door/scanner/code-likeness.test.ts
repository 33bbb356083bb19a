import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeLikeness, type GrayImage } from './code-likeness';
import { seededRandom } from '../test/seeded-random';

/*
 * Synthetic probes of 160×160, what the scan loop cuts from the middle of a camera frame: real
 * ticket QR codes (the `qrcode` package's PNG, read with pngjs) scaled as a camera would (area
 * average, so small codes come out soft), and the things a door camera sees between guests.
 */

const SIDE = 160;
const TICKET = `https://tickets.azionelab.it/api/check-ins/preview/?token=${'Qx7_k2'.repeat(7)}A`;


/** A grey picture as luma values; `gray` turns it into what the detector reads (clamped bytes). */
const canvas = (fill: number) => new Float32Array(SIDE * SIDE).fill(fill);

const gray = (luma: Float32Array): GrayImage => ({ data: Uint8Array.from(luma, (v) => Math.max(0, Math.min(255, Math.round(v)))), width: SIDE, height: SIDE });

let qrPng: PNG;

interface QrLook {
  side: number;
  dark?: number;
  light?: number;
  /** Box blur radius in probe pixels, after scaling. */
  blur?: number;
}

/** The ticket's QR (with its white margin) scaled to `side` pixels by area average, in the middle. */
function drawQr(luma: Float32Array, look: QrLook): Float32Array {
  const { side, dark = 0, light = 255 } = look;
  const left = Math.floor((SIDE - side) / 2);
  const step = qrPng.width / side;
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      let sum = 0;
      let n = 0;
      for (let sy = Math.floor(y * step); sy < Math.floor((y + 1) * step); sy += 1) {
        for (let sx = Math.floor(x * step); sx < Math.floor((x + 1) * step); sx += 1) {
          sum += qrPng.data[(sy * qrPng.width + sx) * 4 + 1]!;
          n += 1;
        }
      }
      luma[(left + y) * SIDE + left + x] = dark + ((light - dark) * sum) / n / 255;
    }
  }
  return look.blur ? boxBlur(luma, look.blur) : luma;
}

function boxBlur(luma: Float32Array, radius: number): Float32Array {
  const out = new Float32Array(luma.length);
  for (let y = 0; y < SIDE; y += 1) {
    for (let x = 0; x < SIDE; x += 1) {
      let sum = 0;
      let n = 0;
      for (let dy = -radius; dy <= radius; dy += 1) {
        for (let dx = -radius; dx <= radius; dx += 1) {
          const sx = Math.min(SIDE - 1, Math.max(0, x + dx));
          const sy = Math.min(SIDE - 1, Math.max(0, y + dy));
          sum += luma[sy * SIDE + sx]!;
          n += 1;
        }
      }
      out[y * SIDE + x] = sum / n;
    }
  }
  return out;
}

/** Camera grain: roughly Gaussian, `sigma` grey levels. */
function grain(luma: Float32Array, sigma: number, seed = 7): Float32Array {
  const rand = seededRandom(seed);
  for (let p = 0; p < luma.length; p += 1) luma[p] = luma[p]! + (rand() + rand() + rand() + rand() - 2) * sigma * 1.73;
  return luma;
}

const qrIn = (look: QrLook, background = 90) => gray(drawQr(canvas(background), look));

const pictures: Record<string, () => GrayImage> = {
  'a blank wall': () => gray(canvas(128)),
  'a dim wall with camera grain': () => gray(grain(canvas(60), 8)),
  'a bright wall with strong grain': () => gray(grain(canvas(150), 20, 3)),
  'full-range random noise': () => {
    const rand = seededRandom(11);
    return gray(canvas(0).map(() => rand() * 255));
  },
  'a gradient': () => gray(canvas(0).map((_, p) => ((p % SIDE) + Math.floor(p / SIDE)) * 0.7 + 20)),
  'vertical stripes': () => gray(canvas(0).map((_, p) => ((p % SIDE) % 6 < 3 ? 30 : 220))),
  'text-like lines (words on a page)': () => {
    const rand = seededRandom(5);
    const luma = canvas(235);
    for (let line = 4; line + 5 < SIDE; line += 10) {
      for (let x = 2; x < SIDE - 2; ) {
        const word = 6 + Math.floor(rand() * 22);
        for (let y = line; y < line + 5; y += 1) for (let dx = 0; dx < word && x + dx < SIDE; dx += 1) luma[y * SIDE + x + dx] = 25;
        x += word + 4;
      }
    }
    return gray(grain(luma, 4));
  },
  'a face (soft shading, a few edges)': () => {
    const luma = canvas(70);
    for (let y = 0; y < SIDE; y += 1) {
      for (let x = 0; x < SIDE; x += 1) {
        const d = ((x - 80) / 55) ** 2 + ((y - 85) / 70) ** 2;
        if (d < 1) luma[y * SIDE + x] = 190 - 60 * d;
        const eye = Math.min(((x - 58) / 9) ** 2 + ((y - 70) / 5) ** 2, ((x - 102) / 9) ** 2 + ((y - 70) / 5) ** 2);
        if (eye < 1) luma[y * SIDE + x] = 40;
        if (Math.abs(y - 118) < 3 && Math.abs(x - 80) < 18) luma[y * SIDE + x] = 90;
      }
    }
    return gray(grain(boxBlur(luma, 1), 5));
  },
  'a checked shirt seen close': () => gray(grain(canvas(0).map((_, p) => (((p % SIDE) >> 4) + (Math.floor(p / SIDE) >> 4)) % 2 ? 60 : 170), 6)),
};

const codes: Record<string, () => GrayImage> = {
  'a ticket held close (3.4 px a module)': () => qrIn({ side: 152 }),
  'a ticket at arm\u2019s length (2.5 px a module)': () => qrIn({ side: 112 }),
  'a small ticket (2 px a module, soft from scaling)': () => qrIn({ side: 90 }),
  'a small, blurred ticket': () => qrIn({ side: 90, blur: 1 }),
  'a very dark, low-contrast ticket (grey 12 on 42, with grain)': () => gray(grain(drawQr(canvas(20), { side: 120, dark: 12, light: 42 }), 3)),
  'a phone screen in a dim foyer (grey 55 on 190, soft, grainy)': () => gray(grain(drawQr(canvas(70), { side: 100, dark: 55, light: 190, blur: 1 }), 10)),
};

beforeAll(async () => {
  qrPng = PNG.sync.read(await QRCode.toBuffer(TICKET, { errorCorrectionLevel: 'M', margin: 2, scale: 10 }));
});

describe('code-likeness of a camera probe', () => {
  it.each(Object.keys(codes))('sees %s', (name) => {
    expect(codeLikeness(codes[name]!()).codeLike).toBe(true);
  });

  it.each(Object.keys(pictures))('ignores %s', (name) => {
    expect(codeLikeness(pictures[name]!()).codeLike).toBe(false);
  });

  it('runs in well under a millisecond on a 160×160 probe (median)', () => {
    const images = [...Object.values(codes), ...Object.values(pictures)].map((make) => make());
    for (const image of images) codeLikeness(image);
    const times: number[] = [];
    for (let round = 0; round < 20; round += 1) {
      for (const image of images) {
        const started = performance.now();
        codeLikeness(image);
        times.push(performance.now() - started);
      }
    }
    times.sort((a, b) => a - b);
    // 0.1-0.3 ms here; the bound leaves room for a machine busy with other tests.
    expect(times[Math.floor(times.length / 2)]!).toBeLessThan(1);
  });
});
