import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';

/*
 * QR codes as PNG, drawn here instead of by `qrcode`'s PNG renderer. That renderer paints a
 * 320×320 RGBA bitmap pixel by pixel and compresses it in JavaScript (about 8 ms a code on our
 * machines); every confirmation renders one for its answer while the event loop waits, which
 * capped confirmations per second. A QR code is black and white: a 1-bit greyscale PNG, one row
 * of bits per pixel row, compressed by zlib's native code, is the same picture in a fraction
 * of the time (see the confirmation benchmark in docs/benchmarks.md).
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(data.length, 0);
  header.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([header.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([header, data, crc]);
}

export interface QrPngOptions {
  /** Pixels per module. */
  scale?: number;
  /** Quiet zone around the code, in modules (the standard asks for 4; 2 reads fine on screens). */
  margin?: number;
}

/** The PNG of a QR code (error correction M) for `text`. */
export function qrPng(text: string, options: QrPngOptions = {}): Buffer {
  const scale = options.scale ?? 8;
  const margin = options.margin ?? 2;
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const modulesWide = modules.size + 2 * margin;
  const side = modulesWide * scale;
  const rowBytes = Math.ceil(side / 8);
  // Each row: a filter byte (0, none), then 1 bit per pixel, 1 = white.
  const raw = Buffer.alloc((rowBytes + 1) * side, 0);
  const stride = rowBytes + 1;
  for (let y = 0; y < side; y += 1) {
    const row = raw.subarray(y * stride + 1, (y + 1) * stride);
    // The pixel rows of one module row are the same: draw the first, copy the others.
    if (y % scale !== 0) {
      raw.copy(row, 0, (y - 1) * stride + 1, y * stride);
      continue;
    }
    const moduleY = y / scale - margin;
    for (let x = 0; x < side; x += 1) {
      const moduleX = Math.floor(x / scale) - margin;
      const inside = moduleX >= 0 && moduleY >= 0 && moduleX < modules.size && moduleY < modules.size;
      const dark = inside && modules.get(moduleY, moduleX) === 1;
      if (!dark) row[x >> 3] = (row[x >> 3] ?? 0) | (0x80 >> (x & 7));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** The same, as a `data:image/png;base64,` URL (the API's `qr_code_image`). */
export function qrPngDataUrl(text: string, options?: QrPngOptions): string {
  return `data:image/png;base64,${qrPng(text, options).toString('base64')}`;
}
