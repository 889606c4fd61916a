import { distanceTransformSquared } from './distanceTransform.js';
import { boundingBox, boxDims, cropMask, expandBox, invertMask, pasteMask } from './maskOps.js';
import type { Dims3, Mask, Spacing3 } from './types.js';

/**
 * Conventions for every operation here: the structuring element is symmetric and the volume
 * border neither adds nor removes foreground (windows are clipped to the grid), so
 * erode(m) = NOT dilate(NOT m) holds exactly, as do the opening/closing identities.
 */

/**
 * Dilates (or, with `erode`, erodes) every line along one axis by `r` voxels (running "distance
 * since the last foreground", or background for erosion; voxels outside the grid never count).
 * Lines along j and k are swept a row or a plane at a time with one counter per lane, so memory
 * is read in storage order (strided sweeps along k thrash the cache on large volumes).
 */
function morphAxis(src: Mask, dims: Dims3, axis: 0 | 1 | 2, r: number, dst: Mask, erode: boolean): void {
  const [nx, ny, nz] = dims;
  // A hit is a voxel that spreads: foreground when dilating, background when eroding.
  const hitValue = erode ? 0 : 1;
  const missValue = erode ? 1 : 0;
  if (axis === 0) {
    for (let line = 0; line < ny * nz; line++) {
      const start = line * nx;
      // Forward: distance to the previous hit; backward: to the next one.
      let last = -1e9;
      for (let t = 0, p = start; t < nx; t++, p++) {
        if ((src[p] === 0) === erode) last = t;
        dst[p] = t - last <= r ? hitValue : missValue;
      }
      last = 1e9;
      for (let t = nx - 1, p = start + nx - 1; t >= 0; t--, p--) {
        if ((src[p] === 0) === erode) last = t;
        if (last - t <= r) dst[p] = hitValue;
      }
    }
    return;
  }
  // Axis 1: lanes are the nx columns of one slice; axis 2: the nx·ny voxels of one plane.
  const lanes = axis === 1 ? nx : nx * ny;
  const n = axis === 1 ? ny : nz;
  const blocks = axis === 1 ? nz : 1;
  const blockSize = nx * ny;
  const last = new Int32Array(lanes);
  for (let b = 0; b < blocks; b++) {
    const base = b * blockSize;
    last.fill(-1e9);
    for (let t = 0; t < n; t++) {
      const row = base + t * lanes;
      for (let q = 0; q < lanes; q++) {
        if ((src[row + q] === 0) === erode) last[q] = t;
        dst[row + q] = t - last[q]! <= r ? hitValue : missValue;
      }
    }
    last.fill(1e9);
    for (let t = n - 1; t >= 0; t--) {
      const row = base + t * lanes;
      for (let q = 0; q < lanes; q++) {
        if ((src[row + q] === 0) === erode) last[q] = t;
        if (last[q]! - t <= r) dst[row + q] = hitValue;
      }
    }
  }
}

/**
 * A sequence of box dilations/erosions, one axis pass after the other, ping-ponging between two
 * scratch buffers; never writes into `mask`.
 */
function morphBoxes(mask: Mask, dims: Dims3, radii: readonly [number, number, number], erodes: boolean[]): Mask {
  let cur: Mask = mask;
  let a: Mask | undefined;
  let b: Mask | undefined;
  for (const erode of erodes) {
    for (const axis of [0, 1, 2] as const) {
      const r = radii[axis];
      if (r <= 0) continue;
      // Write into whichever scratch buffer is not being read.
      let next: Mask;
      if (cur !== a) {
        a ??= new Uint8Array(mask.length);
        next = a;
      } else {
        b ??= new Uint8Array(mask.length);
        next = b;
      }
      morphAxis(cur, dims, axis, r, next, erode);
      cur = next;
    }
  }
  return cur === mask ? mask.slice() : cur;
}

