import { LingshuError } from '../../errors.js';
import type { PixelArray } from '../types.js';

/** What RLE needs to know about a frame. */
export interface RleFrame {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  /** Stored values, colour interleaved (planar configuration 0). */
  pixels: PixelArray;
}

/** PackBits one byte plane (PS3.5 G.3.1): runs of 3+ replicate, the rest literal; per row. */
function packBits(plane: Uint8Array, columns: number, out: number[]): void {
  for (let rowStart = 0; rowStart < plane.length; rowStart += columns) {
    const end = Math.min(rowStart + columns, plane.length);
    let i = rowStart;
    while (i < end) {
      let run = 1;
      while (i + run < end && run < 128 && plane[i + run] === plane[i]) run++;
      if (run >= 3) {
        out.push(257 - run, plane[i] ?? 0);
        i += run;
        continue;
      }
      let lit = 0;
      while (i + lit < end && lit < 128) {
        const v = plane[i + lit];
        if (i + lit + 2 < end && plane[i + lit + 1] === v && plane[i + lit + 2] === v) break;
        lit++;
      }
      out.push(lit - 1);
      for (let k = 0; k < lit; k++) out.push(plane[i + k] ?? 0);
      i += lit;
    }
  }
}

/** Encodes one frame as DICOM RLE Lossless (PS3.5 Annex G): one segment per byte plane, MSB first. */
export function encodeRLE(frame: RleFrame): Uint8Array {
  const bytesPer = frame.bitsAllocated / 8;
  if (![1, 2, 4].includes(bytesPer)) {
    throw new LingshuError('PIXEL_BAD_DESCRIPTION', 'RLE needs Bits Allocated 8, 16 or 32', {
      details: { bitsAllocated: frame.bitsAllocated },
    });
  }
  const pixelCount = frame.rows * frame.columns;
  const segments = bytesPer * frame.samplesPerPixel;
  if (frame.pixels.length < pixelCount * frame.samplesPerPixel) {
    throw new LingshuError('PIXEL_BAD_DESCRIPTION', 'Fewer pixels than Rows × Columns × Samples', {
      details: { length: frame.pixels.length },
    });
  }
  const encoded: number[][] = [];
  const plane = new Uint8Array(pixelCount);
  for (let s = 0; s < segments; s++) {
    const sample = Math.floor(s / bytesPer);
    const shift = 8 * (bytesPer - 1 - (s % bytesPer));
    for (let p = 0; p < pixelCount; p++) {
      const v = frame.pixels[p * frame.samplesPerPixel + sample] ?? 0;
      plane[p] = Math.floor((v >>> 0) / 2 ** shift) & 0xff;
    }
    const out: number[] = [];
    packBits(plane, frame.columns, out);
    if (out.length % 2 === 1) out.push(128); // pad the segment to even length with a no-op
    encoded.push(out);
  }
  const total = 64 + encoded.reduce((n, e) => n + e.length, 0);
  const result = new Uint8Array(total);
  const dv = new DataView(result.buffer);
  dv.setUint32(0, segments, true);
  let offset = 64;
  encoded.forEach((e, s) => {
    dv.setUint32(4 + 4 * s, offset, true);
    result.set(e, offset);
    offset += e.length;
  });
  return result;
}
