import { createRequire } from 'node:module';
import { LingshuError } from '../errors.js';
import type { CodecOutput } from './wasmDecode.js';

interface LosslessDecoder {
  decode(buffer: ArrayBuffer, offset: number, length: number): Uint8Array | Uint16Array;
  frame: { precision: number; numComp: number; dimX: number; dimY: number };
}
interface LosslessModule {
  Decoder: new () => LosslessDecoder;
}

const require = createRequire(import.meta.url);
let loaded: LosslessModule | undefined;

/** JPEG Lossless, Non-Hierarchical (process 14, any predictor, including SV1) via jpeg-lossless-decoder-js. */
export function decodeJpegLossless(codestream: Uint8Array): CodecOutput {
  loaded ??= require('jpeg-lossless-decoder-js') as LosslessModule;
  try {
    const decoder = new loaded.Decoder();
    const copy = codestream.slice();
    const pixels = decoder.decode(copy.buffer, 0, copy.length);
    const { precision, numComp, dimX, dimY } = decoder.frame;
    if (!pixels || pixels.length < dimX * dimY * numComp || dimX * dimY === 0) throw new Error('short output');
    return {
      info: { width: dimX, height: dimY, bitsPerSample: precision, componentCount: numComp, isSigned: false },
      pixels: pixels.subarray(0, dimX * dimY * numComp),
    };
  } catch (cause) {
    throw new LingshuError('PIXEL_DECODE_FAILED', 'The JPEG lossless codestream could not be decoded', {
      cause,
      details: { codec: 'JPEG lossless', length: codestream.length },
    });
  }
}
