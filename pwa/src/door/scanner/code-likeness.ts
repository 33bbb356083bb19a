/*
 * "Is there something like a QR code in the middle of the picture?", asked of every camera
 * frame so that the scan loop runs the decoder (milliseconds a frame) only when it may pay
 * off, and can tell staff when a code is in view but does not read. A cheap guess on a small
 * grayscale probe (frame-probe.ts cuts 160×160 pixels from the frame's centre), never the
 * verdict: a code it misses is still decoded at the idle rate, a false alarm only costs
 * battery.
 *
 * What a QR looks like, down to about 2 probe pixels a module, cell by cell (8×8 pixels):
 * - contrast: the pixels spread away from the cell's mean (a blank wall does not);
 * - alternation in BOTH directions, more than once per row or column: dark and light flip
 *   along rows and along columns (stripes flip one way, a single edge once, shading never);
 * - neighbours alike: the step from pixel to pixel is small against the spread, because a
 *   module spans pixels (camera grain and other pixel-sized noise change at every pixel);
 * and in 3×3-cell windows: most cells like that, with as many flips across as down (lines of
 * text have more one way in most windows). A code is a patch of several such windows.
 * The thresholds come from code-likeness.test.ts's synthetic pictures.
 */

/** Grey levels, one byte a pixel, row after row. */
export interface GrayImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface CodeLikeness {
  codeLike: boolean;
  /** 8×8 cells that look like module texture. */
  texturedCells: number;
  /** 3×3-cell windows mostly of such cells, as busy across as down; compared with MIN_DENSE_WINDOWS. */
  denseWindows: number;
}

const CELL = 8;
/** Mean absolute deviation of a cell, grey levels: a code on a dim screen (12 on 42) has ~14. */
const MIN_SPREAD = 7;
/** Dark/light flips per direction in a cell (8 rows or columns): a 3-pixel module gives ~10. */
const MIN_FLIPS = 3;
/** Mean step between neighbours over twice the spread: 0.5/module size for a code, ~0.7 for grain. */
const MAX_STEP = 0.42;
/** Rows and columns of a cell that flip at least twice: none where a single edge crosses. */
const MIN_TWICE = 2;
/** Textured cells in a 3×3 window for it to count as dense. */
const MIN_WINDOW_CELLS = 6;
/** Flips one way over flips the other, summed over a window: near 1 for a code. */
const MIN_BALANCE = 0.7;
/** Dense windows in the probe: four overlap on about 32×32 pixels, the least a readable code covers. */
const MIN_DENSE_WINDOWS = 4;

// Scratch space, kept between calls: the loop calls this on every frame.
let flipsAcross = new Uint16Array(0);
let flipsDown = new Uint16Array(0);
let textured = new Uint8Array(0);

/** A fraction of a millisecond on a 160×160 probe (measured in code-likeness.test.ts). */
export function codeLikeness(image: GrayImage): CodeLikeness {
  const { width, height, data: g } = image;
  const columns = Math.floor(width / CELL);
  const rows = Math.floor(height / CELL);
  const cells = columns * rows;
  if (textured.length < cells) {
    flipsAcross = new Uint16Array(cells);
    flipsDown = new Uint16Array(cells);
    textured = new Uint8Array(cells);
  }

  let count = 0;
  for (let cell = 0; cell < cells; cell += 1) {
    const cx = cell % columns;
    const is = measureCell(g, cell, cx * CELL, ((cell - cx) / columns) * CELL, width);
    textured[cell] = is ? 1 : 0;
    if (is) count += 1;
  }
  const dense = count < MIN_WINDOW_CELLS ? 0 : denseWindows(columns, rows);
  return { codeLike: dense >= MIN_DENSE_WINDOWS, texturedCells: count, denseWindows: dense };
}

function measureCell(g: Uint8Array, cell: number, left: number, top: number, width: number): boolean {
  let sum = 0;
  for (let y = top; y < top + CELL; y += 1) for (let p = y * width + left, end = p + CELL; p < end; p += 1) sum += g[p]!;
  const mean = sum / (CELL * CELL);
  let spread = 0;
  for (let y = top; y < top + CELL; y += 1) {
    for (let p = y * width + left, end = p + CELL; p < end; p += 1) spread += g[p]! > mean ? g[p]! - mean : mean - g[p]!;
  }
  spread /= CELL * CELL;
  // Most cells of a picture without a code end here.
  if (spread < MIN_SPREAD) return false;
  let stepAcross = 0;
  let stepDown = 0;
  for (let y = top; y < top + CELL; y += 1) {
    for (let p = y * width + left, end = p + CELL - 1; p < end; p += 1) stepAcross += Math.abs(g[p + 1]! - g[p]!);
  }
  for (let y = top; y < top + CELL - 1; y += 1) {
    for (let p = y * width + left, end = p + CELL; p < end; p += 1) stepDown += Math.abs(g[p + width]! - g[p]!);
  }
  const pairs = CELL * (CELL - 1);
  const limit = MAX_STEP * 2 * spread * pairs;
  if (stepAcross > limit || stepDown > limit) return false;

  // Hysteresis: a pixel counts as dark or light only clearly beyond the mean, so grain on a
  // flat patch does not flip.
  const low = mean - spread / 2;
  const high = mean + spread / 2;
  let across = 0;
  let down = 0;
  // Rows or columns that flip twice or more: one edge through the cell, however curved, flips once.
  let twice = 0;
  for (let y = top; y < top + CELL; y += 1) {
    let side = 0;
    let flips = 0;
    for (let p = y * width + left, end = p + CELL; p < end; p += 1) {
      const v = g[p]!;
      const now = v < low ? 1 : v > high ? 2 : 0;
      if (now === 0) continue;
      if (side !== 0 && now !== side) flips += 1;
      side = now;
    }
    across += flips;
    if (flips >= 2) twice += 1;
  }
  for (let x = left; x < left + CELL; x += 1) {
    let side = 0;
    let flips = 0;
    for (let p = top * width + x, end = p + CELL * width; p < end; p += width) {
      const v = g[p]!;
      const now = v < low ? 1 : v > high ? 2 : 0;
      if (now === 0) continue;
      if (side !== 0 && now !== side) flips += 1;
      side = now;
    }
    down += flips;
    if (flips >= 2) twice += 1;
  }
  flipsAcross[cell] = across;
  flipsDown[cell] = down;
  return across >= MIN_FLIPS && down >= MIN_FLIPS && twice >= MIN_TWICE;
}

/**
 * Windows of 3×3 cells (24×24 probe pixels) where at least six cells are textured and flips
 * across and down balance: a code of 2 pixels a module gives dozens, a soft or dim one about
 * ten, a page of text two or three (its lines flip far more one way in most places).
 */
function denseWindows(columns: number, rows: number): number {
  const [isTextured, flippedAcross, flippedDown] = [textured, flipsAcross, flipsDown];
  let found = 0;
  for (let y0 = 0; y0 + 3 <= rows; y0 += 1) {
    for (let x0 = 0; x0 + 3 <= columns; x0 += 1) {
      let cells = 0;
      let across = 0;
      let down = 0;
      for (let y = y0; y < y0 + 3; y += 1) {
        for (let cell = y * columns + x0, end = cell + 3; cell < end; cell += 1) {
          if (isTextured[cell] === 0) continue;
          cells += 1;
          across += flippedAcross[cell]!;
          down += flippedDown[cell]!;
        }
      }
      if (cells >= MIN_WINDOW_CELLS && Math.min(across, down) >= MIN_BALANCE * Math.max(across, down)) found += 1;
    }
  }
  return found;
}
