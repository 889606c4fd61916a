import type { Mask, NumericArray } from './types.js';

/**
 * Binary mask of voxels with `lo ≤ value ≤ hi` (both inclusive; pass ±Infinity for an open side).
 * When `within` is given only voxels inside it can be foreground.
 */
export function thresholdMask(
  values: NumericArray,
  lo: number,
  hi: number,
  within?: Mask,
  out: Mask = new Uint8Array(values.length),
): Mask {
  const n = values.length;
  if (within) {
    for (let p = 0; p < n; p++) {
      const v = values[p]!;
      out[p] = within[p] !== 0 && v >= lo && v <= hi ? 1 : 0;
    }
  } else {
    for (let p = 0; p < n; p++) {
      const v = values[p]!;
      out[p] = v >= lo && v <= hi ? 1 : 0;
    }
  }
  return out;
}

/** Number of foreground voxels. */
export function countMask(mask: Mask): number {
  let c = 0;
  for (let p = 0; p < mask.length; p++) if (mask[p] !== 0) c++;
  return c;
}
