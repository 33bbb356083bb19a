import { BrowserQRCodeReader } from '@zxing/browser';
import { ChecksumException, DecodeHintType, FormatException, NotFoundException } from '@zxing/library';
import type { QrDecoder } from './decoder-names';

/** ZXing's JavaScript port: no WASM, synchronous, QR only. */
export function createZxingJsDecoder(options: { tryHarder?: boolean } = {}): QrDecoder {
  const hints = new Map<DecodeHintType, unknown>();
  if (options.tryHarder) hints.set(DecodeHintType.TRY_HARDER, true);
  const reader = new BrowserQRCodeReader(hints);
  return {
    name: 'zxing-js',
    engine: options.tryHarder ? 'zxing-js (try harder)' : 'zxing-js',
    async decode(frame) {
      try {
        return [reader.decodeFromCanvas(frame).getText()];
      } catch (error) {
        // "No code here" and "a code, but unreadable" are ordinary frames, not failures.
        if (error instanceof NotFoundException || error instanceof ChecksumException || error instanceof FormatException) return [];
        throw error;
      }
    },
  };
}
