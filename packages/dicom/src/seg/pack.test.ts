import { describe, expect, it } from 'vitest';
import { packBitFrames, packLabelFrames, unpackBitFrame } from './pack.js';

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

describe('packLabelFrames', () => {
  it('packs the same bytes as packBitFrames of the label masks, aligned or not', () => {
    // Frame sizes that put later frames off byte boundaries (13, 27) and on them (16).
    for (const plane of [13, 16, 27]) {
      const slices = 5;
      const labels = new Uint8Array(plane * slices);
      let x = 12345;
      for (let p = 0; p < labels.length; p++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        labels[p] = (x >>> 16) % 4;
      }
      const frames = [
        { slice: 0, value: 1 },
        { slice: 2, value: 1 },
        { slice: 4, value: 3 },
        { slice: 1, value: 2 },
        { slice: 3, value: 3 },
      ];
      const masks = frames.map(({ slice, value }) =>
        Uint8Array.from(labels.subarray(slice * plane, (slice + 1) * plane), (l) => (l === value ? 1 : 0)),
      );
      const expected = packBitFrames(masks, plane);
      expect(expected.some((b) => b !== 0)).toBe(true);
      expect([...packLabelFrames(labels, plane, frames)]).toEqual([...expected]);
    }
  });
});
