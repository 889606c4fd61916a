import { loadOpenJph } from './codecs.js';
import { type CodecOutput, runWasmDecoder } from './wasmDecode.js';

/** High-Throughput JPEG 2000 (ISO 15444-15) through OpenJPH. */
export async function decodeHTJ2K(codestream: Uint8Array): Promise<CodecOutput> {
  const codec = await loadOpenJph();
  return runWasmDecoder(new codec.HTJ2KDecoder(), codestream, 'HTJ2K');
}
