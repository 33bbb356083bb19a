import type { LatencySeries } from './bench-kit.js';

/*
 * The latency chart of docs/benchmarks.md: one row per measurement, three bars (p50, p90,
 * p99) on a logarithmic millisecond axis, as a standalone SVG with its own text (no library,
 * readable on GitHub and in an editor).
 */

const COLORS = { p50: '#2f6f4f', p90: '#d08c2b', p99: '#b8403a' } as const;
const LABEL_WIDTH = 300;
const PLOT_WIDTH = 520;
const ROW_HEIGHT = 46;
const TOP = 74;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Grid lines at 1, 2 and 5 of each decade; only the decades are labelled (they would crowd). */
function ticks(maxMs: number): { ms: number; label: string | null }[] {
  const out: { ms: number; label: string | null }[] = [];
  for (let decade = 0.1; decade <= maxMs * 1.0001; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const ms = Number((decade * m).toPrecision(2));
      if (ms <= maxMs * 1.0001) out.push({ ms, label: m === 1 ? (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`) : null });
    }
  }
  return out;
}

// autocannon counts whole milliseconds: 0 means under one.
const valueLabel = (ms: number) => (ms === 0 ? '&lt; 1' : ms >= 10 ? String(Math.round(ms)) : ms.toFixed(1));

export function latencyChartSvg(series: LatencySeries[]): string {
  const maxMs = Math.max(1, ...series.map((s) => s.p99));
  const top = 10 ** Math.ceil(Math.log10(maxMs));
  const bottom = 0.1;
  const x = (ms: number) => LABEL_WIDTH + (Math.log10(Math.max(bottom, ms) / bottom) / Math.log10(top / bottom)) * PLOT_WIDTH;
  const height = TOP + series.length * ROW_HEIGHT + 40;
  const width = LABEL_WIDTH + PLOT_WIDTH + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="bold" fill="#222">Latency percentiles (log scale)</text>`,
  ];
  (['p50', 'p90', 'p99'] as const).forEach((key, i) => {
    const lx = 16 + i * 70;
    parts.push(`<rect x="${lx}" y="38" width="12" height="12" fill="${COLORS[key]}"/>`, `<text x="${lx + 18}" y="48" fill="#222">${key}</text>`);
  });
  for (const tick of ticks(top)) {
    const tx = x(tick.ms).toFixed(1);
    parts.push(`<line x1="${tx}" y1="${TOP - 8}" x2="${tx}" y2="${TOP + series.length * ROW_HEIGHT}" stroke="${tick.label ? '#cfcfcf' : '#ececec'}"/>`);
    if (tick.label) parts.push(`<text x="${tx}" y="${TOP + series.length * ROW_HEIGHT + 16}" text-anchor="middle" fill="#555">${tick.label}</text>`);
  }
  series.forEach((s, row) => {
    const y = TOP + row * ROW_HEIGHT;
    parts.push(`<text x="${LABEL_WIDTH - 10}" y="${y + 22}" text-anchor="end" fill="#222">${escape(s.label)}</text>`);
    (['p50', 'p90', 'p99'] as const).forEach((key, i) => {
      const barY = y + 6 + i * 12;
      const end = x(s[key]);
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${barY}" width="${Math.max(1, end - LABEL_WIDTH).toFixed(1)}" height="10" fill="${COLORS[key]}"/>`,
        `<text x="${(end + 4).toFixed(1)}" y="${barY + 9}" font-size="10" fill="#333">${valueLabel(s[key])}</text>`,
      );
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
