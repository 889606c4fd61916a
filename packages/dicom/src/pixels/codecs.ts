import { createRequire } from 'node:module';
import type { CodecFrameInfo } from './types.js';

/** The shape the cornerstone Emscripten codecs share (decoders and encoders). */
export interface WasmView {
  length: number;
  set(bytes: ArrayLike<number>): void;
  slice(): Uint8Array;
}
export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): CodecFrameInfo;
  getInterleaveMode?(): number;
  delete(): void;
}
export interface WasmEncoder {
  getDecodedBuffer(info: CodecFrameInfo & { isUsingColorTransform?: boolean }): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  encode(): void;
  delete(): void;
  setNearLossless?(near: number): void;
  setInterleaveMode?(mode: number): void;
  setQuality?(lossless: boolean, quantizationStep: number): void;
  setDecompositions?(levels: number): void;
}
type Ctor<T> = new () => T;
export interface CharLSModule {
  JpegLSDecoder: Ctor<WasmDecoder>;
  JpegLSEncoder: Ctor<WasmEncoder>;
}
export interface LibJpegTurboModule {
  JPEGDecoder: Ctor<WasmDecoder>;
}
export interface OpenJpegModule {
  J2KDecoder: Ctor<WasmDecoder>;
  J2KEncoder: Ctor<WasmEncoder>;
}
export interface OpenJphModule {
  HTJ2KDecoder: Ctor<WasmDecoder>;
  HTJ2KEncoder: Ctor<WasmEncoder>;
}

const require = createRequire(import.meta.url);

/** Loads an Emscripten factory once; a failed load is retried on the next call. */
function lazy<T>(specifier: string): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      const factory = require(specifier) as (opts?: object) => Promise<T>;
      pending = factory({ print: () => {}, printErr: () => {} });
      pending.catch(() => {
        pending = undefined;
      });
    }
    return pending;
  };
}

export const loadCharLS = lazy<CharLSModule>('@cornerstonejs/codec-charls/wasmjs');
export const loadLibJpegTurbo = lazy<LibJpegTurboModule>('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs');
export const loadOpenJpeg = lazy<OpenJpegModule>('@cornerstonejs/codec-openjpeg/wasmjs');
export const loadOpenJph = lazy<OpenJphModule>('@cornerstonejs/codec-openjph/wasmjs');
