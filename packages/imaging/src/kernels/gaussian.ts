import type { Dims3, NumericArray, Spacing3 } from './types.js';

function kernel1D(sigmaVoxels: number): Float64Array {
  const radius = Math.max(1, Math.ceil(3 * sigmaVoxels));
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let t = -radius; t <= radius; t++) {
    const v = Math.exp(-(t * t) / (2 * sigmaVoxels * sigmaVoxels));
    w[t + radius] = v;
    sum += v;
  }
  for (let t = 0; t < w.length; t++) w[t] = w[t]! / sum;
  return w;
}

/**
 * Separable Gaussian smoothing with standard deviation `sigmaMm` (per axis in mm; an axis whose
 * sigma is below 0.1 voxel is left alone). Borders replicate the edge voxel. Returns Float32.
 */
export function gaussianSmooth(
  values: NumericArray,
  dims: Dims3,
  spacing: Spacing3,
  sigmaMm: number | readonly [number, number, number],
): Float32Array {
  return gaussianSmoothInPlace(Float32Array.from(values), dims, spacing, sigmaMm);
}

/** gaussianSmooth that overwrites `cur` (no copy of a large image) and returns it. */
export function gaussianSmoothInPlace(
  cur: Float32Array,
  dims: Dims3,
  spacing: Spacing3,
  sigmaMm: number | readonly [number, number, number],
): Float32Array {
  const sig = typeof sigmaMm === 'number' ? [sigmaMm, sigmaMm, sigmaMm] : sigmaMm;
  for (const axis of [0, 1, 2] as const) {
    const sv = (sig[axis] ?? 0) / spacing[axis];
    if (sv < 0.1 || dims[axis] === 1) continue;
    const w = kernel1D(sv);
    if (axis === 0) smoothRows(cur, dims, w);
    else smoothAcrossRows(cur, dims, w, axis);
  }
  return cur;
}

/**
 * cur[out + i] = Σ_u w[u] · srcs[u][offs[u] + i] for i in [from, to), each sum in Float64 over its
 * terms in kernel order, four outputs at a time (four independent sums: one sum's chain of
 * additions is what limits the speed).
 */
function weightedSums(
  cur: Float32Array,
  out: number,
  from: number,
  to: number,
  srcs: readonly Float32Array[],
  offs: Int32Array,
  w: Float64Array,
): void {
  const taps = w.length;
  let i = from;
  for (; i + 3 < to; i += 4) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let u = 0; u < taps; u++) {
      const src = srcs[u]!;
      const o = offs[u]! + i;
      const wu = w[u]!;
      a0 += wu * src[o]!;
      a1 += wu * src[o + 1]!;
      a2 += wu * src[o + 2]!;
      a3 += wu * src[o + 3]!;
    }
    cur[out + i] = a0;
    cur[out + i + 1] = a1;
    cur[out + i + 2] = a2;
    cur[out + i + 3] = a3;
  }
  for (; i < to; i++) {
    let acc = 0;
    for (let u = 0; u < taps; u++) acc += w[u]! * srcs[u]![offs[u]! + i]!;
    cur[out + i] = acc;
  }
}

/** Along i (contiguous lines): each line through a copy of it. */
function smoothRows(cur: Float32Array, dims: Dims3, w: Float64Array): void {
  const [nx, ny, nz] = dims;
  const radius = (w.length - 1) / 2;
  // Interior points need no clamping (the same terms in the same order as at the borders).
  const lo = Math.min(radius, nx);
  const hi = Math.max(lo, nx - radius);
  const line = new Float32Array(nx);
  const srcs = new Array<Float32Array>(w.length).fill(line);
  const offs = Int32Array.from(w, (_, u) => u - radius);
  const border = (t: number): number => {
    let acc = 0;
    for (let u = -radius; u <= radius; u++) acc += w[u + radius]! * line[Math.min(nx - 1, Math.max(0, t + u))]!;
    return acc;
  };
  for (let start = 0; start < nx * ny * nz; start += nx) {
    let any = false;
    for (let t = 0; t < nx; t++) {
      const v = cur[start + t]!;
      line[t] = v;
      if (v !== 0) any = true;
    }
    // A line of zeros stays zero (sparse masks and lumps smooth in a fraction of the time).
    if (!any) continue;
    for (let t = 0; t < lo; t++) cur[start + t] = border(t);
    weightedSums(cur, start, lo, hi, srcs, offs, w);
    for (let t = hi; t < nx; t++) cur[start + t] = border(t);
  }
}

