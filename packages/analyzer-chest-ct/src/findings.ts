import type { Finding, Measurement } from '@lingshu/ai';
import { newUid } from '@lingshu/dicom';
import { Codes } from './codes.js';
import type { EmphysemaResult } from './emphysema.js';
import type { InfectionResult } from './infection.js';
import type { LungSegmentation } from './lungs/types.js';

const r1 = (v: number): number => Math.round(v * 10) / 10;

/** Study-level lung volume measurements. */
export function lungVolumeMeasurements(lungs: LungSegmentation): Measurement[] {
  const v = lungs.volumesMl;
  return [
    { key: 'lungVolumeMl', value: r1(v.right), unit: 'mL', code: Codes.rightLung, region: 'right' },
    { key: 'lungVolumeMl', value: r1(v.left), unit: 'mL', code: Codes.leftLung, region: 'left' },
    { key: 'lungVolumeMl', value: r1(v.total), unit: 'mL', code: Codes.lung, region: 'whole' },
    { key: 'airwayVolumeMl', value: r1(v.airway), unit: 'mL', code: Codes.trachea, region: 'airway' },
  ];
}

/** An emphysema finding when whole-lung LAA reaches the threshold (≥ 5 % is a common definition). */
export function emphysemaFinding(e: EmphysemaResult, minLaaPercent: number): Finding | undefined {
  const whole = e.regions.find((r) => r.region === 'whole');
  if (!whole || whole.lungVoxels === 0 || whole.laaPercent < minLaaPercent) return undefined;
  const zones = e.regions.filter((r) => r.region.includes('-'));
  const worst = zones.reduce((a, b) => (b.laaPercent > a.laaPercent ? b : a), zones[0] ?? whole);
  return {
    id: 'emphysema',
    trackingUid: newUid(),
    type: 'emphysema',
    code: Codes.emphysema,
    attributes: { definition: `LAA ${e.definition}`, predominantZone: worst.region },
    measurements: e.measurements.filter((m) => m.region === 'whole'),
    categories: [],
    // A density measurement, not a detection: the figure is exact for the mask; the diagnosis is the reader's.
    confidence: 1,
  };
}

/** An infection-burden finding when abnormal parenchyma reaches the threshold. */
export function infectionFinding(inf: InfectionResult, minPercent: number): Finding | undefined {
  const whole = inf.sides.find((s) => s.region === 'whole');
  if (!whole || whole.percent < minPercent) return undefined;
  const predominant = whole.consolidationMl > whole.ggoMl ? 'consolidation' : 'ground-glass';
  return {
    id: 'infection',
    trackingUid: newUid(),
    type: 'infection',
    code: Codes.pneumonia,
    attributes: { predominantPattern: predominant, severityScore: inf.severityScore },
    measurements: inf.measurements.filter((m) => m.region === 'whole'),
    categories: [],
    // Abnormal attenuation is not specific to infection (oedema, haemorrhage, fibrosis look alike).
    confidence: 0.5,
  };
}
