import { isGrowingFleischner, isGrowingLungRads, isGrowingVolume, volumeDoublingTimeDays } from './growth.js';

type Vec3 = readonly [number, number, number];

/** A nodule of one scan as the matcher needs it (patient coordinates, LPS mm). */
export interface NoduleForGrowth {
  id: string;
  /** `left` / `right` when known; nodules on different sides never match. */
  side?: string;
  centerWorld: Vec3;
  meanDiameterMm?: number;
  volumeMm3?: number;
}

/**
 * How far a prior nodule may lie from a current one, after aligning the scans, and still be the
 * same nodule: a base allowance for registration error plus half the larger mean diameter (a
 * growing nodule's centre moves with its edge). Project setting, not a guideline figure.
 */
export const NODULE_MATCH_RULES = {
  baseDistanceMm: 10,
  plusHalfDiameter: true,
} as const;

export interface NoduleMatch {
  priorId: string;
  currentId: string;
  /** Centre distance after alignment (mm). */
  distanceMm: number;
}

const dist = (a: Vec3, b: Vec3): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** The distance under which two nodules may be the same one (NODULE_MATCH_RULES). */
export function matchDistanceLimitMm(prior: NoduleForGrowth, current: NoduleForGrowth): number {
  const d = Math.max(prior.meanDiameterMm ?? 0, current.meanDiameterMm ?? 0);
  return NODULE_MATCH_RULES.baseDistanceMm + (NODULE_MATCH_RULES.plusHalfDiameter ? d / 2 : 0);
}

/**
 * Pairs the nodules of a prior and a current scan one to one. `offsetMm` is what to add to a
 * prior position to bring it into the current scan (e.g. current minus prior lung centre; zero
 * when unknown). Candidate pairs (same side when both sides are known, distance within
 * `matchDistanceLimitMm`) are taken nearest first; each nodule is used at most once.
 */
export function matchNodules(
  prior: readonly NoduleForGrowth[],
  current: readonly NoduleForGrowth[],
  offsetMm: Vec3 = [0, 0, 0],
): NoduleMatch[] {
  const pairs: NoduleMatch[] = [];
  for (const p of prior) {
    const moved: Vec3 = [
      p.centerWorld[0] + offsetMm[0],
      p.centerWorld[1] + offsetMm[1],
      p.centerWorld[2] + offsetMm[2],
    ];
    for (const c of current) {
      if (p.side && c.side && p.side !== c.side) continue;
      const d = dist(moved, c.centerWorld);
      if (d <= matchDistanceLimitMm(p, c)) pairs.push({ priorId: p.id, currentId: c.id, distanceMm: d });
    }
  }
  pairs.sort((a, b) => a.distanceMm - b.distanceMm);
  const usedPrior = new Set<string>();
  const usedCurrent = new Set<string>();
  const out: NoduleMatch[] = [];
  for (const m of pairs) {
    if (usedPrior.has(m.priorId) || usedCurrent.has(m.currentId)) continue;
    usedPrior.add(m.priorId);
    usedCurrent.add(m.currentId);
    out.push(m);
  }
  return out;
}

/** Growth of one matched nodule between two scans. */
export interface NoduleGrowth {
  priorMeanDiameterMm: number | null;
  currentMeanDiameterMm: number | null;
  priorVolumeMm3: number | null;
  currentVolumeMm3: number | null;
  intervalDays: number;
  /** (V2 − V1) / V1 · 100; null without both volumes. */
  volumeChangePercent: number | null;
  /** Volume doubling time (days); null when it is not defined (no change, no volumes, no interval). Negative: shrinking. */
  volumeDoublingTimeDays: number | null;
  /** Lung-RADS v2022: mean diameter +1.5 mm within 12 months. */
  growingLungRads: boolean;
  /** Fleischner 2017: mean diameter +2 mm. */
  growingFleischner: boolean;
  /** BTS / NELSON: volume +25 %. */
  growingVolume: boolean;
}

/** Growth figures and rules (growth.ts) for one prior → current pair. */
export function noduleGrowth(prior: NoduleForGrowth, current: NoduleForGrowth, intervalDays: number): NoduleGrowth {
  const d1 = prior.meanDiameterMm ?? null;
  const d2 = current.meanDiameterMm ?? null;
  const v1 = prior.volumeMm3 ?? null;
  const v2 = current.volumeMm3 ?? null;
  const haveV = v1 !== null && v2 !== null && v1 > 0;
  const vdt = haveV ? volumeDoublingTimeDays(v1, v2, intervalDays) : Number.NaN;
  return {
    priorMeanDiameterMm: d1,
    currentMeanDiameterMm: d2,
    priorVolumeMm3: v1,
    currentVolumeMm3: v2,
    intervalDays,
    volumeChangePercent: haveV ? ((v2 - v1) / v1) * 100 : null,
    volumeDoublingTimeDays: Number.isFinite(vdt) ? vdt : null,
    growingLungRads: d1 !== null && d2 !== null && isGrowingLungRads(d1, d2, intervalDays),
    growingFleischner: d1 !== null && d2 !== null && isGrowingFleischner(d1, d2),
    growingVolume: haveV && isGrowingVolume(v1, v2),
  };
}
