import { LingshuError } from '../errors.js';
import type { WasmDecoder } from './codecs.js';
import type { CodecFrameInfo, PixelArray } from './types.js';

export interface CodecOutput {
  info: CodecFrameInfo;
  pixels: PixelArray;
  /** Samples of colour images arrive colour-by-plane (e.g. JPEG-LS interleave mode none). */
  planar?: boolean;
}

/**
 * Runs one cornerstone WASM decoder on a codestream and copies the result out of WASM memory
 * into a typed array sized by the codec's frame info. Any throw or abort inside the codec
 * becomes PIXEL_DECODE_FAILED.
 */
export function runWasmDecoder(
  decoder: WasmDecoder,
  codestream: Uint8Array,
  codec: string,
  isPlanar: (d: WasmDecoder) => boolean = () => false,
): CodecOutput {
  try {
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const raw = decoder.getDecodedBuffer();
    const bytes = new Uint8Array(raw.length);
    bytes.set(raw);
    const count = info.width * info.height * info.componentCount;
    if (count === 0) throw new Error('empty image');
    let pixels: PixelArray;
    if (info.bitsPerSample <= 8) {
      pixels = info.isSigned ? new Int8Array(bytes.buffer, 0, count) : bytes.subarray(0, count);
    } else if (info.bitsPerSample <= 16) {
      if (bytes.length < count * 2) throw new Error('short output');
      pixels = info.isSigned ? new Int16Array(bytes.buffer, 0, count) : new Uint16Array(bytes.buffer, 0, count);
    } else {
      if (bytes.length < count * 4) throw new Error('short output');
      pixels = info.isSigned ? new Int32Array(bytes.buffer, 0, count) : new Uint32Array(bytes.buffer, 0, count);
    }
    return { info, pixels, planar: info.componentCount > 1 && isPlanar(decoder) };
  } catch (cause) {
    throw new LingshuError('PIXEL_DECODE_FAILED', `The ${codec} codestream could not be decoded`, {
      cause,
      details: { codec, length: codestream.length },
    });
  } finally {
    try {
      decoder.delete();
    } catch {
      // The decoder's WASM state is unusable after an abort; nothing left to free.
    }
  }
}
