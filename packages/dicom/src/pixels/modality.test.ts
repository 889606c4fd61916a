import { describe, expect, it } from 'vitest';
import { applyModalityLut } from './modality.js';
import type { DecodedFrame, PixelArray } from './types.js';

const frame = (pixels: PixelArray): DecodedFrame => ({
  rows: 1,
  columns: pixels.length,
  samplesPerPixel: 1,
  photometricInterpretation: 'MONOCHROME2',
  bitsStored: 16,
  pixelRepresentation: pixels instanceof Int16Array ? 1 : 0,
  inverted: false,
  pixels,
});

describe('applyModalityLut', () => {
  it('gives the same values in place as in a copy, in the frame’s own buffer', () => {
    const cases: Array<[() => PixelArray, number, number]> = [
      [() => Uint16Array.of(0, 24, 1024, 4095), 1, -1024],
      [() => Int16Array.of(-2000, -1, 0, 3000), 1, 0],
      [() => Int16Array.of(-2000, -1, 0, 3000), 2, -10],
    ];
    for (const [make, slope, intercept] of cases) {
      const copy = applyModalityLut(frame(make()), slope, intercept);
      const own = make();
      const inPlace = applyModalityLut(frame(own), slope, intercept, { inPlace: true });
      expect(inPlace).toBeInstanceOf(Int16Array);
      expect([...inPlace]).toEqual([...copy]);
      expect(inPlace.buffer).toBe(own.buffer);
      expect([...copy]).toEqual([...make()].map((v) => v * slope + intercept));
    }
  });

  it('leaves the frame alone when the result needs Float32', () => {
    const own = Uint16Array.of(0, 1, 3);
    const out = applyModalityLut(frame(own), 0.5, -1024, { inPlace: true });
    expect(out).toBeInstanceOf(Float32Array);
    expect([...out]).toEqual([-1024, -1023.5, -1022.5]);
    expect([...own]).toEqual([0, 1, 3]);
  });
});
