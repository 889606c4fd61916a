import type { Dims3, Mask, Spacing3 } from './types.js';

/** Stands in for "no background voxel on this line yet" (finite so the envelope arithmetic stays exact). */
const FAR = 1e20;

/**
 * One pass of the exact 1D squared distance transform along a line (Felzenszwalb & Huttenlocher,
 * "Distance Transforms of Sampled Functions", Theory of Computing 8, 2012): d(p) = min_q w²(p−q)² + f(q),
 * the lower envelope of parabolas rooted at each q. `w` is the voxel size along the line (mm).
 */
function envelope1D(f: Float64Array, n: number, w2: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = Number.NEGATIVE_INFINITY;
  z[1] = Number.POSITIVE_INFINITY;
  for (let q = 1; q < n; q++) {
    const fq = f[q]! + w2 * q * q;
    let r = v[k]!;
    let s = (fq - (f[r]! + w2 * r * r)) / (2 * w2 * (q - r));
    // z[0] is −∞, so k never drops below 0.
    while (s <= z[k]!) {
      k--;
      r = v[k]!;
      s = (fq - (f[r]! + w2 * r * r)) / (2 * w2 * (q - r));
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Number.POSITIVE_INFINITY;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const r = v[k]!;
    d[q] = w2 * (q - r) * (q - r) + f[r]!;
  }
}

/**
 * Exact Euclidean distance transform with anisotropic voxels: for every foreground voxel the
 * squared distance (mm²) from its centre to the nearest background voxel centre; 0 on background.
 * Separable, linear time (three 1D passes). Voxels of a mask with no background get 1e20.
 */
export function distanceTransformSquared(mask: Mask, dims: Dims3, spacing: Spacing3): Float32Array {
  const [nx, ny, nz] = dims;
  const out = new Float32Array(nx * ny * nz);
  for (let p = 0; p < out.length; p++) out[p] = mask[p] === 0 ? 0 : FAR;
  const maxN = Math.max(nx, ny, nz);
  const f = new Float64Array(maxN);
  const d = new Float64Array(maxN);
  const v = new Int32Array(maxN);
  const z = new Float64Array(maxN + 1);
  const passes: Array<{ n: number; stride: number; w: number; starts: () => Generator<number> }> = [
    {
      n: nx,
      stride: 1,
      w: spacing[0],
      *starts() {
        for (let s = 0; s < ny * nz; s++) yield s * nx;
      },
    },
    {
      n: ny,
      stride: nx,
      w: spacing[1],
      *starts() {
        for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) yield i + nx * ny * k;
      },
    },
    {
      n: nz,
      stride: nx * ny,
      w: spacing[2],
      *starts() {
        for (let s = 0; s < nx * ny; s++) yield s;
      },
    },
  ];
  for (const pass of passes) {
    if (pass.n === 1) continue;
    const w2 = pass.w * pass.w;
    for (const start of pass.starts()) {
      let p = start;
      let any = false;
      for (let t = 0; t < pass.n; t++, p += pass.stride) {
        const x = out[p]!;
        f[t] = x;
        if (x !== 0) any = true;
      }
      if (!any) continue;
      envelope1D(f, pass.n, w2, d, v, z);
      p = start;
      for (let t = 0; t < pass.n; t++, p += pass.stride) out[p] = Math.min(d[t]!, FAR);
    }
  }
  return out;
}

/** Distance (mm) from each foreground voxel to the nearest background voxel; 0 on background. */
export function distanceTransform(mask: Mask, dims: Dims3, spacing: Spacing3): Float32Array {
  const out = distanceTransformSquared(mask, dims, spacing);
  for (let p = 0; p < out.length; p++) out[p] = Math.sqrt(out[p]!);
  return out;
}
