/**
 * Packs binary frames for BitsAllocated = 1 (PS3.5 8.1.1 and PS3.3 C.8.20.2): pixels are
 * contiguous across frames (a frame need not start on a byte boundary), the first pixel in the
 * least significant bit of the first byte; the whole value is padded to an even length.
 */
export function packBitFrames(frames: readonly Uint8Array[], pixelsPerFrame: number): Uint8Array {
  const totalBits = frames.length * pixelsPerFrame;
  let bytes = Math.ceil(totalBits / 8);
  bytes += bytes & 1;
  const out = new Uint8Array(bytes);
  let bit = 0;
  for (const f of frames) {
    for (let p = 0; p < pixelsPerFrame; p++, bit++) {
      if (f[p]) out[bit >>> 3] = (out[bit >>> 3] ?? 0) | (1 << (bit & 7));
    }
  }
  return out;
}

/** One frame of a label map: the pixels of slice `slice` equal to `value`. */
export interface LabelFrame {
  slice: number;
  value: number;
}

/**
 * packBitFrames for frames cut from a label map (`labels[slice * pixelsPerFrame + p]`), without
 * building a byte per pixel for each frame first: the same bytes as packing the frames
 * `labels === value` of each slice.
 */
export function packLabelFrames(labels: Uint8Array, pixelsPerFrame: number, frames: readonly LabelFrame[]): Uint8Array {
  const totalBits = frames.length * pixelsPerFrame;
  let bytes = Math.ceil(totalBits / 8);
  bytes += bytes & 1;
  const out = new Uint8Array(bytes);
  let bit = 0;
  for (const { slice, value } of frames) {
    let src = slice * pixelsPerFrame;
    let p = 0;
    // Up to the next byte boundary one bit at a time, then whole bytes of eight pixels.
    for (; p < pixelsPerFrame && (bit & 7) !== 0; p++, bit++, src++) {
      if (labels[src] === value) out[bit >>> 3] = out[bit >>> 3]! | (1 << (bit & 7));
    }
    let byte = bit >>> 3;
    for (; p + 8 <= pixelsPerFrame; p += 8, bit += 8, src += 8, byte++) {
      let b = 0;
      for (let t = 0; t < 8; t++) if (labels[src + t] === value) b |= 1 << t;
      out[byte] = b;
    }
    for (; p < pixelsPerFrame; p++, bit++, src++) {
      if (labels[src] === value) out[bit >>> 3] = out[bit >>> 3]! | (1 << (bit & 7));
    }
  }
  return out;
}

/** Inverse of packBitFrames (for tests and readers). */
export function unpackBitFrame(bytes: Uint8Array, frameIndex: number, pixelsPerFrame: number): Uint8Array {
  const out = new Uint8Array(pixelsPerFrame);
  const start = frameIndex * pixelsPerFrame;
  for (let p = 0; p < pixelsPerFrame; p++) {
    const bit = start + p;
    out[p] = ((bytes[bit >>> 3] ?? 0) >> (bit & 7)) & 1;
  }
  return out;
}
