import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { qrPng, qrPngDataUrl } from './qr-png.js';

function decode(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

describe('QR PNG', () => {
  it('is a valid PNG that decodes to the text, for check-in URLs of every token shape', () => {
    for (const token of ['A'.repeat(43), '-Pbt6Sgh7bGirg_KZzjT6V0ExKGogWCH6537FGtBp2c', 'z_9-'.repeat(10) + 'abc']) {
      const url = `https://tickets.azionelab.example/api/check-ins/preview/?token=${token}`;
      expect(decode(qrPng(url))).toBe(url);
    }
  });

  it('has the requested size and a white quiet zone', () => {
    const png = PNG.sync.read(qrPng('hello', { scale: 4, margin: 2 }));
    // Version 1 (21 modules) + 2 × 2 margin = 25 modules of 4 pixels.
    expect(png.width).toBe(100);
    expect(png.height).toBe(100);
    expect([...png.data.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
    // The finder pattern's corner starts right after the margin.
    const at = (x: number, y: number) => png.data[(y * png.width + x) * 4];
    expect(at(8, 8)).toBe(0);
    expect(at(7, 7)).toBe(255);
  });

  it('makes a data URL like the API promises', () => {
    expect(qrPngDataUrl('x')).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
  });
});
