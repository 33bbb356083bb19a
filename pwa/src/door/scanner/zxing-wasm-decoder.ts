import { BarcodeDetector as ZxingBarcodeDetector, prepareZXingModule } from 'barcode-detector/ponyfill';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { QrDecoder } from './qr-decoder';

/*
 * The Barcode Detection API: the browser's own where it has one that reads QR codes (Android,
 * macOS), otherwise the ponyfill running ZXing-C++ compiled to WASM. The WASM file is ours,
 * built into /assets/ and precached: the ponyfill would fetch it from a CDN, which the CSP
 * refuses and which is not there offline.
 */
// One object for the whole app: the module is reused while the overrides stay the same object.
// (Typed by hand: the Emscripten types are not part of this project's type set.)
const overrides = { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) };
prepareZXingModule({ overrides, fireImmediately: false });

interface Detector {
  detect(image: HTMLCanvasElement): Promise<{ rawValue: string }[]>;
}

interface DetectorClass {
  new (options: { formats: string[] }): Detector;
  getSupportedFormats(): Promise<readonly string[]>;
}

async function nativeDetector(): Promise<Detector | undefined> {
  const native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  // The polyfill may have been installed globally by someone else: that is not native.
  if (!native || native === (ZxingBarcodeDetector as unknown)) return undefined;
  try {
    return (await native.getSupportedFormats()).includes('qr_code') ? new native({ formats: ['qr_code'] }) : undefined;
  } catch {
    return undefined;
  }
}

export async function createZxingWasmDecoder(options: { allowNative?: boolean } = {}): Promise<QrDecoder> {
  const native = options.allowNative === false ? undefined : await nativeDetector();
  let detector: Detector;
  if (native) {
    detector = native;
  } else {
    // Start the WASM now: the first frame should not wait for it.
    await prepareZXingModule({ overrides, fireImmediately: true });
    detector = new ZxingBarcodeDetector({ formats: ['qr_code'] });
  }
  return {
    name: 'zxing-wasm',
    engine: native ? 'native BarcodeDetector' : 'zxing-wasm',
    async decode(frame) {
      return (await detector.detect(frame)).map((code) => code.rawValue);
    },
  };
}
