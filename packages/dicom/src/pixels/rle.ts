import { LingshuError } from '../errors.js';
import type { PixelDescription } from './describe.js';
import { decodeNative } from './native.js';
import type { PixelArray } from './types.js';

type Layout = Pick<
  PixelDescription,
  'rows' | 'columns' | 'samplesPerPixel' | 'bitsAllocated' | 'bitsStored' | 'highBit' | 'pixelRepresentation'
>;

function fail(message: string, details: Record<string, number> = {}): never {
  throw new LingshuError('PIXEL_DECODE_FAILED', message, { details });
}

/** PackBits (PS3.5 G.3.1) from `src[start, end)` into exactly `out.length` bytes. */
function unpackBits(src: Uint8Array, start: number, end: number, out: Uint8Array): void {
  let i = start;
  let o = 0;
  while (o < out.length && i < end) {
    const n = src[i++] ?? 0;
    if (n < 128) {
      const count = n + 1;
      if (i + count > end || o + count > out.length) fail('RLE literal run overflows the segment', { offset: i });
      out.set(src.subarray(i, i + count), o);
      i += count;
      o += count;
    } else if (n > 128) {
      const count = 257 - n;
      if (i >= end || o + count > out.length) fail('RLE replicate run overflows the segment', { offset: i });
      out.fill(src[i++] ?? 0, o, o + count);
      o += count;
    }
    // n === 128: no operation.
  }
  if (o < out.length) fail('RLE segment ends before the frame is complete', { decoded: o, expected: out.length });
}

/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header (segment count + 15 offsets), then one
 * PackBits segment per byte plane: for each sample, most significant byte first.
 */
export function decodeRLE(frame: Uint8Array, d: Layout): PixelArray {
  if (frame.length < 64) fail('RLE frame is shorter than its header', { length: frame.length });
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = dv.getUint32(0, true);
  const bytesPer = Math.ceil(d.bitsAllocated / 8);
  const expected = bytesPer * d.samplesPerPixel;
  if (segments !== expected || segments > 15)
    fail('RLE segment count does not match the pixel description', { segments, expected });
  const pixels = d.rows * d.columns;
  // Reassemble as native little-endian interleaved bytes, then reuse the native path.
  const native = new Uint8Array(pixels * expected);
  const plane = new Uint8Array(pixels);
  for (let s = 0; s < segments; s++) {
    const start = dv.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? dv.getUint32(8 + 4 * s, true) : frame.length;
    if (start < 64 || start > end || end > frame.length)
      fail('RLE segment offset is invalid', { segment: s, start, end });
    unpackBits(frame, start, end, plane);
    const sample = Math.floor(s / bytesPer);
    const byteInSample = bytesPer - 1 - (s % bytesPer); // MSB plane first → little-endian position
    for (let p = 0; p < pixels; p++) native[(p * d.samplesPerPixel + sample) * bytesPer + byteInSample] = plane[p] ?? 0;
  }
  return decodeNative(native, d);
}
