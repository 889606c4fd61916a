import type { Dataset, Element } from '../dataset.js';
import { LingshuError } from '../errors.js';
import { Tags } from '../tag.js';
import { isEncapsulatedTransferSyntax } from '../uids.js';
import { getNumber, getString } from '../values.js';

/** Number of Frames (0028,0008), 1 when absent. */
export function numberOfFrames(ds: Dataset): number {
  const n = getNumber(ds, Tags.NumberOfFrames) ?? 1;
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

function pixelDataElement(ds: Dataset): Element {
  const el = ds.get(Tags.PixelData);
  if (!el || (!el.bytes && !el.fragments)) throw new LingshuError('PIXEL_NO_DATA');
  return el;
}

function checkRange(frameIndex: number, frames: number): void {
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= frames) {
    throw new LingshuError('PIXEL_FRAME_OUT_OF_RANGE', `Frame ${frameIndex} requested, the object has ${frames}`, {
      details: { frameIndex, frames },
    });
  }
}

/**
 * Bytes of one frame: for native syntaxes the (little-endian) stored values, for encapsulated
 * syntaxes the frame's compressed codestream (fragments concatenated). Frames of
 * Bits Allocated 1 that do not start on a byte boundary are re-aligned to start at bit 0.
 */
export function getFrameBytes(ds: Dataset, transferSyntaxUID: string, frameIndex: number): Uint8Array {
  const el = pixelDataElement(ds);
  const frames = numberOfFrames(ds);
  checkRange(frameIndex, frames);
  if (!isEncapsulatedTransferSyntax(transferSyntaxUID) || !el.fragments) {
    if (!el.bytes) throw new LingshuError('PIXEL_NO_DATA', 'Native pixel data expected, found fragments');
    return nativeFrame(ds, el.bytes, frameIndex);
  }
  return encapsulatedFrame(ds, el, frames, frameIndex);
}

function nativeFrame(ds: Dataset, bytes: Uint8Array, frameIndex: number): Uint8Array {
  const rows = getNumber(ds, Tags.Rows) ?? 0;
  const columns = getNumber(ds, Tags.Columns) ?? 0;
  const declaredSamples = getNumber(ds, Tags.SamplesPerPixel) ?? 1;
  // Native YBR_FULL_422 carries two samples per pixel on average (Y1 Y2 Cb Cr per pair).
  const samples =
    declaredSamples === 3 && getString(ds, Tags.PhotometricInterpretation) === 'YBR_FULL_422' ? 2 : declaredSamples;
  const bitsAllocated = getNumber(ds, Tags.BitsAllocated) ?? 0;
  const frameBits = rows * columns * samples * bitsAllocated;
  if (frameBits <= 0) throw new LingshuError('PIXEL_BAD_DESCRIPTION', 'Frame size is zero');
  if (frameBits % 8 === 0) {
    const size = frameBits / 8;
    const start = frameIndex * size;
    if (start + size > bytes.length) {
      throw new LingshuError('PIXEL_NO_DATA', 'Pixel Data is shorter than the frames it declares', {
        details: { frameIndex, expected: start + size, actual: bytes.length },
      });
    }
    return bytes.subarray(start, start + size);
  }
  // Bits Allocated 1 with a frame that is not a whole number of bytes: shift bits into place.
  const startBit = frameIndex * frameBits;
  if (Math.ceil((startBit + frameBits) / 8) > bytes.length) {
    throw new LingshuError('PIXEL_NO_DATA', 'Pixel Data is shorter than the frames it declares', {
      details: { frameIndex },
    });
  }
  const out = new Uint8Array(Math.ceil(frameBits / 8));
  for (let i = 0; i < frameBits; i++) {
    const b = startBit + i;
    if (((bytes[b >> 3] ?? 0) >> (b & 7)) & 1) out[i >> 3] = (out[i >> 3] ?? 0) | (1 << (i & 7));
  }
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Byte offsets (from the first fragment's item tag) of each fragment. */
function fragmentPositions(fragments: readonly Uint8Array[]): number[] {
  const positions: number[] = [];
  let o = 0;
  for (const f of fragments) {
    positions.push(o);
    o += 8 + f.length;
  }
  return positions;
}

function readOffsets(bytes: Uint8Array, size: 4 | 8): number[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let o = 0; o + size <= bytes.length; o += size) {
    out.push(size === 4 ? dv.getUint32(o, true) : Number(dv.getBigUint64(o, true)));
  }
  return out;
}

/** Fragments [first, end) that make up frame `frameIndex`, given frame start offsets. */
function byOffsets(fragments: readonly Uint8Array[], offsets: readonly number[], frameIndex: number): Uint8Array {
  const positions = fragmentPositions(fragments);
  const start = offsets[frameIndex] ?? -1;
  const next = offsets[frameIndex + 1] ?? Number.POSITIVE_INFINITY;
  const first = positions.indexOf(start);
  if (first < 0) {
    throw new LingshuError('PIXEL_DECODE_FAILED', 'An offset table entry does not point at a fragment', {
      details: { frameIndex, offset: start },
    });
  }
  const parts: Uint8Array[] = [];
  for (let i = first; i < fragments.length && (positions[i] ?? 0) < next; i++) {
    const f = fragments[i];
    if (f) parts.push(f);
  }
  return concat(parts);
}

function startsFrame(f: Uint8Array): boolean {
  // JPEG SOI (FFD8), JPEG 2000 / HTJ2K SOC (FF4F) or a JP2 box signature.
  if (f.length < 2 || f[0] !== 0xff) return f.length >= 8 && f[4] === 0x6a && f[5] === 0x50; // 'jP'
  return f[1] === 0xd8 || f[1] === 0x4f;
}

function encapsulatedFrame(ds: Dataset, el: Element, frames: number, frameIndex: number): Uint8Array {
  const fragments = el.fragments ?? [];
  if (fragments.length === 0) throw new LingshuError('PIXEL_NO_DATA', 'Encapsulated Pixel Data has no fragments');
  if (frames === 1) return concat(fragments);

  const extended = ds.get(Tags.ExtendedOffsetTable)?.bytes;
  if (extended && extended.length >= 8 * frames) {
    const offsets = readOffsets(extended, 8);
    return byOffsets(fragments, offsets, frameIndex);
  }
  const bot = el.offsetTable;
  if (bot && bot.length >= 4 * frames) return byOffsets(fragments, readOffsets(bot, 4), frameIndex);
  if (fragments.length === frames) return fragments[frameIndex] ?? new Uint8Array(0);

  // No usable offset table: a frame starts at each fragment that begins with a codestream marker.
  const starts: number[] = [];
  fragments.forEach((f, i) => {
    if (startsFrame(f)) starts.push(i);
  });
  if (starts.length !== frames) {
    throw new LingshuError('PIXEL_DECODE_FAILED', 'Frame boundaries cannot be found in the fragments', {
      details: { frames, fragments: fragments.length, markers: starts.length },
    });
  }
  const first = starts[frameIndex] ?? 0;
  const end = starts[frameIndex + 1] ?? fragments.length;
  return concat(fragments.slice(first, end));
}
