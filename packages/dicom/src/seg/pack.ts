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
