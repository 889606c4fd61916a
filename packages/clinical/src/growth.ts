import type { RuleSource } from './types.js';

/** Growth thresholds (clinical-reference.md "Lung nodule measurement"). */
export const GROWTH_RULES = {
  lungRads: {
    source: { guideline: 'ACR Lung-RADS', version: 'v2022', year: 2022 } as RuleSource,
    meanDiameterIncreaseMm: 1.5,
    withinMonths: 12,
  },
  fleischner: {
    source: { guideline: 'Fleischner Society', version: '2017', year: 2017 } as RuleSource,
    diameterIncreaseMm: 2,
  },
  volume: {
    source: { guideline: 'BTS / NELSON volumetry', version: 'volume-based growth' } as RuleSource,
    volumeIncreasePercent: 25,
  },
} as const;

const DAYS_PER_MONTH = 365.25 / 12;

/**
 * Volume doubling time VDT = Δt · ln 2 / ln(V2 / V1), in days. Infinite when the volume did not
 * change, negative when it shrank; NaN for non-positive volumes or interval.
 */
export function volumeDoublingTimeDays(v1Mm3: number, v2Mm3: number, days: number): number {
  if (!(v1Mm3 > 0 && v2Mm3 > 0 && days > 0)) return Number.NaN;
  const r = Math.log(v2Mm3 / v1Mm3);
  if (r === 0) return Number.POSITIVE_INFINITY;
  return (days * Math.LN2) / r;
}

/** Lung-RADS growth: mean diameter increase > 1.5 mm within 12 months. */
export function isGrowingLungRads(priorMeanMm: number, currentMeanMm: number, intervalDays: number): boolean {
  const r = GROWTH_RULES.lungRads;
  return intervalDays <= r.withinMonths * DAYS_PER_MONTH && currentMeanMm - priorMeanMm > r.meanDiameterIncreaseMm;
}

/** Fleischner growth: diameter increase ≥ 2 mm. */
export function isGrowingFleischner(priorMm: number, currentMm: number): boolean {
  return currentMm - priorMm >= GROWTH_RULES.fleischner.diameterIncreaseMm;
}

/** Volumetric growth (BTS, NELSON): volume increase ≥ 25 %. */
export function isGrowingVolume(priorMm3: number, currentMm3: number): boolean {
  if (!(priorMm3 > 0)) return false;
  return ((currentMm3 - priorMm3) / priorMm3) * 100 >= GROWTH_RULES.volume.volumeIncreasePercent;
}
