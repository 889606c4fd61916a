import type { Dataset } from '@lingshu/dicom';
import type { Vec3, Volume } from '@lingshu/imaging';

/** A coded concept (DICOM PS3.16 style): SCT, DCM, LN, or the project's own `99LINGSHU`. */
export interface Code {
  value: string;
  scheme: string;
  meaning: string;
}

/** What an analyzer needs; checked before `run` — a study that fails gets "not applicable". */
export interface InputRequirements {
  modalities: string[];
  /** Body parts (BodyPartExamined values or keywords in descriptions), upper case. */
  bodyParts: string[];
  sliceThicknessMm: { min: number; max: number };
  /** Minimum cranio-caudal coverage in mm. */
  minCoverageMm: number;
  contrast: 'any' | 'required' | 'none';
  minSlices: number;
}

/** The analyzer descriptor: data, so validation, routing, OpenAPI and the UI are generated from it. */
export interface AnalyzerDescriptor {
  id: string;
  version: string;
  name: { 'zh-CN': string; en: string };
  intendedUse: { 'zh-CN': string; en: string };
  requirements: InputRequirements;
  /** Parameters with their defaults (recorded in provenance). */
  parameters: Record<string, number | string | boolean>;
}

/** One series of a study as the analyzer sees it: header datasets (pixels decoded on demand). */
export interface SeriesInput {
  seriesInstanceUID: string;
  /** One dataset per instance (header and pixel data), any order. */
  instances: Array<{ dataset: Dataset; transferSyntaxUID: string; sopInstanceUID: string }>;
}

export interface StudyInput {
  studyInstanceUID: string;
  series: SeriesInput[];
  /** Facts the images cannot give (age, sex, smoking, family history…), from the request. */
  clinical?: ClinicalContext;
}

export interface ClinicalContext {
  ageYears?: number;
  sex?: 'F' | 'M';
  familyHistoryOfLungCancer?: boolean;
  screening?: boolean;
}

export interface Progress {
  /** 0..1 */
  fraction: number;
  /** Stable step id, e.g. `lungs`, `nodules`. */
  step: string;
}

export interface AnalyzerContext {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Overrides of descriptor parameters. */
  parameters?: Record<string, number | string | boolean>;
  now?: () => Date;
}

export interface Measurement {
  /** Stable key, e.g. `longAxisMm`, `volumeMm3`, `meanHu`, `laa950Percent`. */
  key: string;
  value: number;
  /** UCUM unit: mm, mm3, mL, [hnsf'U], %, 1. */
  unit: string;
  code?: Code;
  /** Which region the figure is for (e.g. `whole`, `right`, `left-upper`). */
  region?: string;
}

export interface GuidelineCategory {
  /** e.g. `lung-rads-2022`, `fleischner-2017`, `brock`. */
  system: string;
  value: string;
  /** Recommendation or explanation, bilingual. */
  text?: { 'zh-CN': string; en: string };
  /** Inputs that were assumed because neither DICOM nor the request gave them. */
  assumed?: string[];
}

/** Geometry in both patient (LPS mm) and voxel coordinates of the analysed series. */
export interface FindingGeometry {
  centerWorld: Vec3;
  centerVoxel: Vec3;
  /** Axis-aligned box in voxels [i0,j0,k0,i1,j1,k1] (inclusive). */
  boxVoxel: [number, number, number, number, number, number];
  /** Long-axis end points (world) on the slice of maximal extent, when measured. */
  longAxisWorld?: [Vec3, Vec3];
  shortAxisWorld?: [Vec3, Vec3];
  /** SOP Instance UID of the slice the measurement was taken on. */
  referencedSopInstanceUID?: string;
}

export interface Finding {
  /** Unique within the result; stable tracking UID for SR. */
  id: string;
  trackingUid: string;
  /** e.g. `nodule`, `mass`, `emphysema`, `infection`. */
  type: string;
  code: Code;
  /** Free-form typed attributes, e.g. { noduleType: 'solid', side: 'right', lobe: 'RUL' }. */
  attributes: Record<string, string | number | boolean>;
  geometry?: FindingGeometry;
  measurements: Measurement[];
  categories: GuidelineCategory[];
  /** 0..1 */
  confidence: number;
  /** Index of the segment in the result's label map (1-based), when segmented. */
  segmentNumber?: number;
}

export interface ResultWarning {
  code: string;
  message: string;
}

export interface Provenance {
  analyzerId: string;
  analyzerVersion: string;
  parameters: Record<string, number | string | boolean>;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  inputSopInstanceUIDs: string[];
  startedAt: string;
  finishedAt: string;
  /** Why this series was chosen. */
  seriesSelection?: string;
}

/** Segment description for the label map (becomes a DICOM SEG segment). */
export interface SegmentInfo {
  number: number;
  label: string;
  code: Code;
  /** Anatomic region code (e.g. lung). */
  category: Code;
}

export interface AnalysisResult {
  status: 'ok';
  findings: Finding[];
  /** Study-level measurements (lung volumes, LAA-950, infection %…). */
  measurements: Measurement[];
  warnings: ResultWarning[];
  provenance: Provenance;
  /** Label map on the analysed volume's grid (0 = background), with its segments. */
  labels?: { volume: Volume; segments: SegmentInfo[] };
}

export interface NotApplicable {
  status: 'not-applicable';
  reason: string;
  /** Stable reason code, e.g. `modality`, `slice-thickness`, `coverage`, `no-series`. */
  reasonCode: string;
  analyzerId: string;
  analyzerVersion: string;
}

export type AnalyzerOutcome = AnalysisResult | NotApplicable;

export interface Analyzer {
  descriptor: AnalyzerDescriptor;
  run(input: StudyInput, context?: AnalyzerContext): Promise<AnalyzerOutcome>;
}
