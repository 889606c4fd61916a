import type { Dims3, Mask } from './types.js';

/** 1 where the mask is 0 and 0 elsewhere. */
export function invertMask(mask: Mask, out: Mask = new Uint8Array(mask.length)): Mask {
  for (let p = 0; p < mask.length; p++) out[p] = mask[p] === 0 ? 1 : 0;
  return out;
}

/** Voxelwise a AND NOT b. */
export function subtractMask(a: Mask, b: Mask, out: Mask = new Uint8Array(a.length)): Mask {
  for (let p = 0; p < a.length; p++) out[p] = a[p] !== 0 && b[p] === 0 ? 1 : 0;
  return out;
}

/** Voxelwise a OR b. */
export function unionMask(a: Mask, b: Mask, out: Mask = new Uint8Array(a.length)): Mask {
  for (let p = 0; p < a.length; p++) out[p] = a[p] !== 0 || b[p] !== 0 ? 1 : 0;
  return out;
}

/** Inclusive voxel box [i0, j0, k0, i1, j1, k1]. */
export type Box3 = [number, number, number, number, number, number];

/**
 * Bounding box of the voxels equal to `value`, of those `value` accepts when it is a predicate, or
 * of all non-zero voxels; undefined when none.
 */
export function boundingBox(
  labels: Uint8Array,
  dims: Dims3,
  value?: number | ((label: number) => boolean),
): Box3 | undefined {
  const keep = typeof value === 'function' ? value : undefined;
  const target = typeof value === 'number' ? value : undefined;
  const hit = (v: number): boolean => (keep ? keep(v) : target === undefined ? v !== 0 : v === target);
  const [nx, ny, nz] = dims;
  let i0 = nx;
  let j0 = ny;
  let k0 = nz;
  let i1 = -1;
  let j1 = -1;
  let k1 = -1;
  // Row by row: the first hit from the left, then (only in rows with one) the last from the right.
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      let first = -1;
      if (keep) {
        for (let i = 0; i < nx; i++)
          if (keep(labels[row + i]!)) {
            first = i;
            break;
          }
      } else if (target === undefined) {
        for (let i = 0; i < nx; i++)
          if (labels[row + i] !== 0) {
            first = i;
            break;
          }
      } else {
        for (let i = 0; i < nx; i++)
          if (labels[row + i] === target) {
            first = i;
            break;
          }
      }
      if (first < 0) continue;
      let last = nx - 1;
      while (last > first && !hit(labels[row + last]!)) last--;
      if (first < i0) i0 = first;
      if (last > i1) i1 = last;
      if (j < j0) j0 = j;
      if (j > j1) j1 = j;
      if (k < k0) k0 = k;
      k1 = k;
    }
  }
  return i1 < 0 ? undefined : [i0, j0, k0, i1, j1, k1];
}

/** Grows a box by a margin per axis, clamped to the grid. */
export function expandBox(box: Box3, margin: readonly [number, number, number], dims: Dims3): Box3 {
  return [
    Math.max(0, box[0] - margin[0]),
    Math.max(0, box[1] - margin[1]),
    Math.max(0, box[2] - margin[2]),
    Math.min(dims[0] - 1, box[3] + margin[0]),
    Math.min(dims[1] - 1, box[4] + margin[1]),
    Math.min(dims[2] - 1, box[5] + margin[2]),
  ];
}

/** Dimensions of an inclusive box. */
export function boxDims(box: Box3): [number, number, number] {
  return [box[3] - box[0] + 1, box[4] - box[1] + 1, box[5] - box[2] + 1];
}

/** Copies a box out of a mask; with `value`, foreground is voxels equal to it. */
export function cropMask(labels: Uint8Array, dims: Dims3, box: Box3, value?: number): Mask {
  const [cx, cy, cz] = boxDims(box);
  const out = new Uint8Array(cx * cy * cz);
  const [nx, ny] = dims;
  let q = 0;
  for (let k = 0; k < cz; k++) {
    for (let j = 0; j < cy; j++) {
      let p = box[0] + nx * (box[1] + j + ny * (box[2] + k));
      for (let i = 0; i < cx; i++, p++, q++) {
        const v = labels[p]!;
        out[q] = value === undefined ? (v !== 0 ? 1 : 0) : v === value ? 1 : 0;
      }
    }
  }
  return out;
}

/**
 * Writes `value` into `target` wherever the cropped mask is foreground; with `onlyWhere`, only
 * over target voxels whose current value passes the predicate.
 */
export function pasteMask(
  target: Uint8Array,
  dims: Dims3,
  box: Box3,
  cropped: Mask,
  value: number,
  onlyWhere?: (current: number) => boolean,
): void {
  const [cx, cy, cz] = boxDims(box);
  const [nx, ny] = dims;
  let q = 0;
  for (let k = 0; k < cz; k++) {
    for (let j = 0; j < cy; j++) {
      let p = box[0] + nx * (box[1] + j + ny * (box[2] + k));
      for (let i = 0; i < cx; i++, p++, q++) {
        if (cropped[q] === 0) continue;
        if (onlyWhere && !onlyWhere(target[p]!)) continue;
        target[p] = value;
      }
    }
  }
}
