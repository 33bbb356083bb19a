import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { QrDecoder } from './decoder-names';

/*
 * The browser's own Barcode Detection API where it has one that reads QR codes (Android,
 * macOS), otherwise ZXing-C++ compiled to WASM, through zxing-wasm's reader with options for
 * one QR code per frame. (The `barcode-detector` ponyfill runs the same WASM with fixed options
 * that search on for more codes: seconds on a blurred frame. docs/adr/0004-qr-decoder.md.)
 * The WASM file is ours, built into /assets/ and precached: the library would fetch it from a
 * CDN, which the CSP refuses and which is not there offline.
 */

/** One object for the whole app: the module is reused while the overrides stay the same object. */
export const zxingOverrides = {
  // Typed by hand: the Emscripten types are not part of this project's type set.
  locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path),
};
prepareZXingModule({ overrides: zxingOverrides, fireImmediately: false });

/** A ticket is one QR code: stop at the first, and do not look for other formats. */
export const DOOR_READER_OPTIONS: ReaderOptions = {
  formats: ['QRCode'],
  maxNumberOfSymbols: 1,
  tryHarder: true,
  tryRotate: true,
  tryInvert: false,
  tryDownscale: true,
};

interface Detector {
  detect(image: HTMLCanvasElement): Promise<{ rawValue: string }[]>;
}

interface DetectorClass {
  new (options: { formats: string[] }): Detector;
  getSupportedFormats(): Promise<readonly string[]>;
}

async function nativeDetector(): Promise<Detector | undefined> {
  const native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (!native) return undefined;
  try {
    return (await native.getSupportedFormats()).includes('qr_code') ? new native({ formats: ['qr_code'] }) : undefined;
  } catch {
    return undefined;
  }
}

function readerDetector(options: ReaderOptions): Detector {
  return {
    async detect(canvas) {
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context) return [];
      const results = await readBarcodes(context.getImageData(0, 0, canvas.width, canvas.height), options);
      return results.filter((r) => r.isValid).map((r) => ({ rawValue: r.text }));
    },
  };
}

export async function createZxingWasmDecoder(options: { allowNative?: boolean; readerOptions?: ReaderOptions } = {}): Promise<QrDecoder> {
  const native = options.allowNative === false ? undefined : await nativeDetector();
  if (native) return { name: 'zxing-wasm', engine: 'native BarcodeDetector', decode: async (frame) => (await native.detect(frame)).map((c) => c.rawValue) };
  // Start the WASM now: the first frame should not wait for it.
  await prepareZXingModule({ overrides: zxingOverrides, fireImmediately: true });
  const detector = readerDetector(options.readerOptions ?? DOOR_READER_OPTIONS);
  return {
    name: 'zxing-wasm',
    engine: 'zxing-wasm',
    async decode(frame) {
      return (await detector.detect(frame)).map((code) => code.rawValue);
    },
  };
}
