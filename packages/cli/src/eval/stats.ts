/** Order statistics for the evaluation report (empty input → null, never NaN). */

/** The q-quantile (0..1) with linear interpolation between order statistics (R type 7). */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

export interface ErrorSummary {
  n: number;
  /** Median of the signed errors (bias). */
  medianSigned: number | null;
  medianAbs: number | null;
  p95Abs: number | null;
  maxAbs: number | null;
}

/** Median signed error, and the median, 95th percentile and maximum of the absolute errors. */
export function summariseErrors(errors: readonly number[]): ErrorSummary {
  const abs = errors.map(Math.abs);
  return {
    n: errors.length,
    medianSigned: median(errors),
    medianAbs: median(abs),
    p95Abs: quantile(abs, 0.95),
    maxAbs: abs.length ? Math.max(...abs) : null,
  };
}

/** A fraction with its counts, so a report can say "19/20" and not only 95 %. */
export interface Rate {
  hits: number;
  total: number;
  /** hits / total, or null when total is 0. */
  value: number | null;
}

export function rate(hits: number, total: number): Rate {
  return { hits, total, value: total > 0 ? hits / total : null };
}
