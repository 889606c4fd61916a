import type { Volume } from '@lingshu/imaging';
import type { LungSegmentation } from '../lungs/types.js';
import { findCandidates } from './candidates.js';
import { noduleFinding } from './finding.js';
import { type Measured, measureNodule } from './measure.js';
import { noduleParams } from './params.js';
import { segmentCandidate } from './segment.js';
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
  trace?: Array<{ voxel: [number, number, number]; radiusMm: number; outcome: string }>;
}

function abortIf(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}

/** Whether a voxel box reaches the first or last slice of a volume with `nz` slices. */
function touchesScanEnd(box: readonly number[], nz: number): boolean {
  return (box[2] ?? 0) <= 0 || (box[5] ?? 0) >= nz - 1;
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
  const [nx, ny, nz] = ct.dimensions;
  abortIf(options.signal);
  const search = findCandidates(ct, lungs.labels, params, lungs.workGrid);
  options.onProgress?.(0.3);
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
      current = { voxel: [seed.i, seed.j, seed.k], radiusMm: Math.round(seed.radiusMm * 10) / 10, outcome: 'accepted' };
    if (current) trace.push(current);
    if (s % 16 === 0) {
      abortIf(options.signal);
      options.onProgress?.(0.3 + (0.65 * s) / Math.max(1, n));
    }
    // A seed inside (or right beside) an accepted nodule is that nodule again.
    if (taken.has(seed.i + nx * (seed.j + ny * seed.k))) {
      reject('duplicate');
      continue;
    }
    const out = segmentCandidate(ct, lungs.labels, seed, search.parenchymaHu, params);
    if (!out.ok) {
      reject(out.reason);
      continue;
    }
    segmented++;
    const seg = out.value;
    const eqDiameter = Math.cbrt((6 * seg.volumeMm3) / Math.PI);
    if (eqDiameter < params.minDiameterMm) {
      reject('small');
      continue;
    }
    const m = measureNodule(ct, lungs, seg, seed.blobness, params);
    if (!m) {
      reject('unmeasurable');
      continue;
    }
    if (m.details.shape.elongation > params.maxElongation) {
      reject('elongated');
      continue;
    }
    if (
      m.details.type === 'ground-glass' &&
      (m.details.maxHu > params.maxGgnPeakHu || m.details.meanHu > params.ggnMaxMeanHu)
    ) {
      reject('vessel-fragment');
      continue;
    }
    if (
      m.details.type === 'ground-glass' &&
      m.details.meanDiameterMm < params.ggnMinDiameterMm &&
      (m.details.meanDiameterMm < 0.9 * params.ggnMinDiameterMm ||
        m.details.meanHu - search.parenchymaHu < params.ggnSmallMinContrastHu)
    ) {
      reject('small-ggn');
      continue;
    }
    if (
      m.details.type !== 'calcified' &&
      m.details.meanDiameterMm <= params.airwayMaxDiameterMm &&
      m.details.shape.lumen >= params.lumenMinFraction
    ) {
      reject('bronchus');
      continue;
    }
    if (touchesScanEnd(m.details.boxVoxel, nz)) {
      // Cut by the first or last slice: its extent is unknown (and at the apex the lung mask's
      // closing pulls in soft tissue of the thoracic inlet).
      reject('scan-end');
      continue;
    }
    if (
      m.details.type === 'solid' &&
      m.details.meanDiameterMm >= params.fatMinDiameterMm &&
      m.details.meanHu < params.fatMaxMeanHu &&
      m.details.shape.pleuralContact > 0.02
    ) {
      reject('extrapulmonary-fat');
      continue;
    }
    if (m.details.shape.pleuralContact > params.maxPleuralContact) {
      reject('pleural-contact');
      continue;
    }
    if (m.details.confidence < params.minConfidence) {
      reject('low-confidence');
      continue;
    }
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
