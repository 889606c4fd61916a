import { loadLibJpegTurbo } from './codecs.js';
import { type CodecOutput, runWasmDecoder } from './wasmDecode.js';

/** JPEG Baseline (process 1, 8-bit) through libjpeg-turbo; YCbCr codestreams come out as RGB. */
export async function decodeJpegBaseline(codestream: Uint8Array): Promise<CodecOutput> {
  const codec = await loadLibJpegTurbo();
  return runWasmDecoder(new codec.JPEGDecoder(), codestream, 'JPEG baseline');
}
