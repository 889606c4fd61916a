import type { Mask, NumericArray } from './types.js';

export interface Histogram {
  /** Lower edge of bin 0. */
  lo: number;
  binWidth: number;
  /** counts[b] = voxels with lo + b·binWidth ≤ v < lo + (b+1)·binWidth. */
  counts: Float64Array;
  /** Voxels below lo / at or above the top edge (not in any bin). */
  under: number;
  over: number;
  total: number;
}

/** Histogram of the voxels inside `mask` (all voxels when omitted) over [lo, hi). */
export function histogram(values: NumericArray, lo: number, hi: number, binWidth: number, mask?: Mask): Histogram {
  const bins = Math.max(1, Math.ceil((hi - lo) / binWidth));
  const counts = new Float64Array(bins);
  let under = 0;
  let over = 0;
  let total = 0;
  for (let p = 0; p < values.length; p++) {
    if (mask && mask[p] === 0) continue;
    total++;
    const b = Math.floor((values[p]! - lo) / binWidth);
    if (b < 0) under++;
    else if (b >= bins) over++;
    else counts[b] = counts[b]! + 1;
  }
  return { lo, binWidth, counts, under, over, total };
}

/**
 * Percentiles (0..100) of the voxels inside `mask`, nearest rank: the smallest value v with at
 * least p% of the voxels ≤ v. Integer-valued arrays are counted in unit bins (exact, linear time);
 * float arrays are sorted. Returns NaN for an empty selection.
 */
export function percentiles(values: NumericArray, ps: readonly number[], mask?: Mask): number[] {
  const integral = !(values instanceof Float32Array || values instanceof Float64Array);
  if (!integral) {
    const sel: number[] = [];
    for (let p = 0; p < values.length; p++) if (mask?.[p] !== 0) sel.push(values[p]!);
    const sorted = Float64Array.from(sel).sort();
    return ps.map((q) => (sorted.length ? sorted[Math.max(0, Math.ceil((q / 100) * sorted.length) - 1)]! : Number.NaN));
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < values.length; p++) {
    if (mask && mask[p] === 0) continue;
    const v = values[p]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return ps.map(() => Number.NaN);
  const h = histogram(values, lo, hi + 1, 1, mask);
  return ps.map((q) => {
    const rank = Math.max(1, Math.ceil((q / 100) * h.total));
    let acc = 0;
    for (let b = 0; b < h.counts.length; b++) {
      acc += h.counts[b]!;
      if (acc >= rank) return lo + b;
    }
    return hi;
  });
}
