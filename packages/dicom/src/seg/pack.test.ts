import { describe, expect, it } from 'vitest';
import { packBitFrames, unpackBitFrame } from './pack.js';

describe('packBitFrames', () => {
  it('packs LSB first, contiguous across frames, padded to even length', () => {
    const a = new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const b = new Uint8Array([0, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    const packed = packBitFrames([a, b], 10);
    // bits: frame a at 0..9, frame b at 10..19 → byte0 = 0b00000001, byte1 bit1 (pixel 9) + bits 3,4 (b[1], b[2])
    expect([...packed]).toEqual([0x01, 0x1a, 0x00, 0x00]);
    expect([...unpackBitFrame(packed, 0, 10)]).toEqual([...a]);
    expect([...unpackBitFrame(packed, 1, 10)]).toEqual([...b]);
  });
});
