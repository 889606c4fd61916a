import type { Dims3, Mask, NumericArray } from './types.js';

/** Integer block factors [fi, fj, fk] (≥ 1). */
export type Factors3 = readonly [number, number, number];

/** Grid size after block downsampling (partial blocks at the far edges are kept). */
export function downsampledDims(dims: Dims3, f: Factors3): [number, number, number] {
  return [Math.ceil(dims[0] / f[0]), Math.ceil(dims[1] / f[1]), Math.ceil(dims[2] / f[2])];
}

/**
 * Block mean (rounded to integer) of an image; partial edge blocks average what they hold.
 * `into` (optional, every voxel is written): the output array, e.g. one in shared memory.
 * `nextSlab` (optional): which output slice (k) to compute next, until it returns one past the
 * last; by default every slice in order. Each slice is written from its own input slices only,
 * so threads sharing one counter (`Atomics.add`) and one `into` fill it together.
 */
export function downsampleMean(
  values: NumericArray,
  dims: Dims3,
  f: Factors3,
  into?: Int16Array,
  nextSlab?: () => number,
): { values: Int16Array; dims: Dims3 } {
  const [nx, ny, nz] = dims;
  const cd = downsampledDims(dims, f);
  const [cx, cy, cz] = cd;
  if (into && into.length !== cx * cy * cz) throw new RangeError('downsampleMean: output size does not match');
  const out = into ?? new Int16Array(cx * cy * cz);
  // Sums of one coarse slice; voxel counts per block follow from the block's clipped extent.
  const sum = new Float64Array(cx * cy);
  const wi = new Float64Array(cx);
  for (let c = 0; c < cx; c++) wi[c] = Math.min(nx, (c + 1) * f[0]) - c * f[0];
  // 2 × 2 blocks in-plane (the usual factor for 512² CT): both rows of a block in one sweep.
  const pairs = f[0] === 2 && f[1] === 2 && nx % 2 === 0 && ny % 2 === 0;
  const plane = nx * ny;
  let inOrder = 0;
  const take = nextSlab ?? (() => inOrder++);
  for (let kc = take(); kc < cz; kc = take()) {
    const k1 = Math.min(nz, (kc + 1) * f[2]);
    if (pairs && f[2] === 2 && k1 - kc * 2 === 2) {
      // 2 × 2 × 2 blocks: each block summed at once (the same sums, in the same order, as below).
      const o = cx * cy * kc;
      for (let jc = 0; jc < cy; jc++) {
        let p = nx * (2 * jc + ny * 2 * kc);
        for (let c = jc * cx, end = c + cx; c < end; c++, p += 2) {
          const q = p + plane;
          const lower = values[p]! + values[p + 1]! + (values[p + nx]! + values[p + nx + 1]!);
          const v = Math.round((lower + (values[q]! + values[q + 1]!) + (values[q + nx]! + values[q + nx + 1]!)) / 8);
          out[o + c] = v < -32768 ? -32768 : v > 32767 ? 32767 : v;
        }
      }
      continue;
    }
    sum.fill(0);
    for (let k = kc * f[2]; pairs && k < k1; k++) {
      for (let jc = 0; jc < cy; jc++) {
        let p = nx * (2 * jc + ny * k);
        // The same additions in the same order as the general loop below (identical rounding).
        for (let c = jc * cx, end = c + cx; c < end; c++, p += 2) {
          sum[c] = sum[c]! + (values[p]! + values[p + 1]!) + (values[p + nx]! + values[p + nx + 1]!);
        }
      }
    }
    for (let k = kc * f[2]; !pairs && k < k1; k++) {
      for (let j = 0; j < ny; j++) {
        const row = ((j / f[1]) | 0) * cx;
        let p = nx * (j + ny * k);
        // One accumulator per block run keeps the writes to `sum` at one per block.
        for (let c = 0; c < cx; c++) {
          const end = p + wi[c]!;
          let acc = 0;
          for (; p < end; p++) acc += values[p]!;
          sum[row + c] = sum[row + c]! + acc;
        }
      }
    }
    const wk = k1 - kc * f[2];
    for (let jc = 0; jc < cy; jc++) {
      const wj = Math.min(ny, (jc + 1) * f[1]) - jc * f[1];
      for (let c = 0; c < cx; c++) {
        const v = Math.round(sum[jc * cx + c]! / (wi[c]! * wj * wk));
        out[c + cx * (jc + cy * kc)] = v < -32768 ? -32768 : v > 32767 ? 32767 : v;
      }
    }
  }
  return { values: out, dims: cd };
}

