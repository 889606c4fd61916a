import { LingshuError } from '../errors.js';
import type { PixelDescription } from './describe.js';
import type { PixelArray } from './types.js';

type Layout = Pick<
  PixelDescription,
  'rows' | 'columns' | 'samplesPerPixel' | 'bitsAllocated' | 'bitsStored' | 'highBit' | 'pixelRepresentation'
>;

/** An empty typed array of the right kind for `bitsAllocated` and `pixelRepresentation`. */
export function allocatePixels(length: number, bitsAllocated: number, signed: boolean): PixelArray {
  if (bitsAllocated <= 8) return signed ? new Int8Array(length) : new Uint8Array(length);
  if (bitsAllocated <= 16) return signed ? new Int16Array(length) : new Uint16Array(length);
  return signed ? new Int32Array(length) : new Uint32Array(length);
}

/**
 * Native (uncompressed, little-endian) frame bytes → stored values: each sample is shifted so
 * that High Bit lands at bit Bits Stored-1, masked to Bits Stored and sign-extended when signed.
 * Bits Allocated 1 yields one 0/1 byte per pixel.
 */
export function decodeNative(bytes: Uint8Array, d: Layout): PixelArray {
  const count = d.rows * d.columns * d.samplesPerPixel;
  if (d.bitsAllocated === 1) {
    if (bytes.length * 8 < count) throw new LingshuError('PIXEL_NO_DATA', 'Frame is shorter than declared');
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = ((bytes[i >> 3] ?? 0) >> (i & 7)) & 1;
    return out;
  }
  const bytesPer = d.bitsAllocated / 8;
  if (bytes.length < count * bytesPer) {
    throw new LingshuError('PIXEL_NO_DATA', 'Frame is shorter than declared', {
      details: { expected: count * bytesPer, actual: bytes.length },
    });
  }
  const signed = d.pixelRepresentation === 1;
  if ((bytesPer === 1 || bytesPer === 2) && d.highBit < d.bitsAllocated && d.highBit + 1 >= d.bitsStored) {
    return decodeNarrow(bytes, count, bytesPer, d.bitsStored, d.highBit + 1 - d.bitsStored, signed);
  }
  const out = allocatePixels(count, d.bitsAllocated, signed);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shift = d.highBit + 1 - d.bitsStored;
  const full = shift === 0 && d.bitsStored === d.bitsAllocated;
  const mask = d.bitsStored >= 32 ? 0xffffffff : 2 ** d.bitsStored - 1;
  const signBit = 2 ** (d.bitsStored - 1);
  const span = 2 ** d.bitsStored;
  for (let i = 0; i < count; i++) {
    let raw = bytesPer === 1 ? (bytes[i] ?? 0) : bytesPer === 2 ? dv.getUint16(i * 2, true) : dv.getUint32(i * 4, true);
    if (!full) {
      raw = Math.floor(raw / 2 ** shift) % (mask + 1);
    }
    out[i] = signed && raw >= signBit ? raw - span : raw;
  }
  return out;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A copy of the first `length` bytes in a buffer of its own (a Node Buffer's slice would share memory). */
function alignedCopy(bytes: Uint8Array, length: number): ArrayBuffer {
  const copy = new Uint8Array(length);
  copy.set(bytes.subarray(0, length));
  return copy.buffer;
}

/**
 * 8- and 16-bit samples with 32-bit integer operations (most CT and MR): a plain copy when all
 * bits are stored, else shift, mask and sign-extend per sample.
 */
function decodeNarrow(
  bytes: Uint8Array,
  count: number,
  bytesPer: 1 | 2,
  bitsStored: number,
  shift: number,
  signed: boolean,
): PixelArray {
  const bits = bytesPer * 8;
  if (shift === 0 && bitsStored === bits && (bytesPer === 1 || LITTLE_ENDIAN_HOST)) {
    // The copy is aligned, so the typed array can view it directly.
    const copy = alignedCopy(bytes, count * bytesPer);
    if (bytesPer === 1) return signed ? new Int8Array(copy) : new Uint8Array(copy);
    return signed ? new Int16Array(copy) : new Uint16Array(copy);
  }
  const mask = (1 << bitsStored) - 1;
  // Sign extension: move bit Bits Stored-1 to bit 31, then shift back arithmetically.
  const up = 32 - bitsStored;
  if (bytesPer === 2 && LITTLE_ENDIAN_HOST) {
    // In place on an aligned copy: read as unsigned, write through the output's own view.
    const copy = alignedCopy(bytes, count * 2);
    const src = new Uint16Array(copy);
    if (!signed) {
      for (let i = 0; i < count; i++) src[i] = (src[i]! >>> shift) & mask;
      return src;
    }
    const out = new Int16Array(copy);
    for (let i = 0; i < count; i++) out[i] = (((src[i]! >>> shift) & mask) << up) >> up;
    return out;
  }
  const out = allocatePixels(count, bits, signed);
  for (let i = 0; i < count; i++) {
    const raw = bytesPer === 1 ? bytes[i]! : bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
    const v = (raw >>> shift) & mask;
    out[i] = signed ? (v << up) >> up : v;
  }
  return out;
}

/** Masks and sign-extends values a codec returned in a wider container (e.g. 12-bit in 16). */
export function normaliseStored(
  values: PixelArray,
  bitsStored: number,
  signed: boolean,
  bitsAllocated: number,
): PixelArray {
  const out = allocatePixels(values.length, bitsAllocated, signed);
  const span = 2 ** bitsStored;
  const signBit = span / 2;
  for (let i = 0; i < values.length; i++) {
    let v = (values[i] ?? 0) % span;
    if (v < 0) v += span;
    out[i] = signed && v >= signBit ? v - span : v;
  }
  return out;
}
