import type { PixelArray } from './types.js';

/** Colour-by-plane (R…R G…G B…B) → colour-by-pixel (RGB RGB …), in a new array of the same kind. */
export function planarToInterleaved(planes: PixelArray, pixelCount: number, samples: number): PixelArray {
  const out = planes.slice();
  for (let s = 0; s < samples; s++) {
    const base = s * pixelCount;
    for (let p = 0; p < pixelCount; p++) out[p * samples + s] = planes[base + p] ?? 0;
  }
  return out;
}

/** In-place YCbCr (full range, PS3.3 C.7.6.3.1.2) → RGB for interleaved unsigned samples. */
export function ybrFullToRgb(pixels: PixelArray, maxValue: number): void {
  const half = (maxValue + 1) / 2;
  const clamp = (v: number): number => (v < 0 ? 0 : v > maxValue ? maxValue : Math.round(v));
  for (let i = 0; i + 2 < pixels.length; i += 3) {
    const y = pixels[i] ?? 0;
    const cb = (pixels[i + 1] ?? 0) - half;
    const cr = (pixels[i + 2] ?? 0) - half;
    pixels[i] = clamp(y + 1.402 * cr);
    pixels[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
    pixels[i + 2] = clamp(y + 1.772 * cb);
  }
}

/**
 * Native YBR_FULL_422 (PS3.3 C.7.6.3.1.2: Y1 Y2 Cb Cr for each horizontal pair of pixels, 8-bit)
 * → interleaved full-resolution Y Cb Cr.
 */
export function expandYbr422(bytes: Uint8Array, rows: number, columns: number): Uint8Array {
  const out = new Uint8Array(rows * columns * 3);
  const pairsPerRow = Math.ceil(columns / 2);
  for (let r = 0; r < rows; r++) {
    for (let p = 0; p < pairsPerRow; p++) {
      const src = (r * pairsPerRow + p) * 4;
      const cb = bytes[src + 2] ?? 0;
      const cr = bytes[src + 3] ?? 0;
      for (let k = 0; k < 2 && p * 2 + k < columns; k++) {
        const dst = (r * columns + p * 2 + k) * 3;
        out[dst] = bytes[src + k] ?? 0;
        out[dst + 1] = cb;
        out[dst + 2] = cr;
      }
    }
  }
  return out;
}
