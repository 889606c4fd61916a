import { type CodeTriplet, SRCodes, UCUM } from '@lingshu/dicom';

/** Private coding scheme for concepts standard terminologies lack (declared in the SR). */
export const LINGSHU_SCHEME = { designator: '99LINGSHU', name: 'Lingshu local codes' } as const;

const local = (value: string, meaning: string): CodeTriplet => ({ value, scheme: LINGSHU_SCHEME.designator, meaning });

/**
 * Finding sites: PS3.16 CID 6170 "Lobe of Lung" codes upper/lower lobe without side, so the side
 * goes in a Laterality modifier (SCT 24028007 Right, 7771000 Left); the middle lobe is unpaired.
 */
export interface LungSite {
  site: CodeTriplet;
  laterality?: CodeTriplet;
}

const UPPER_LOBE: CodeTriplet = { value: '45653009', scheme: 'SCT', meaning: 'Upper lobe of lung' };
const LOWER_LOBE: CodeTriplet = { value: '90572001', scheme: 'SCT', meaning: 'Lower lobe of lung' };

export const LungSiteCodes: Record<string, LungSite> = {
  RUL: { site: UPPER_LOBE, laterality: SRCodes.Right },
  RML: { site: { value: '72481006', scheme: 'SCT', meaning: 'Middle lobe of right lung' } },
  RLL: { site: LOWER_LOBE, laterality: SRCodes.Right },
  LUL: { site: UPPER_LOBE, laterality: SRCodes.Left },
  LLL: { site: LOWER_LOBE, laterality: SRCodes.Left },
  right: { site: { value: '3341006', scheme: 'SCT', meaning: 'Right lung' } },
  left: { site: { value: '44029006', scheme: 'SCT', meaning: 'Left lung' } },
  whole: { site: { value: '39607008', scheme: 'SCT', meaning: 'Lung' } },
};

/** Measurement keys of the AI contract → SR concept names (SCT where the reference gives one). */
const MEASUREMENT_CONCEPTS: Record<string, CodeTriplet> = {
  longAxisMm: SRCodes.Length,
  meanDiameterMm: SRCodes.Diameter,
  volumeMm3: SRCodes.Volume,
  volumeMl: SRCodes.Volume,
  shortAxisMm: local('shortAxisMm', 'Short axis length'),
  solidComponentMm: local('solidComponentMm', 'Solid component diameter'),
  meanHu: local('meanHu', 'Mean attenuation'),
  maxHu: local('maxHu', 'Maximum attenuation'),
  laa950Percent: local('laa950Percent', 'LAA-950'),
  perc15Hu: local('perc15Hu', 'Perc15'),
};

export function measurementConcept(key: string, code?: CodeTriplet): CodeTriplet {
  return code ?? MEASUREMENT_CONCEPTS[key] ?? local(key.slice(0, 16), key);
}

const UNITS: Record<string, CodeTriplet> = {
  mm: UCUM.mm,
  mm3: UCUM.mm3,
  mL: UCUM.mL,
  "[hnsf'U]": UCUM.hu,
  '%': UCUM.percent,
  '1': UCUM.one,
};

export function unitCode(unit: string): CodeTriplet {
  return UNITS[unit] ?? { value: unit, scheme: 'UCUM', meaning: unit };
}

const SYSTEM_MEANINGS: Record<string, string> = {
  'lung-rads-2022': 'Lung-RADS v2022 category',
  'fleischner-2017': 'Fleischner 2017 size class',
  brock: 'Brock malignancy probability (%)',
};

/** Concept name of a guideline category (local code; Lung-RADS has no code in the reference). */
export function categoryConcept(system: string): CodeTriplet {
  return local(system.slice(0, 16), SYSTEM_MEANINGS[system] ?? system);
}

export const RecommendationConcept: CodeTriplet = local('recommendation', 'Recommendation');
