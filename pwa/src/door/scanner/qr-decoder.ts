import type { DecoderName, QrDecoder } from './decoder-names';

/*
 * The two QR decoders behind one small interface (`QrDecoder`, beside their names: the decoders
 * implement it and this loader imports them), each loaded only when chosen (both are in the
 * offline cache). docs/adr/0004-qr-decoder.md says why both exist and which is the default;
 * docs/benchmarks.md has the measurements.
 */

export async function loadDecoder(name: DecoderName): Promise<QrDecoder> {
  if (name === 'zxing-js') return (await import('./zxing-js-decoder')).createZxingJsDecoder();
  return (await import('./zxing-wasm-decoder')).createZxingWasmDecoder();
}
