import { describe, expect, it } from 'vitest';
import { Random } from '../random.js';
import { gaussianBlur2D, gaussianWeights } from './blur.js';

/** The definition: each output a clamped 1-D sum along rows, then along columns. */
function blurByDefinition(img: Float32Array, columns: number, rows: number, w: Float32Array): Float32Array {
  const radius = (w.length - 1) >> 1;
  const clamp = (v: number, n: number): number => Math.min(n - 1, Math.max(0, v));
  const tmp = new Float32Array(img.length);
  const out = new Float32Array(img.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < columns; c++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) s += w[k + radius]! * img[r * columns + clamp(c + k, columns)]!;
      tmp[r * columns + c] = s;
    }
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < columns; c++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) s += w[k + radius]! * tmp[clamp(r + k, rows) * columns + c]!;
      out[r * columns + c] = s;
    }
  return out;
}

describe('gaussianBlur2D', () => {
  it('equals the direct definition bit for bit (noise, constant borders, narrow images)', () => {
    const rng = new Random(3, 'blur');
    for (const [columns, rows, sigma] of [
      [37, 23, 0.7],
      [64, 48, 1.85],
      [5, 9, 2.5],
      [50, 50, 0.2],
    ] as const) {
      const img = new Float32Array(columns * rows);
      rng.fillGaussian(img);
      // A constant frame (like air around the body) exercises the constant-run path.
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < columns; c++) if (r < 4 || c < 6 || c > columns - 8) img[r * columns + c] = -1000;
      const w = gaussianWeights(sigma);
      const expected = blurByDefinition(img, columns, rows, w);
      gaussianBlur2D(img, columns, rows, w, new Float32Array(img.length));
      expect(img).toEqual(expected);
    }
  });

  it('keeps a constant image constant and smooths white noise', () => {
    const img = new Float32Array(40 * 40);
    new Random(4).fillGaussian(img);
    const before = img.reduce((s, v) => s + v * v, 0) / img.length;
    gaussianBlur2D(img, 40, 40, gaussianWeights(1.5), new Float32Array(img.length));
    const after = img.reduce((s, v) => s + v * v, 0) / img.length;
    expect(after).toBeLessThan(before * 0.2);
  });
});
