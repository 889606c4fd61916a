import type { SlicePixels } from './slice.js';

/**
 * Shifts one slice in-plane by (di, dj) pixels with bilinear interpolation:
 * out(i, j) = in(i − di, j − dj); samples outside the slice take `fill`.
 * Used to remove gantry-tilt shear (a shift along j for a tilt about the x axis).
 */
export function resampleSliceInPlane(
  pixels: SlicePixels,
  columns: number,
  rows: number,
  di: number,
  dj: number,
  fill: number,
): Float32Array {
  const out = new Float32Array(columns * rows);
  const eps = 1e-9;
  for (let j = 0; j < rows; j++) {
    const y = j - dj;
    if (y < -eps || y > rows - 1 + eps) {
      out.fill(fill, j * columns, (j + 1) * columns);
      continue;
    }
    const j0 = Math.min(Math.max(Math.floor(y), 0), Math.max(rows - 2, 0));
    const j1 = Math.min(j0 + 1, rows - 1);
    const fy = rows === 1 ? 0 : Math.min(1, Math.max(0, y - j0));
    for (let i = 0; i < columns; i++) {
      const x = i - di;
      if (x < -eps || x > columns - 1 + eps) {
        out[j * columns + i] = fill;
        continue;
      }
      const i0 = Math.min(Math.max(Math.floor(x), 0), Math.max(columns - 2, 0));
      const i1 = Math.min(i0 + 1, columns - 1);
      const fx = columns === 1 ? 0 : Math.min(1, Math.max(0, x - i0));
      const top = (pixels[j0 * columns + i0] ?? 0) * (1 - fx) + (pixels[j0 * columns + i1] ?? 0) * fx;
      const bottom = (pixels[j1 * columns + i0] ?? 0) * (1 - fx) + (pixels[j1 * columns + i1] ?? 0) * fx;
      out[j * columns + i] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}
