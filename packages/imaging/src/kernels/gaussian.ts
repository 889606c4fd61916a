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
  const [nx, ny, nz] = dims;
  const line = new Float64Array(Math.max(nx, ny, nz));
  for (const axis of [0, 1, 2] as const) {
    const sv = (sig[axis] ?? 0) / spacing[axis];
    const n = dims[axis];
    if (sv < 0.1 || n === 1) continue;
    const w = kernel1D(sv);
    const radius = (w.length - 1) / 2;
    // Interior points need no clamping (the same terms in the same order as at the borders).
    const lo = Math.min(radius, n);
    const hi = Math.max(lo, n - radius);
    const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
    const lines = (nx * ny * nz) / n;
    for (let l = 0; l < lines; l++) {
      const start = axis === 0 ? l * nx : axis === 1 ? (l % nx) + nx * ny * Math.floor(l / nx) : l;
      let p = start;
      let any = false;
      for (let t = 0; t < n; t++, p += stride) {
        const v = cur[p]!;
        line[t] = v;
        if (v !== 0) any = true;
      }
      // A line of zeros stays zero (sparse masks and lumps smooth in a fraction of the time).
      if (!any) continue;
      p = start;
      for (let t = 0; t < n; t++, p += stride) {
        let acc = 0;
        if (t >= lo && t < hi) {
          for (let u = 0, s = t - radius; u < w.length; u++, s++) acc += w[u]! * line[s]!;
          cur[p] = acc;
          continue;
        }
        for (let u = -radius; u <= radius; u++) {
          let s = t + u;
          if (s < 0) s = 0;
          else if (s >= n) s = n - 1;
          acc += w[u + radius]! * line[s]!;
        }
        cur[p] = acc;
      }
    }
  }
  return cur;
}
