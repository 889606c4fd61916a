/** Free-response ROC: sensitivity against false positives per scan, swept over the confidence. */

/** One scan's matched detections, reduced to what the FROC needs. */
export interface FrocScan {
  /** Confidence of the detection that found each truth nodule (null = missed), one per nodule. */
  hitConfidences: ReadonlyArray<number | null>;
  /** Confidences of the false positives. */
  falsePositiveConfidences: readonly number[];
  /** Which truth nodules count (e.g. only solid ≥ 5 mm); absent = all. */
  include?: readonly boolean[];
}

export interface OperatingPoint {
  /** Detections with confidence ≥ threshold are kept. */
  threshold: number;
  falsePositivesPerScan: number;
  sensitivity: number | null;
}

/** FP/scan rates the LUNA16 challenge reports, the standard FROC abscissae. */
export const FROC_FP_RATES: readonly number[] = [0.125, 0.25, 0.5, 1, 2, 4, 8];

export interface FrocPoint {
  falsePositivesPerScan: number;
  /** Best sensitivity at no more than this many FP/scan (null when no nodule counts). */
  sensitivity: number | null;
  /** The threshold that gives it (null when even the strictest threshold gives too many FPs). */
  threshold: number | null;
}

/** Every distinct operating point, strictest threshold first (the curve runs from few to many FPs). */
export function operatingPoints(scans: readonly FrocScan[]): OperatingPoint[] {
  const hits: number[] = [];
  const fps: number[] = [];
  let total = 0;
  for (const s of scans) {
    s.hitConfidences.forEach((c, i) => {
      if (s.include && !s.include[i]) return;
      total++;
      if (c !== null) hits.push(c);
    });
    fps.push(...s.falsePositiveConfidences);
  }
  const thresholds = [...new Set([...hits, ...fps])].sort((a, b) => b - a);
  const n = Math.max(scans.length, 1);
  return thresholds.map((threshold) => ({
    threshold,
    falsePositivesPerScan: fps.filter((c) => c >= threshold).length / n,
    sensitivity: total > 0 ? hits.filter((c) => c >= threshold).length / total : null,
  }));
}

/**
 * Sensitivity at each FP/scan rate: the most sensitive operating point whose FP/scan does not
 * exceed the rate (no interpolation, so a figure is always one the detector can be set to give).
 * Rates beyond the detector's loosest point get that point's sensitivity.
 */
export function frocPoints(scans: readonly FrocScan[], rates: readonly number[] = FROC_FP_RATES): FrocPoint[] {
  const points = operatingPoints(scans);
  const anyNodule = scans.some((s) => s.hitConfidences.some((_, i) => !s.include || s.include[i]));
  return rates.map((rate) => {
    let best: OperatingPoint | undefined;
    for (const p of points) {
      if (p.falsePositivesPerScan > rate) continue;
      if (!best || (p.sensitivity ?? 0) > (best.sensitivity ?? 0)) best = p;
    }
    if (!anyNodule) return { falsePositivesPerScan: rate, sensitivity: null, threshold: best?.threshold ?? null };
    return { falsePositivesPerScan: rate, sensitivity: best?.sensitivity ?? 0, threshold: best?.threshold ?? null };
  });
}

/**
 * The loosest threshold that keeps FP/scan ≤ `maxFalsePositivesPerScan` (Infinity when even the
 * strictest gives more, so nothing is kept; 0 when there is no detection at all).
 */
export function thresholdAtFpRate(scans: readonly FrocScan[], maxFalsePositivesPerScan: number): number {
  const points = operatingPoints(scans);
  if (points.length === 0) return 0;
  let chosen = Number.POSITIVE_INFINITY;
  for (const p of points) if (p.falsePositivesPerScan <= maxFalsePositivesPerScan) chosen = p.threshold;
  return chosen;
}
