import type { Vec3 } from './shapes.js';

export type NoduleType = 'solid' | 'part-solid' | 'ground-glass' | 'calcified';
export type NoduleShape = 'ellipsoid' | 'lobulated' | 'spiculated';
export type NoduleSite = 'parenchymal' | 'juxtapleural' | 'vessel-attached' | 'perifissural';
export type Side = 'left' | 'right';
export type Lobe = 'RUL' | 'RML' | 'RLL' | 'LUL' | 'LLL';

export interface NoduleSpec {
  id: string;
  type: NoduleType;
  shape: NoduleShape;
  site: NoduleSite;
  lobe: Lobe;
  /** Nominal diameter (mm); the truth reports the measured one. */
  diameterMm: number;
  /** Part-solid: nominal diameter of the solid core (mm). */
  solidCoreMm?: number;
  /** Follow-up studies: volume ratio to baseline (1 = stable, 2 = doubled). */
  volumeChange?: number;
  /** Present only in follow-up studies (a new nodule). */
  newInFollowUp?: boolean;
}

export interface InfectionPatchSpec {
  type: 'ggo' | 'consolidation';
  lobe: Lobe;
  sizeMm: number;
}

export interface ChestPhantomSpec {
  kind: 'chest';
  /** Contrast-enhanced blood (≈ 250 HU) instead of unenhanced (≈ 40 HU). */
  contrast?: boolean;
  /** 0 (none) … 1 (severe centrilobular emphysema, upper-lobe predominant). */
  emphysemaSeverity?: number;
  infection?: InfectionPatchSpec[];
  /** Number of coronary calcium spots. */
  coronaryCalciumSpots?: number;
  pleuralEffusion?: { side: Side; depthMm: number };
  nodules?: NoduleSpec[];
}

export type HaemorrhageType = 'intraparenchymal' | 'subdural' | 'epidural';

export interface HaemorrhageSpec {
  id: string;
  type: HaemorrhageType;
  side: Side;
  /** Intraparenchymal: nominal diameter; subdural/epidural: maximal thickness (mm). */
  sizeMm: number;
}

export interface HeadPhantomSpec {
  kind: 'head';
  haemorrhages?: HaemorrhageSpec[];
}

export type PhantomSpec = ChestPhantomSpec | HeadPhantomSpec;

export type Kernel = 'soft' | 'standard' | 'sharp' | 'lung';
export type Vendor = 'siemens' | 'ge' | 'philips' | 'united-imaging' | 'neusoft';
export type CharacterSet = 'ISO_IR 192' | 'GB18030';

export interface SeriesOptions {
  /** Rows = columns (e.g. 256, 512). */
  matrix: number;
  fieldOfViewMm: number;
  sliceThicknessMm: number;
  /** Distance between slice centres (defaults to the thickness). */
  sliceSpacingMm?: number;
  /** Scan range along z (mm); defaults to the phantom's natural range. */
  zRangeMm?: [number, number];
  kernel: Kernel;
  /** Noise std (HU) for a standard kernel, or a preset: standard ≈ 12, low ≈ 30. */
  dose: 'standard' | 'low' | number;
  vendor: Vendor;
  transferSyntaxUID?: string;
  characterSet?: CharacterSet;
  pixelRepresentation?: 'unsigned' | 'signed';
  seriesNumber?: number;
  seriesDescription?: string;
}

export interface PatientSpec {
  /** PN value, e.g. 'Zhang^San=张^三=zhang^san'. */
  name: string;
  id: string;
  birthDate: string;
  sex: 'M' | 'F' | 'O';
  /** Anatomy seed: the same patient has the same anatomy in every study. */
  anatomySeed: number;
}

export interface StudySpec {
  /** Folder name of the study (e.g. 'chest-baseline'). */
  name: string;
  seed: number;
  patient: PatientSpec;
  studyDate: string;
  studyTime?: string;
  accessionNumber?: string;
  studyDescription?: string;
  institutionName?: string;
  referringPhysicianName?: string;
  phantom: PhantomSpec;
  series: SeriesOptions;
  /** A follow-up: nodules change by their volumeChange; the patient lies shifted by translationMm. */
  followUp?: { monthsAfterBaseline: number; translationMm: Vec3 };
  /** Spacing of the grid that region truth (lung volumes, LAA, infection) is computed on (mm, default 1.5). */
  truthGridMm?: number;
}
