import type { Volume } from '@lingshu/imaging';
import type { LungSegmentation } from '../lungs/types.js';
import type { Seed } from './candidates.js';
import { type Measured, measureNodule } from './measure.js';
import type { NoduleParams } from './params.js';
import { segmentCandidate } from './segment.js';

/**
 * What one seed gives on its own: a measured nodule that passed every test that does not depend
 * on the other seeds, or the reason it was dropped. `segmented`: the segmentation succeeded (for
 * the run statistics).
 */
export type SeedOutcome = { ok: true; measured: Measured } | { ok: false; reason: string; segmented: boolean };

/** Whether a voxel box reaches the first or last slice of a volume with `nz` slices. */
function touchesScanEnd(box: readonly number[], nz: number): boolean {
  return (box[2] ?? 0) <= 0 || (box[5] ?? 0) >= nz - 1;
}

/**
 * Segmentation, measurement and the shape/size/contact checks of one seed. A pure function of the
 * CT, the lungs and the seed: any thread may compute it, and the detector's merge (detect.ts)
 * adds the tests against nodules accepted before (duplicate, overlap) in seed order.
 */
export function evaluateSeed(
  ct: Volume,
  lungs: LungSegmentation,
  seed: Seed,
  parenchymaHu: number,
  params: NoduleParams,
): SeedOutcome {
  const out = segmentCandidate(ct, lungs.labels, seed, parenchymaHu, params);
  if (!out.ok) return { ok: false, reason: out.reason, segmented: false };
  const drop = (reason: string): SeedOutcome => ({ ok: false, reason, segmented: true });
  const seg = out.value;
  const eqDiameter = Math.cbrt((6 * seg.volumeMm3) / Math.PI);
  if (eqDiameter < params.minDiameterMm) return drop('small');
  const m = measureNodule(ct, lungs, seg, seed.blobness, params);
  if (!m) return drop('unmeasurable');
  const d = m.details;
  if (d.shape.elongation > params.maxElongation) return drop('elongated');
  if (
    d.type === 'ground-glass' &&
    d.meanDiameterMm < params.vesselFragmentMaxDiameterMm &&
    (d.maxHu > params.maxGgnPeakHu || d.meanHu > params.ggnMaxMeanHu)
  ) {
    return drop('vessel-fragment');
  }
  if (
    d.type === 'ground-glass' &&
    d.meanDiameterMm < params.ggnMinDiameterMm &&
    (d.meanDiameterMm < 0.9 * params.ggnMinDiameterMm || d.meanHu - parenchymaHu < params.ggnSmallMinContrastHu)
  ) {
    return drop('small-ggn');
  }
  if (
    d.type !== 'calcified' &&
    d.meanDiameterMm <= params.airwayMaxDiameterMm &&
    d.shape.lumen >= params.lumenMinFraction
  ) {
    return drop('bronchus');
  }
  // Cut by the first or last slice: its extent is unknown (and at the apex the lung mask's
  // closing pulls in soft tissue of the thoracic inlet).
  if (touchesScanEnd(d.boxVoxel, ct.dimensions[2])) return drop('scan-end');
  if (
    d.type === 'solid' &&
    d.meanDiameterMm >= params.fatMinDiameterMm &&
    d.meanHu < params.fatMaxMeanHu &&
    d.shape.pleuralContact >
      (ct.spacing[2] >= params.fatThickSliceMm ? params.fatMinPleuralContact : params.fatMinPleuralContactThin)
  ) {
    return drop('extrapulmonary-fat');
  }
  if (
    ct.spacing[2] >= params.contactInPlaneMinSpacingMm
      ? d.shape.inPlaneContact > params.maxInPlaneContact
      : d.shape.pleuralContact > params.maxPleuralContact
  ) {
    return drop('pleural-contact');
  }
  // Exactly two vessel stumps facing each other, each at least half as thick as the object: a
  // stretch of one vessel (a fusiform widening or a crossing), which the phantoms' vessel trees do
  // not have, so the ranker never learnt it.
  if (
    d.shape.attachments === 2 &&
    d.shape.throughVessel >= params.fusiformMinThroughVessel &&
    d.shape.neckRatio >= params.fusiformMinNeckRatio
  ) {
    return drop('fusiform-vessel');
  }
  if (d.confidence < params.minConfidence) return drop('low-confidence');
  return { ok: true, measured: m };
}
