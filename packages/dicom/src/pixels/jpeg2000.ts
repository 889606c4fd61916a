import { loadOpenJpeg } from './codecs.js';
import { type CodecOutput, runWasmDecoder } from './wasmDecode.js';

/** JPEG 2000 (reversible and irreversible) through OpenJPEG; inverse MCT is applied by the codec. */
export async function decodeJpeg2000(codestream: Uint8Array): Promise<CodecOutput> {
  const codec = await loadOpenJpeg();
  return runWasmDecoder(new codec.J2KDecoder(), codestream, 'JPEG 2000');
}