/**
 * Along j (axis 1) or k (axis 2), a row of i at a time: each output voxel is the weighted sum of the
 * voxels `radius` rows either side (clamped at the borders), added in Float64 term by term in kernel
 * order, so it gets exactly the sum a line-by-line pass would give, while every read runs along
 * contiguous rows (a strided line gather misses the cache at each step). Sources already
 * overwritten are read from a copy of their original values (the plane, or the last `radius` + 1
 * planes); rows whose sources are all zero stay zero.
 */
function smoothAcrossRows(cur: Float32Array, dims: Dims3, w: Float64Array, axis: 1 | 2): void {
  const [nx, ny, nz] = dims;
  const radius = (w.length - 1) / 2;
  const taps = w.length;
  const plane = nx * ny;
  const rows = ny * nz;
  // Row r = j + ny·k holds a non-zero value.
  const nonZero = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * nx;
    for (let i = 0; i < nx; i++) {
      if (cur[base + i] !== 0) {
        nonZero[r] = 1;
        break;
      }
    }
  }
  const n = axis === 1 ? ny : nz;
  // Per tap: the array holding the source row and the row's offset in it.
  const srcs: Float32Array[] = new Array<Float32Array>(taps).fill(cur);
  const offs = new Int32Array(taps);
  if (axis === 1) {
    const original = new Float32Array(plane);
    srcs.fill(original);
    for (let k = 0; k < nz; k++) {
      const pbase = k * plane;
      original.set(cur.subarray(pbase, pbase + plane));
      for (let j = 0; j < ny; j++) {
        if (!anyNonZero(nonZero, k * ny, j, radius, n, 1)) continue;
        for (let u = 0; u < taps; u++) offs[u] = Math.min(n - 1, Math.max(0, j + u - radius)) * nx;
        weightedSums(cur, pbase + j * nx, 0, nx, srcs, offs, w);
      }
    }
    return;
  }
  // Axis 2: the original values of planes k − radius … k, in a ring of radius + 1 planes.
  const ringSize = radius + 1;
  const ring = Array.from({ length: Math.min(ringSize, nz) }, () => new Float32Array(plane));
  for (let k = 0; k < nz; k++) {
    const pbase = k * plane;
    ring[k % ringSize]!.set(cur.subarray(pbase, pbase + plane));
    for (let j = 0; j < ny; j++) {
      if (!anyNonZero(nonZero, j, k, radius, n, ny)) continue;
      for (let u = 0; u < taps; u++) {
        const s = Math.min(n - 1, Math.max(0, k + u - radius));
        // Planes up to k are overwritten (or about to be): their originals are in the ring.
        srcs[u] = s <= k ? ring[s % ringSize]! : cur;
        offs[u] = (s <= k ? 0 : s * plane) + j * nx;
      }
      weightedSums(cur, pbase + j * nx, 0, nx, srcs, offs, w);
    }
  }
}

/** Whether any row `base + stride·s` for s within `radius` of `t` (clamped to 0 … n − 1) is non-zero. */
function anyNonZero(nonZero: Uint8Array, base: number, t: number, radius: number, n: number, stride: number): boolean {
  for (let s = Math.max(0, t - radius); s <= Math.min(n - 1, t + radius); s++)
    if (nonZero[base + stride * s]) return true;
  return false;
}
