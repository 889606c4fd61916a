import { isInside, type Volume, voxelIndex } from './volume.js';

/** Value of the voxel nearest to a continuous index, or `outside` when it falls outside the volume. */
export function sampleNearest(v: Volume, ijk: readonly number[], outside = 0): number {
  const i = Math.round(ijk[0] ?? 0);
  const j = Math.round(ijk[1] ?? 0);
  const k = Math.round(ijk[2] ?? 0);
  if (!isInside(v, i, j, k)) return outside;
  return v.voxels[voxelIndex(v, i, j, k)] ?? outside;
}

/**
 * Trilinear interpolation at a continuous index. Points whose index lies in [0, n-1] on every
 * axis are interpolated; anything else returns `outside`. Axes of size 1 accept only index 0.
 */
export function sampleTrilinear(v: Volume, ijk: readonly number[], outside = 0): number {
  const [nx, ny, nz] = v.dimensions;
  const x = ijk[0] ?? 0;
  const y = ijk[1] ?? 0;
  const z = ijk[2] ?? 0;
  const eps = 1e-9;
  if (x < -eps || y < -eps || z < -eps || x > nx - 1 + eps || y > ny - 1 + eps || z > nz - 1 + eps) return outside;
  const i0 = Math.min(Math.max(Math.floor(x), 0), Math.max(nx - 2, 0));
  const j0 = Math.min(Math.max(Math.floor(y), 0), Math.max(ny - 2, 0));
  const k0 = Math.min(Math.max(Math.floor(z), 0), Math.max(nz - 2, 0));
  const i1 = Math.min(i0 + 1, nx - 1);
  const j1 = Math.min(j0 + 1, ny - 1);
  const k1 = Math.min(k0 + 1, nz - 1);
  const fx = nx === 1 ? 0 : x - i0;
  const fy = ny === 1 ? 0 : y - j0;
  const fz = nz === 1 ? 0 : z - k0;
  const a = v.voxels;
  const at = (i: number, j: number, k: number): number => a[voxelIndex(v, i, j, k)] ?? 0;
  const c00 = at(i0, j0, k0) * (1 - fx) + at(i1, j0, k0) * fx;
  const c10 = at(i0, j1, k0) * (1 - fx) + at(i1, j1, k0) * fx;
  const c01 = at(i0, j0, k1) * (1 - fx) + at(i1, j0, k1) * fx;
  const c11 = at(i0, j1, k1) * (1 - fx) + at(i1, j1, k1) * fx;
  const c0 = c00 * (1 - fy) + c10 * fy;
  const c1 = c01 * (1 - fy) + c11 * fy;
  return c0 * (1 - fz) + c1 * fz;
}
