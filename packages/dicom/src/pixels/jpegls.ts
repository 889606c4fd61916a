import { loadCharLS } from './codecs.js';
import { type CodecOutput, runWasmDecoder } from './wasmDecode.js';

/** JPEG-LS lossless and near-lossless (ISO 14495-1) through CharLS. */
export async function decodeJpegLS(codestream: Uint8Array): Promise<CodecOutput> {
  const codec = await loadCharLS();
  return runWasmDecoder(new codec.JpegLSDecoder(), codestream, 'JPEG-LS', (d) => d.getInterleaveMode?.() === 0);
}
