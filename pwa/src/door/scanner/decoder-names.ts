/*
 * The names of the two QR decoders and the interface both implement, apart from their loaders:
 * the stores and settings need the names, and must not pull the decoders (and their WASM) into
 * everything that imports them.
 * docs/adr/0004-qr-decoder.md says why both exist and which is the default.
 */

export const DECODER_NAMES = ['zxing-wasm', 'zxing-js'] as const;
export type DecoderName = (typeof DECODER_NAMES)[number];

/** Chosen by the benchmark: more codes read on degraded frames, in less time (see the ADR). */
export const DEFAULT_DECODER: DecoderName = 'zxing-wasm';

export function isDecoderName(value: unknown): value is DecoderName {
  return DECODER_NAMES.includes(value as DecoderName);
}

export interface QrDecoder {
  readonly name: DecoderName;
  /** What actually decodes: "zxing-wasm", "native BarcodeDetector", "zxing-js". */
  readonly engine: string;
  /** The texts of the QR codes in the frame; empty when there is none. */
  decode(frame: HTMLCanvasElement): Promise<string[]>;
}
