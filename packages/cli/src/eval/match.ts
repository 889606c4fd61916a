import type { Vec3 } from '@lingshu/imaging';

/** A truth nodule as the evaluation needs it (from the phantom's truth.json). */
export interface TruthNodule {
  id: string;
  /** solid | part-solid | ground-glass | calcified */
  type: string;
  shape?: string;
  site?: string;
  centerMm: Vec3;
  meanDiameterMm: number;
  longAxisMm: number;
  shortAxisMm: number;
  volumeMm3: number;
  solidMeanDiameterMm?: number;
}

/** A nodule or mass the analyzer reported. */
export interface Detection {
  id: string;
  centerMm: Vec3;
  /** 0..1; FROC thresholds run over it. */
  confidence: number;
  noduleType?: string;
  meanDiameterMm?: number;
  volumeMm3?: number;
  /** Lung-RADS v2022 category the analyzer gave (e.g. `4A`). */
  lungRads?: string;
}

export interface MatchedPair {
  truth: number;
  detection: number;
  distanceMm: number;
}

export interface MatchResult {
  /** One pair per truth nodule found: its highest-confidence detection within reach. */
  pairs: MatchedPair[];
  /** Indices of truth nodules no detection reached. */
  missed: number[];
  /** Indices of detections that reach no truth nodule. */
  falsePositives: number[];
  /**
   * Indices of further detections of an already-found nodule: neither hits nor false positives
   * (the LUNA16 convention), reported so fragmenting detectors stay visible.
   */
  duplicates: number[];
}

/** The minimum reach of a truth nodule (mm): small nodules still accept a centre 5 mm off. */
export const MIN_MATCH_RADIUS_MM = 5;

/** How far a detection's centre may lie from a truth nodule's centre: max(5 mm, radius). */
export function matchRadiusMm(truth: TruthNodule): number {
  return Math.max(MIN_MATCH_RADIUS_MM, truth.meanDiameterMm / 2);
}

function distance(a: Vec3, b: Vec3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/**
 * Matches detections to truth nodules greedily in order of falling confidence: each detection takes
 * the nearest truth nodule within reach that no more confident detection took. A detection that
 * only reaches already-taken nodules is a duplicate; one that reaches none is a false positive.
 * Greedy by confidence keeps the match stable under any confidence threshold (the FROC relies on it).
 */
export function matchDetections(truth: readonly TruthNodule[], detections: readonly Detection[]): MatchResult {
  const order = detections.map((_, i) => i).sort((a, b) => detections[b]!.confidence - detections[a]!.confidence);
  const taken = new Set<number>();
  const pairs: MatchedPair[] = [];
  const falsePositives: number[] = [];
  const duplicates: number[] = [];
  for (const d of order) {
    const det = detections[d]!;
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    let reachesAny = false;
    truth.forEach((t, i) => {
      const dist = distance(det.centerMm, t.centerMm);
      if (dist > matchRadiusMm(t)) return;
      reachesAny = true;
      if (!taken.has(i) && dist < bestDistance) {
        best = i;
        bestDistance = dist;
      }
    });
    if (best >= 0) {
      taken.add(best);
      pairs.push({ truth: best, detection: d, distanceMm: bestDistance });
    } else if (reachesAny) duplicates.push(d);
    else falsePositives.push(d);
  }
  const missed = truth.map((_, i) => i).filter((i) => !taken.has(i));
  pairs.sort((a, b) => a.truth - b.truth);
  return { pairs, missed, falsePositives: falsePositives.sort((a, b) => a - b), duplicates };
}
