import type { AnalysisResult, Finding, Measurement } from '@lingshu/ai';
import type { StudyTruth } from '@lingshu/phantom';
import type { Detection, TruthNodule } from './match.js';

/** Finding types that are nodule detections (a nodule > 30 mm is reported as a mass). */
export const NODULE_FINDING_TYPES: ReadonlySet<string> = new Set(['nodule', 'mass']);
export const LUNG_RADS_SYSTEM = 'lung-rads-2022';

export function measurementOf(
  list: readonly Measurement[],
  key: string,
  regions: readonly string[] = [],
): number | undefined {
  const candidates = list.filter((m) => m.key === key);
  for (const region of regions) {
    const m = candidates.find((c) => c.region === region);
    if (m) return m.value;
  }
  return candidates.find((c) => c.region === undefined)?.value;
}

/** A result's nodule and mass findings as detections (findings without geometry cannot be matched). */
export function detectionsOf(result: AnalysisResult): Detection[] {
  return result.findings
    .filter(
      (f): f is Finding & { geometry: NonNullable<Finding['geometry']> } =>
        NODULE_FINDING_TYPES.has(f.type) && !!f.geometry,
    )
    .map((f) => {
      const meanDiameterMm = measurementOf(f.measurements, 'meanDiameterMm');
      const volumeMm3 = measurementOf(f.measurements, 'volumeMm3');
      const lungRads = f.categories.find((c) => c.system === LUNG_RADS_SYSTEM)?.value;
      const noduleType = f.attributes.noduleType;
      return {
        id: f.id,
        centerMm: f.geometry.centerWorld,
        confidence: f.confidence,
        ...(typeof noduleType === 'string' ? { noduleType } : {}),
        ...(meanDiameterMm !== undefined ? { meanDiameterMm } : {}),
        ...(volumeMm3 !== undefined ? { volumeMm3 } : {}),
        ...(lungRads !== undefined ? { lungRads } : {}),
      };
    });
}

/** The truth's nodules (masses included) in the evaluation's terms. */
export function truthNodules(truth: StudyTruth): TruthNodule[] {
  return truth.lesions
    .filter((l) => l.category === 'nodule')
    .map((l) => ({
      id: l.id,
      type: l.type,
      ...(l.shape ? { shape: l.shape } : {}),
      ...(l.site ? { site: l.site } : {}),
      centerMm: l.centerMm,
      meanDiameterMm: l.meanDiameterMm,
      longAxisMm: l.longAxisMm,
      shortAxisMm: l.shortAxisMm,
      volumeMm3: l.volumeMm3,
      ...(l.solidComponent ? { solidMeanDiameterMm: l.solidComponent.meanDiameterMm } : {}),
    }));
}

/** Whole-lung LAA-950 (%) and infection burden (% of lung volume) of the truth, volume-weighted over both lungs. */
export function truthLungFigures(truth: StudyTruth): { laa950Percent: number; infectionPercent: number } | null {
  const lungs = truth.lungs;
  if (!lungs) return null;
  const volume = lungs.right.volumeMl + lungs.left.volumeMl;
  if (volume <= 0) return null;
  const laa =
    (lungs.right.laa950Percent * lungs.right.volumeMl + lungs.left.laa950Percent * lungs.left.volumeMl) / volume;
  const infection = (100 * (lungs.right.infectionVolumeMl + lungs.left.infectionVolumeMl)) / volume;
  return { laa950Percent: laa, infectionPercent: infection };
}

/** Measurement keys the chest CT analyzer reports for the whole lung. */
export const WHOLE_LUNG_REGIONS = ['whole', 'lungs', 'both'] as const;

export function resultLungFigures(result: AnalysisResult): {
  laa950Percent: number | null;
  infectionPercent: number | null;
} {
  return {
    laa950Percent: measurementOf(result.measurements, 'laa950Percent', WHOLE_LUNG_REGIONS) ?? null,
    infectionPercent: measurementOf(result.measurements, 'infectionPercent', WHOLE_LUNG_REGIONS) ?? null,
  };
}
