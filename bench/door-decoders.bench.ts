import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../scripts/chromium.js';
import { buildAndServe, type BuiltPage } from './browser-page.js';
import type { BenchResult, DecoderRow } from './door-decoders/bench-page';

/*
 * Door scanning: the two QR decoders of the door app (ZXing-C++ as WASM through the
 * barcode-detector ponyfill, and ZXing's JavaScript port) on the same frames, clean and
 * degraded, in headless Chromium; and the time from a decoded code to the verdict on screen.
 *
 * The page (door-decoders/bench-page.ts) imports the app's own modules and is built by Vite
 * like the app (the WASM file served by us, as in production), then served from a local port.
 *
 *   npx tsx -e "import('./bench/door-decoders.bench.ts').then(async (m) => console.log(await m.default.run()))"
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const FRAMES_PER_CONDITION = 40;
const GUESTS = 800;
const SCANS = 200;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

const ms = (value: number) => (value >= 10 ? value.toFixed(0) : value.toFixed(1));
const pct = (row: DecoderRow) => `${Math.round((row.read / row.frames) * 100)} %`;

function report(result: BenchResult): string {
  const engines = [...new Set(result.rows.map((r) => r.decoder))];
  const conditions = [...new Set(result.rows.map((r) => r.condition))];
  const cell = (engine: string, condition: string) => result.rows.find((r) => r.decoder === engine && r.condition === condition)!;
  const totals = engines.map((engine) => {
    const rows = result.rows.filter((r) => r.decoder === engine);
    const read = rows.reduce((sum, r) => sum + r.read, 0);
    const frames = rows.reduce((sum, r) => sum + r.frames, 0);
    const degraded = rows.filter((r) => r.condition !== 'clean');
    return {
      engine,
      read: `${Math.round((read / frames) * 100)} %`,
      degraded: `${Math.round((degraded.reduce((s, r) => s + r.read, 0) / degraded.reduce((s, r) => s + r.frames, 0)) * 100)} %`,
      median: ms(percentile(rows.flatMap((r) => r.times), 50)),
      // The mean is what a live camera feels: one slow frame holds up every frame behind it.
      mean: ms(rows.flatMap((r) => r.times).reduce((a, b) => a + b, 0) / rows.reduce((n, r) => n + r.times.length, 0)),
      slowest: ms(Math.max(...rows.flatMap((r) => r.times))),
    };
  });
  const lines = [
    `Headless Chromium (${/Chrome\/[\d.]+/.exec(result.userAgent)?.[0] ?? result.userAgent}) on this machine; ${FRAMES_PER_CONDITION} frames of 640×480 per condition, each a different ticket QR (the server's URL with a 43-character token, error correction M), every decoder on the very same canvas. Native BarcodeDetector present: ${result.native ? 'yes' : 'no'} (the WASM decoder was forced for the measurement).`,
    '',
    '| decoder | read, all frames | read, degraded frames | median ms per frame | mean ms per frame | slowest frame ms | first call (start-up) ms |',
    '|---|---|---|---|---|---|---|',
    ...totals.map((t) => `| ${t.engine} | ${t.read} | ${t.degraded} | ${t.median} | ${t.mean} | ${t.slowest} | ${ms(result.startUp[t.engine] ?? NaN)} |`),
    '',
    'Per condition: read rate, then median / p95 ms per frame (a frame without a readable code costs time too).',
    '',
    `| condition | ${engines.join(' | ')} |`,
    `|---|${engines.map(() => '---').join('|')}|`,
    ...conditions.map(
      (condition) =>
        `| ${condition.replace('_', ' ')} | ${engines
          .map((engine) => {
            const row = cell(engine, condition);
            return `${pct(row)} · ${ms(percentile(row.times, 50))} / ${ms(percentile(row.times, 95))}`;
          })
          .join(' | ')} |`,
    ),
    '',
    'Conditions: clean (300 px code), small (105 px), low contrast (grey 105 on 150), blur (2.2 px Gaussian), noise (±55 grain), rotated (27°), phone-like (170 px, 12°, dim, soft and grainy).',
    '',
    `Decode → verdict on screen, through the app's check-in (SHA-256 of the token, IndexedDB lookup among ${GUESTS} guests, guest name unsealed with AES-GCM, the shared decision, and for an admission the IndexedDB write of the ticket and its outbox event), ${SCANS} scans each:`,
    '',
    '| verdict | median ms | p95 ms | max ms |',
    '|---|---|---|---|',
    `| admit (writes the outbox) | ${ms(percentile(result.verdicts.admit, 50))} | ${ms(percentile(result.verdicts.admit, 95))} | ${ms(Math.max(...result.verdicts.admit))} |`,
    `| already admitted (read only) | ${ms(percentile(result.verdicts.repeat, 50))} | ${ms(percentile(result.verdicts.repeat, 95))} | ${ms(Math.max(...result.verdicts.repeat))} |`,
  ];
  return lines.join('\n');
}

export default {
  title: 'Door scanning',
  async run(): Promise<string> {
    let page: BuiltPage | undefined;
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_FLAGS,
    });
    try {
      page = await buildAndServe(path.join(here, 'door-decoders'));
      const tab = await browser.newPage();
      await tab.goto(page.url);
      await tab.waitForFunction(() => 'doorBench' in window);
      const result = await tab.evaluate(
        (options) => (window as unknown as { doorBench: (o: typeof options) => Promise<BenchResult> }).doorBench(options),
        { perCondition: FRAMES_PER_CONDITION, guests: GUESTS, scans: SCANS },
      );
      return report(result);
    } finally {
      await browser.close();
      page?.close();
    }
  },
};
