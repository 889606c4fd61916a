import type { Code } from '@lingshu/ai';

/** SNOMED CT concepts (as DICOM PS3.16 uses them) and the project's own for what SCT lacks. */
export const Codes = {
  lung: { value: '39607008', scheme: 'SCT', meaning: 'Lung' },
  rightLung: { value: '3341006', scheme: 'SCT', meaning: 'Right lung' },
  leftLung: { value: '44029006', scheme: 'SCT', meaning: 'Left lung' },
  trachea: { value: '44567001', scheme: 'SCT', meaning: 'Trachea' },
  anatomicalStructure: { value: '123037004', scheme: 'SCT', meaning: 'Anatomical Structure' },
  abnormalStructure: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' },
  emphysema: { value: '87433001', scheme: 'SCT', meaning: 'Pulmonary emphysema' },
  pneumonia: { value: '233604007', scheme: 'SCT', meaning: 'Pneumonia' },
  consolidation: { value: '95436008', scheme: 'SCT', meaning: 'Lung consolidation' },
  groundGlass: { value: 'GGO', scheme: '99LINGSHU', meaning: 'Ground-glass opacity' },
  airways: { value: 'AIRWAY', scheme: '99LINGSHU', meaning: 'Trachea and main bronchi' },
} as const satisfies Record<string, Code>;
