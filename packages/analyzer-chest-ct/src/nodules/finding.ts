import type { ClinicalContext, Finding, GuidelineCategory, Measurement } from '@lingshu/ai';
import { brockProbability, fleischner2017, isUpperLobe, lungRads2022, parseLobe } from '@lingshu/clinical';
import { newUid } from '@lingshu/dicom';
import type { NoduleDetails } from './types.js';

/** SNOMED CT morphologic abnormalities (DICOM CID 6030 style finding codes). */
export const NoduleCodes = {
  nodule: { value: '27925004', scheme: 'SCT', meaning: 'Nodule' },
  mass: { value: '4147007', scheme: 'SCT', meaning: 'Mass' },
} as const;

const HU = "[hnsf'U]";

function measurements(d: NoduleDetails): Measurement[] {
  const out: Measurement[] = [
    { key: 'longAxisMm', value: d.longAxisMm, unit: 'mm' },
    { key: 'shortAxisMm', value: d.shortAxisMm, unit: 'mm' },
    { key: 'meanDiameterMm', value: d.meanDiameterMm, unit: 'mm' },
    { key: 'volumeMm3', value: d.volumeMm3, unit: 'mm3' },
    { key: 'meanHu', value: d.meanHu, unit: HU },
    { key: 'maxHu', value: d.maxHu, unit: HU },
  ];
  if (d.solidComponentMm !== undefined) out.push({ key: 'solidComponentMm', value: d.solidComponentMm, unit: 'mm' });
  return out;
}

/** Lung-RADS v2022, Fleischner 2017 and Brock for one nodule (masses get Lung-RADS only). */
function categories(d: NoduleDetails, noduleCount: number, clinical: ClinicalContext | undefined): GuidelineCategory[] {
  const out: GuidelineCategory[] = [];
  // Smooth margins cannot be judged here; a juxtapleural solid nodule is only categorised as
  // such (category 2 below 10 mm) by a reader, so the flag is not passed.
  const lr = lungRads2022({
    type: d.type,
    meanDiameterMm: d.meanDiameterMm,
    volumeMm3: d.volumeMm3,
    ...(d.solidComponentMm !== undefined ? { solidComponentMm: d.solidComponentMm } : {}),
  });
  out.push({
    system: 'lung-rads-2022',
    value: lr.category,
    text: lr.management,
    ...(lr.assumed.length > 0 ? { assumed: lr.assumed } : {}),
  });
  if (d.isMass || d.type === 'calcified') return out;
  const fl = fleischner2017({
    type: d.type,
    sizeMm: d.meanDiameterMm,
    volumeMm3: d.volumeMm3,
    multiple: noduleCount > 1,
    risk: 'unknown',
    ...(clinical?.ageYears !== undefined ? { ageYears: clinical.ageYears } : {}),
    ...(clinical?.screening !== undefined ? { screening: clinical.screening } : {}),
  });
  if (fl.applicable) {
    out.push({
      system: 'fleischner-2017',
      value: fl.sizeClass ?? '',
      text: fl.recommendation,
      assumed: ['risk: unknown', ...fl.assumed],
    });
  }
  const lobe = parseLobe(d.lobe);
  const br = brockProbability({
    maxDiameterMm: d.longAxisMm,
    type: d.type,
    noduleCount,
    ...(lobe ? { upperLobe: isUpperLobe(lobe) } : {}),
    ...(clinical?.ageYears !== undefined ? { ageYears: clinical.ageYears } : {}),
    ...(clinical?.sex !== undefined ? { sex: clinical.sex } : {}),
    ...(clinical?.familyHistoryOfLungCancer !== undefined ? { familyHistory: clinical.familyHistoryOfLungCancer } : {}),
  });
  out.push({
    system: 'brock',
    value: (Math.round(br.probability * 1000) / 10).toFixed(1),
    ...(br.assumed.length > 0 ? { assumed: br.assumed } : {}),
  });
  return out;
}

/** The result finding of one nodule (type `nodule`, or `mass` above 30 mm). */
export function noduleFinding(
  d: NoduleDetails,
  index: number,
  noduleCount: number,
  clinical?: ClinicalContext,
): Finding {
  const attributes: Finding['attributes'] = {
    noduleType: d.type,
    juxtapleural: d.juxtapleural,
    perifissural: d.perifissural,
    sliceIndex: d.sliceIndex,
  };
  if (d.side) attributes.side = d.side;
  if (d.zone) attributes.zone = d.zone;
  if (d.lobe) attributes.lobe = d.lobe;
  return {
    id: `nodule-${index + 1}`,
    trackingUid: newUid(),
    type: d.isMass ? 'mass' : 'nodule',
    code: d.isMass ? NoduleCodes.mass : NoduleCodes.nodule,
    attributes,
    geometry: {
      centerWorld: d.centerWorld,
      centerVoxel: d.centerVoxel,
      boxVoxel: d.boxVoxel,
      longAxisWorld: d.longAxisWorld,
      shortAxisWorld: d.shortAxisWorld,
      ...(d.referencedSopInstanceUID ? { referencedSopInstanceUID: d.referencedSopInstanceUID } : {}),
    },
    measurements: measurements(d),
    categories: categories(d, noduleCount, clinical),
    confidence: d.confidence,
  };
}
