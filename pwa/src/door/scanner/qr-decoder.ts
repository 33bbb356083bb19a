import type { DecoderName } from './decoder-names';

/*
 * The two QR decoders behind one small interface, each loaded only when chosen (both are in the
 * offline cache). docs/adr/0004-qr-decoder.md says why both exist and which is the default;
 * docs/benchmarks.md has the measurements.
 */

export interface QrDecoder {
  readonly name: DecoderName;
  /** What actually decodes: "zxing-wasm", "native BarcodeDetector", "zxing-js". */
  readonly engine: string;
  /** The texts of the QR codes in the frame; empty when there is none. */
  decode(frame: HTMLCanvasElement): Promise<string[]>;
}

export async function loadDecoder(name: DecoderName): Promise<QrDecoder> {
  if (name === 'zxing-js') return (await import('./zxing-js-decoder')).createZxingJsDecoder();
  return (await import('./zxing-wasm-decoder')).createZxingWasmDecoder();
}
