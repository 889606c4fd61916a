import type { Volume } from '@lingshu/imaging';
import type { LungSegmentation } from '../lungs/types.js';
import { type CandidateSearch, findCandidates, type Seed } from './candidates.js';
import { evaluateSeed, type SeedOutcome } from './evaluateSeed.js';
import { noduleFinding } from './finding.js';
import type { Measured } from './measure.js';
import { type NoduleParams, noduleParams } from './params.js';
import type { NoduleDetectionOptions, NoduleFinding } from './types.js';

/** Audit counts of one run (why candidates were dropped), for tuning and the eval harness. */
export interface NoduleRunStats {
  localMaxima: number;
  seeds: number;
  segmented: number;
  rejected: Record<string, number>;
  parenchymaHu: number;
  noiseHu: number;
  /** With `options.trace`: every seed with its outcome (`accepted` or the rejection reason), for tuning. */
  trace?: Array<{
    voxel: [number, number, number];
    radiusMm: number;
    outcome: string;
    /** The seed's source when not the candidate mask's distance map. */
    source?: 'solid' | 'ground-glass';
  }>;
}

function abortIf(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}

/**
 * Lung nodule detection, segmentation and measurement on a chest CT (HU) with its lung
 * segmentation: candidates (candidates.ts) → per-candidate segmentation with vessel removal
 * (segment.ts) → shape/size/contact checks → measurements and type (measure.ts) → findings with
 * Lung-RADS v2022, Fleischner 2017 and Brock (finding.ts).
 */
export function detectNodulesWithStats(
  ct: Volume,
  lungs: LungSegmentation,
  options: NoduleDetectionOptions,
): { nodules: NoduleFinding[]; stats: NoduleRunStats } {
  const params = noduleParams(options.parameters);
  abortIf(options.signal);
  const search = findCandidates(ct, lungs.labels, params, lungs.workGrid);
  options.onProgress?.(0.3);
  const n = search.seeds.length;
  return mergeSeedOutcomes(ct, search, params, options, (s, seed) => {
    if (s % 16 === 0) {
      abortIf(options.signal);
      options.onProgress?.(0.3 + (0.65 * s) / Math.max(1, n));
    }
    return evaluateSeed(ct, lungs, seed, search.parenchymaHu, params);
  });
}

/**
 * The detector with the seeds evaluated by `evaluateAll` (e.g. shared among worker threads):
 * it returns each seed's outcome by index, or undefined for one it left out (computed here).
 * The result is the same as detectNodulesWithStats's: the merge runs in seed order.
 */
export async function detectNodulesSharing(
  ct: Volume,
  lungs: LungSegmentation,
  options: NoduleDetectionOptions,
  evaluateAll: (search: CandidateSearch, params: NoduleParams) => Promise<ReadonlyArray<SeedOutcome | undefined>>,
): Promise<{ nodules: NoduleFinding[]; stats: NoduleRunStats }> {
  const params = noduleParams(options.parameters);
  abortIf(options.signal);
  const search = findCandidates(ct, lungs.labels, params, lungs.workGrid);
  options.onProgress?.(0.3);
  const outcomes = await evaluateAll(search, params);
  abortIf(options.signal);
  options.onProgress?.(0.95);
  return mergeSeedOutcomes(
    ct,
    search,
    params,
    options,
    (s, seed) => outcomes[s] ?? evaluateSeed(ct, lungs, seed, search.parenchymaHu, params),
  );
}

/**
 * Seeds in order: one inside (or right beside) a nodule accepted before is that nodule again;
 * otherwise its outcome (`outcomeOf`, called only for such seeds) decides, and an accepted
 * nodule must not overlap one accepted before. The most confident `maxFindings` become findings.
 */
function mergeSeedOutcomes(
  ct: Volume,
  search: CandidateSearch,
  params: NoduleParams,
  options: NoduleDetectionOptions,
  outcomeOf: (s: number, seed: Seed) => SeedOutcome,
): { nodules: NoduleFinding[]; stats: NoduleRunStats } {
  const [nx, ny] = ct.dimensions;
  const rejected: Record<string, number> = {};
  const trace: NonNullable<NoduleRunStats['trace']> = [];
  let current: (typeof trace)[number] | undefined;
  const reject = (why: string): void => {
    rejected[why] = (rejected[why] ?? 0) + 1;
    if (current) current.outcome = why;
  };
  if (options.trace)
    for (const w of search.notBlobs)
      trace.push({
        voxel: [w.i, w.j, w.k],
        radiusMm: Math.round(w.radiusMm * 10) / 10,
        outcome: `not-blob ${w.blobness.toFixed(2)}`,
        ...(w.solid ? { source: 'solid' as const } : w.groundGlass ? { source: 'ground-glass' as const } : {}),
      });
  // Voxels of accepted nodules (a few thousand): a set, not a volume-sized mask whose fresh pages
  // alone cost ≈ 0.3 s on the 2-core machine.
  const taken = new Set<number>();
  const accepted: Measured[] = [];
  let segmented = 0;
  const n = search.seeds.length;
  for (let s = 0; s < n; s++) {
    const seed = search.seeds[s];
    if (!seed) continue;
    if (options.trace)
      current = {
        voxel: [seed.i, seed.j, seed.k],
        radiusMm: Math.round(seed.radiusMm * 10) / 10,
        outcome: 'accepted',
        ...(seed.solid ? { source: 'solid' as const } : seed.groundGlass ? { source: 'ground-glass' as const } : {}),
      };
    if (current) trace.push(current);
    // A seed inside (or right beside) an accepted nodule is that nodule again.
    if (taken.has(seed.i + nx * (seed.j + ny * seed.k))) {
      reject('duplicate');
      continue;
    }
    const out = outcomeOf(s, seed);
    if (!out.ok) {
      if (out.segmented) segmented++;
      reject(out.reason);
      continue;
    }
    segmented++;
    const m = out.measured;
    let overlap = false;
    for (const p of m.voxels) if (taken.has(p)) overlap = true;
    if (overlap) {
      reject('overlap');
      continue;
    }
    for (const p of m.voxels) taken.add(p);
    accepted.push(m);
  }
  accepted.sort((a, b) => b.details.confidence - a.details.confidence || b.details.volumeMm3 - a.details.volumeMm3);
  const kept = accepted.slice(0, params.maxFindings);
  const nodules = kept.map((m, index) => ({
    finding: noduleFinding(m.details, index, kept.length, options.clinical),
    voxels: m.voxels,
    details: m.details,
  }));
  options.onProgress?.(1);
  return {
    nodules,
    stats: {
      localMaxima: search.localMaxima,
      seeds: n,
      segmented,
      rejected,
      parenchymaHu: Math.round(search.parenchymaHu),
      noiseHu: Math.round(search.noiseHu * 10) / 10,
      ...(options.trace ? { trace } : {}),
    },
  };
}

/** `DetectNodules` for the analyzer. */
export function detectNodules(ct: Volume, lungs: LungSegmentation, options: NoduleDetectionOptions): NoduleFinding[] {
  return detectNodulesWithStats(ct, lungs, options).nodules;
}
