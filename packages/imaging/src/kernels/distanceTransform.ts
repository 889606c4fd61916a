import type { Dims3, Mask, Spacing3 } from './types.js';

/** Stands in for "no background voxel on this line yet" (finite so the envelope arithmetic stays exact). */
const FAR = 1e20;

/**
 * One pass of the exact 1D squared distance transform along a line (Felzenszwalb & Huttenlocher,
 * "Distance Transforms of Sampled Functions", Theory of Computing 8, 2012): d(p) = min_q w²(p−q)² + f(q),
 * the lower envelope of parabolas rooted at each q. `w` is the voxel size along the line (mm).
 * The line is f[off … off + n − 1]; the result replaces it. `g` holds f(q) + w²q² per root.
 */
function envelope1D(
  f: Float64Array,
  off: number,
  n: number,
  w2: number,
  d: Float64Array,
  g: Float64Array,
  v: Int32Array,
  z: Float64Array,
): void {
  for (let q = 0; q < n; q++) g[q] = f[off + q]! + w2 * q * q;
  let k = 0;
  v[0] = 0;
  z[0] = Number.NEGATIVE_INFINITY;
  z[1] = Number.POSITIVE_INFINITY;
  for (let q = 1; q < n; q++) {
    const fq = g[q]!;
    let r = v[k]!;
    let s = (fq - g[r]!) / (2 * w2 * (q - r));
    // z[0] is −∞, so k never drops below 0.
    while (s <= z[k]!) {
      k--;
      r = v[k]!;
      s = (fq - g[r]!) / (2 * w2 * (q - r));
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
    d[q] = w2 * (q - r) * (q - r) + f[off + r]!;
  }
  for (let q = 0; q < n; q++) f[off + q] = d[q]!;
}

/** Lines gathered per strided pass: neighbouring lanes share cache lines. */
const LANES = 16;

/**
 * The envelope pass along an axis with `stride` > 1, for `lanes` lines starting at
 * base + lane (lanes are contiguous in memory), LANES lines at a time through a buffer. Lines
 * with no foreground, or no background yet, are left as they are (the pass would not change them).
 */
function stridedPass(
  out: Float32Array,
  base: number,
  lanes: number,
  n: number,
  stride: number,
  w2: number,
  cap: number,
  s: Scratch,
): void {
  const { buf, d, g, v, z } = s;
  for (let l0 = 0; l0 < lanes; l0 += LANES) {
    const m = Math.min(LANES, lanes - l0);
    const start = base + l0;
    for (let t = 0, row = start; t < n; t++, row += stride) {
      for (let l = 0; l < m; l++) buf[l * n + t] = out[row + l]!;
    }
    let changed = false;
    for (let l = 0; l < m; l++) {
      const off = l * n;
      let fg = false;
      let bg = false;
      for (let t = off; t < off + n; t++) {
        const x = buf[t]!;
        if (x !== 0) fg = true;
        if (x !== FAR32) bg = true;
      }
      if (!fg || !bg) continue;
      envelope1D(buf, off, n, w2, d, g, v, z);
      for (let t = off; t < off + n; t++) buf[t] = Math.fround(buf[t]!) > cap ? FAR : buf[t]!;
      changed = true;
    }
    if (!changed) continue;
    for (let t = 0, row = start; t < n; t++, row += stride) {
      for (let l = 0; l < m; l++) out[row + l] = buf[l * n + t]!;
    }
  }
}

interface Scratch {
  buf: Float64Array;
  d: Float64Array;
  g: Float64Array;
  v: Int32Array;
  z: Float64Array;
}

/** FAR as a Float32Array stores it. */
const FAR32 = Math.fround(FAR);

/**
 * Exact Euclidean distance transform with anisotropic voxels: for every foreground voxel the
 * squared distance (mm²) from its centre to the nearest background voxel centre; 0 on background.
 * Separable, linear time (three 1D passes). Voxels of a mask with no background get 1e20, and
 * so do those farther than √capSquared (for callers that only compare with a radius).
 */
export function distanceTransformSquared(mask: Mask, dims: Dims3, spacing: Spacing3, capSquared = FAR): Float32Array {
  // Squared distances above the cap (as stored) are FAR: a sum of squares only grows in later passes.
  const cap = Math.min(capSquared, FAR);
  const [nx, ny, nz] = dims;
  const out = new Float32Array(nx * ny * nz);
  // Along i on the binary mask the envelope is the distance to the nearest background voxel of
  // the row: two sweeps give it (the same values: w²·Δ², or FAR on rows without background).
  const w2x = spacing[0] * spacing[0];
  const ahead = new Float64Array(nx);
  for (let row = 0; row < ny * nz; row++) {
    const start = row * nx;
    let last = -1;
    for (let t = 0; t < nx; t++) {
      if (mask[start + t] === 0) last = t;
      ahead[t] = last < 0 ? FAR : w2x * (t - last) * (t - last);
    }
    last = -1;
    for (let t = nx - 1; t >= 0; t--) {
      if (mask[start + t] === 0) {
        last = t;
        continue;
      }
      const d = last < 0 ? ahead[t]! : Math.min(ahead[t]!, w2x * (last - t) * (last - t));
      out[start + t] = Math.fround(d) > cap ? FAR : d;
    }
  }
  const maxN = Math.max(nx, ny, nz);
  const scratch: Scratch = {
    buf: new Float64Array(LANES * maxN),
    d: new Float64Array(maxN),
    g: new Float64Array(maxN),
    v: new Int32Array(maxN),
    z: new Float64Array(maxN + 1),
  };
  if (ny > 1) {
    const w2 = spacing[1] * spacing[1];
    for (let k = 0; k < nz; k++) stridedPass(out, k * nx * ny, nx, ny, nx, w2, cap, scratch);
  }
  if (nz > 1) stridedPass(out, 0, nx * ny, nz, nx * ny, spacing[2] * spacing[2], cap, scratch);
  return out;
}

/** Distance (mm) from each foreground voxel to the nearest background voxel; 0 on background. */
export function distanceTransform(mask: Mask, dims: Dims3, spacing: Spacing3): Float32Array {
  const out = distanceTransformSquared(mask, dims, spacing);
  for (let p = 0; p < out.length; p++) out[p] = Math.sqrt(out[p]!);
  return out;
}
