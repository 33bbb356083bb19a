/*
 * Draws the door app's home-screen icons (committed in pwa/door/icons/; run again only to change
 * them): the brand's red tile with the white doorway of the favicon, and a green tick for
 * "checked in". Plain PNGs drawn pixel by pixel with 4×4 supersampling, so no image tools or
 * fonts are needed.
 *
 *   npx tsx pwa/scripts/make-door-icons.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

type Rgba = readonly [number, number, number, number];
/** A shape in the favicon's 32×32 coordinates: is the point inside? */
type Shape = (x: number, y: number) => boolean;

const RED: Rgba = [0xb3, 0x26, 0x1e, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const GREEN: Rgba = [0x2c, 0x7a, 0x3f, 255];

const roundedSquare = (radius: number): Shape => (x, y) => {
  const dx = Math.max(radius - x, 0, x - (32 - radius));
  const dy = Math.max(radius - y, 0, y - (32 - radius));
  return x >= 0 && x <= 32 && y >= 0 && y <= 32 && dx * dx + dy * dy <= radius * radius;
};
const everywhere: Shape = () => true;
// The favicon's path "M11 25V13a5 5 0 0 1 10 0v12z": a doorway.
const doorway: Shape = (x, y) => x >= 11 && x <= 21 && y <= 25 && (y >= 13 || (x - 16) ** 2 + (y - 13) ** 2 <= 25);
const badge: Shape = (x, y) => (x - 22.5) ** 2 + (y - 22.5) ** 2 <= 5.6 ** 2;
const badgeRing: Shape = (x, y) => (x - 22.5) ** 2 + (y - 22.5) ** 2 <= 6.6 ** 2;

function nearSegment(x: number, y: number, a: [number, number], b: [number, number], width: number): boolean {
  const [ax, ay] = a;
  const [bx, by] = b;
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return (x - ax - t * (bx - ax)) ** 2 + (y - ay - t * (by - ay)) ** 2 <= (width / 2) ** 2;
}
const tick: Shape = (x, y) => nearSegment(x, y, [19.9, 22.7], [21.9, 24.7], 1.6) || nearSegment(x, y, [21.9, 24.7], [25.3, 20.5], 1.6);

/** Layers from the bottom up; `scale` shrinks the drawing around the centre (maskable safe zone). */
function draw(size: number, background: Shape, scale: number): PNG {
  const png = new PNG({ width: size, height: size });
  const layers: [Shape, Rgba][] = [
    [background, RED],
    [doorway, WHITE],
    [badgeRing, RED],
    [badge, GREEN],
    [tick, WHITE],
  ];
  const samples = 4;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const u = ((px + (sx + 0.5) / samples) / size) * 32;
          const v = ((py + (sy + 0.5) / samples) / size) * 32;
          // The background is never scaled; the doorway and the tick are, and moved so that
          // together (the badge sits off to the bottom right) they are centred.
          const x = 16 + (u - 16) / scale + 2.5;
          const y = 16 + (v - 16) / scale + 2;
          let colour: Rgba = [0, 0, 0, 0];
          for (const [shape, fill] of layers) {
            const inside = shape === background ? shape(u, v) : background(u, v) && shape(x, y);
            if (inside) colour = fill;
          }
          for (let i = 0; i < 4; i += 1) sum[i]! += colour[i]! * (i === 3 ? 1 : colour[3] / 255);
        }
      }
      const n = samples * samples;
      const alpha = sum[3]! / n;
      const offset = (py * size + px) * 4;
      for (let i = 0; i < 3; i += 1) png.data[offset + i] = alpha > 0 ? Math.round(sum[i]! / n / (alpha / 255)) : 0;
      png.data[offset + 3] = Math.round(alpha);
    }
  }
  return png;
}

const out = (name: string) => fileURLToPath(new URL(`../door/icons/${name}`, import.meta.url));
for (const size of [192, 512]) writeFileSync(out(`door-${size}.png`), PNG.sync.write(draw(size, roundedSquare(7), 1)));
// Maskable: the platform cuts its own shape out of a full-bleed square; keep the drawing within
// the central 80 % circle.
writeFileSync(out('door-maskable-512.png'), PNG.sync.write(draw(512, everywhere, 0.72)));
writeFileSync(out('apple-touch-icon-180.png'), PNG.sync.write(draw(180, everywhere, 0.85)));
console.log('icons written to pwa/door/icons/');