/** Block downsampling of a mask: 'any' keeps a block with any foreground, 'majority' with more than half. */
export function downsampleMask(
  mask: Mask,
  dims: Dims3,
  f: Factors3,
  mode: 'any' | 'majority' = 'any',
): { mask: Mask; dims: Dims3 } {
  const [nx, ny, nz] = dims;
  const cd = downsampledDims(dims, f);
  const [cx, cy] = cd;
  const fg = new Uint32Array(cd[0] * cd[1] * cd[2]);
  const all = new Uint32Array(fg.length);
  let p = 0;
  for (let k = 0; k < nz; k++) {
    const kk = ((k / f[2]) | 0) * cx * cy;
    for (let j = 0; j < ny; j++) {
      const row = kk + ((j / f[1]) | 0) * cx;
      for (let i = 0; i < nx; i++, p++) {
        const q = row + ((i / f[0]) | 0);
        all[q] = all[q]! + 1;
        if (mask[p] !== 0) fg[q] = fg[q]! + 1;
      }
    }
  }
  const out = new Uint8Array(fg.length);
  for (let q = 0; q < out.length; q++) out[q] = mode === 'any' ? (fg[q]! > 0 ? 1 : 0) : 2 * fg[q]! > all[q]! ? 1 : 0;
  return { mask: out, dims: cd };
}

/**
 * Nearest-neighbour upsampling of a label or mask grid made by block downsampling with `f`.
 * Each fine row is built once per coarse row and copied to the other rows of its block.
 * `into` (optional, every voxel is written): the output array, e.g. one in shared memory.
 */
export function upsampleLabels(
  coarse: Uint8Array,
  coarseDims: Dims3,
  f: Factors3,
  dims: Dims3,
  into?: Uint8Array,
): Uint8Array {
  const [nx, ny, nz] = dims;
  const [cx, cy] = coarseDims;
  if (into && into.length !== nx * ny * nz) throw new RangeError('upsampleLabels: output size does not match dims');
  const out = into ?? new Uint8Array(nx * ny * nz);
  const ci = new Int32Array(nx);
  for (let i = 0; i < nx; i++) ci[i] = (i / f[0]) | 0;
  // Pairs of equal bytes written as one 16-bit store when blocks are two voxels wide (the most
  // common factor): half the stores on the largest grids.
  const pairs =
    f[0] === 2 && nx % 2 === 0 && out.byteOffset % 2 === 0
      ? new Uint16Array(out.buffer, out.byteOffset, out.length >> 1)
      : undefined;
  const half = nx >> 1;
  for (let k = 0; k < nz; k++) {
    const kc = (k / f[2]) | 0;
    if (k % f[2] !== 0) {
      // Same coarse slice as the previous fine slice: copy the whole plane.
      out.copyWithin(k * nx * ny, (k - 1) * nx * ny, k * nx * ny);
      continue;
    }
    for (let j = 0; j < ny; j++) {
      const p = nx * (j + ny * k);
      if (j % f[1] !== 0) {
        out.copyWithin(p, p - nx, p);
        continue;
      }
      const row = cx * (((j / f[1]) | 0) + cy * kc);
      if (f[0] === 1) {
        out.set(coarse.subarray(row, row + nx), p);
      } else if (pairs) {
        const p2 = p >> 1;
        for (let c = 0; c < half; c++) pairs[p2 + c] = coarse[row + c]! * 257;
      } else {
        for (let i = 0; i < nx; i++) out[p + i] = coarse[row + ci[i]!]!;
      }
    }
  }
  return out;
}