/** Dilation by a box of half-widths `radii` voxels [ri, rj, rk] (separable, linear time). */
export function dilateBox(mask: Mask, dims: Dims3, radii: readonly [number, number, number]): Mask {
  return morphBoxes(mask, dims, radii, [false]);
}

/** Erosion by a box of half-widths `radii` voxels (equal to NOT dilateBox(NOT mask)). */
export function erodeBox(mask: Mask, dims: Dims3, radii: readonly [number, number, number]): Mask {
  return morphBoxes(mask, dims, radii, [true]);
}

/**
 * Dilation by a ball of `radiusMm` (voxel centres within the radius, anisotropic spacing; via the
 * exact EDT). Only the mask's bounding box grown by more than the radius can change: the EDT
 * runs on that box.
 */
export function dilateBall(mask: Mask, dims: Dims3, spacing: Spacing3, radiusMm: number): Mask {
  const out = new Uint8Array(mask.length);
  const box0 = boundingBox(mask, dims);
  if (!box0) return out;
  const margin = [0, 1, 2].map((a) => Math.ceil(radiusMm / spacing[a]!) + 1) as [number, number, number];
  const box = expandBox(box0, margin, dims);
  const boxed = boxDims(box);
  const whole = boxed[0] === dims[0] && boxed[1] === dims[1] && boxed[2] === dims[2];
  const local = whole ? mask : cropMask(mask, dims, box);
  const r2 = radiusMm * radiusMm;
  const d2 = distanceTransformSquared(invertMask(local), boxed, spacing, r2);
  const grown = whole ? out : new Uint8Array(local.length);
  for (let q = 0; q < local.length; q++) grown[q] = local[q] !== 0 || d2[q]! <= r2 ? 1 : 0;
  if (!whole) pasteMask(out, dims, box, grown, 1);
  return out;
}

/**
 * Erosion by a ball of `radiusMm` (equal to NOT dilateBall(NOT mask)): the voxels of the mask
 * farther than the radius from any other voxel of the grid. The nearest such voxel of a mask
 * voxel lies within the mask's bounding box grown by one voxel, so the EDT runs on that box.
 */
export function erodeBall(mask: Mask, dims: Dims3, spacing: Spacing3, radiusMm: number): Mask {
  const out = new Uint8Array(mask.length);
  const box0 = boundingBox(mask, dims);
  if (!box0) return out;
  const box = expandBox(box0, [1, 1, 1], dims);
  const boxed = boxDims(box);
  const whole = boxed[0] === dims[0] && boxed[1] === dims[1] && boxed[2] === dims[2];
  const local = whole ? mask : cropMask(mask, dims, box);
  const r2 = radiusMm * radiusMm;
  const d2 = distanceTransformSquared(local, boxed, spacing, r2);
  const kept = whole ? out : new Uint8Array(local.length);
  for (let q = 0; q < local.length; q++) kept[q] = local[q] !== 0 && d2[q]! > r2 ? 1 : 0;
  if (!whole) pasteMask(out, dims, box, kept, 1);
  return out;
}

/** Closing (dilate then erode) by a ball: fills gaps and concavities narrower than the ball. */
export function closeBall(mask: Mask, dims: Dims3, spacing: Spacing3, radiusMm: number): Mask {
  return erodeBall(dilateBall(mask, dims, spacing, radiusMm), dims, spacing, radiusMm);
}

/** Opening (erode then dilate) by a ball: removes structures thinner than the ball. */
export function openBall(mask: Mask, dims: Dims3, spacing: Spacing3, radiusMm: number): Mask {
  return dilateBall(erodeBall(mask, dims, spacing, radiusMm), dims, spacing, radiusMm);
}

export function closeBox(mask: Mask, dims: Dims3, radii: readonly [number, number, number]): Mask {
  return morphBoxes(mask, dims, radii, [false, true]);
}

export function openBox(mask: Mask, dims: Dims3, radii: readonly [number, number, number]): Mask {
  return morphBoxes(mask, dims, radii, [true, false]);
}
