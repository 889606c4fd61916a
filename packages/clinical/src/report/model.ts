import type { Side, Zone } from '../anatomy.js';
import type { FleischnerRisk } from '../fleischner.js';
import type { LungRadsCategory } from '../lungRads.js';
import type { LobeCode } from '../severity.js';
import type { Bilingual, Lang, NoduleType } from '../types.js';

/** The report templates (see templates/index.ts for their descriptors). */
export type ReportTemplateId = 'chest-ct' | 'generic';

/** Which guideline the follow-up recommendation follows (a site configuration). */
export type FollowUpGuideline = 'lung-rads' | 'fleischner';

/** DICOM Patient's Sex (0010,0040): F, M, O; undefined when not recorded. */
export type PatientSex = 'F' | 'M' | 'O';

/** A guideline category as the AI result carries it (`system` e.g. `lung-rads-2022`). */
export interface ReportCategory {
  system: string;
  value: string;
  text?: Bilingual;
}

/**
 * One finding as the report sees it: the minimal shape clinical needs (clinical does not import
 * `@lingshu/ai`). The server maps an AI `Finding` onto it (docs/reports.md "Input mapping").
 * Only findings a person accepted (`accepted: true`, possibly `edited`) go into a report.
 */
export interface ReportFinding {
  /** The AI finding id or tracking UID (stable, for linking text back to the finding). */
  id: string;
  kind: 'nodule' | 'mass' | 'emphysema' | 'infection' | 'other';
  accepted: boolean;
  /** A reader changed a measurement, type or location. */
  edited?: boolean;
  side?: Side;
  lobe?: LobeCode;
  zone?: Zone;
  noduleType?: NoduleType;
  longAxisMm?: number;
  shortAxisMm?: number;
  meanDiameterMm?: number;
  solidComponentMm?: number;
  volumeMm3?: number;
  /** Emphysema: % of lung voxels ≤ −950 HU. */
  laa950Percent?: number;
  /** Infection: % of the lungs involved, and the 25-point CT severity score. */
  infectionPercent?: number;
  severityScore?: number;
  categories: ReportCategory[];
  /** A nodule matched with the same nodule on a prior study (noduleMatch.ts). */
  growth?: ReportNoduleGrowth;
  /** `other` findings: their sentence for 影像所见 / 诊断意见 (the generic template uses them). */
  description?: Bilingual;
  impression?: Bilingual;
}

/** Change of a nodule against the prior study it was matched on (growth.ts rules). */
export interface ReportNoduleGrowth {
  /** The prior study's date, YYYY-MM-DD. */
  priorStudyDate: string;
  intervalDays: number;
  priorMeanDiameterMm?: number;
  priorVolumeMm3?: number;
  volumeChangePercent?: number;
  /** Volume doubling time in days; negative while shrinking. */
  volumeDoublingTimeDays?: number;
  /** Lung-RADS v2022: mean diameter +1.5 mm within 12 months. */
  growingLungRads: boolean;
  /** Fleischner 2017: +2 mm. */
  growingFleischner: boolean;
  /** Volume +25 %. */
  growingVolume: boolean;
}

/** Acquisition facts for 检查方法, from the series headers. */
export interface SeriesFacts {
  modality?: string;
  /** Body region in words, e.g. { zh-CN: 胸部, en: chest }; chest CT sets it itself. */
  region?: Bilingual;
  /** true: contrast-enhanced; false: non-contrast; undefined: not known. */
  contrast?: boolean;
  lowDose?: boolean;
  sliceThicknessMm?: number;
  /** Reconstruction kernel (Convolution Kernel, 0018,1210), e.g. `B70f`, `LUNG`. */
  kernel?: string;
}

export interface ReportPatientFacts {
  sex?: PatientSex;
  ageYears?: number;
}

/** Site configuration of report drafting and QC. */
export interface ReportOptions {
  followUpGuideline: FollowUpGuideline;
  /**
   * Nodules with a mean diameter (else long axis) at or above this size must appear in 诊断意见.
   * Default 4 mm: the smallest size at which Lung-RADS v2022 changes a category (new solid
   * nodule 4 to < 6 mm → 3). A project default, not a guideline rule.
   */
  impressionMinNoduleMm: number;
  /** Fleischner risk when the guideline is `fleischner` (unknown → the high-risk row). */
  fleischnerRisk: FleischnerRisk;
}

export const DEFAULT_REPORT_OPTIONS: Readonly<ReportOptions> = Object.freeze({
  followUpGuideline: 'lung-rads',
  impressionMinNoduleMm: 4,
  fleischnerRisk: 'unknown',
});

/** What a template drafts from. */
export interface ReportInput {
  findings: readonly ReportFinding[];
  series: SeriesFacts;
  patient: ReportPatientFacts;
  /** Whether nodule detection ran (false: the report says nothing about nodules). Default true. */
  nodulesAssessed?: boolean;
}

export interface ReportSections {
  /** 检查方法 / Technique. */
  method: string;
  /** 影像所见 / Findings. */
  findings: string;
  /** 诊断意见 / Impression. */
  impression: string;
}

export type SectionKey = keyof ReportSections;
export const SECTION_KEYS: readonly SectionKey[] = ['method', 'findings', 'impression'];

/** One numbered impression the template generated, and the findings it came from. */
export interface ImpressionItem {
  text: string;
  findingIds: string[];
  /** Higher is more severe; items are numbered in descending rank. */
  rank: number;
}

/** The editable text of a report. */
export interface ReportContent {
  sections: ReportSections;
  recommendation: string;
}

/** What the template drafted: the text plus the structured items behind it. */
export interface ReportDraft extends ReportContent {
  templateId: ReportTemplateId;
  language: Lang;
  impressionItems: ImpressionItem[];
  /** Highest Lung-RADS category among the accepted nodules (undefined: none categorised). */
  lungRads?: LungRadsCategory;
}

/** The structured facts a report was drafted from (QC checks the text against them). */
export interface ReportStructured {
  findings: readonly ReportFinding[];
  series: SeriesFacts;
  patient: ReportPatientFacts;
  nodulesAssessed: boolean;
  impressionItems: readonly ImpressionItem[];
  lungRads?: LungRadsCategory;
}

export type ReportStatus = 'draft' | 'signed' | 'amended';
export type VersionKind = 'draft' | 'signature' | 'addendum';

/** Who acts on a report. `canSign` is the caller's permission check (e.g. `report:sign`). */
export interface ReportActor {
  id: string;
  role: string;
  canSign: boolean;
}

export interface Addendum {
  number: number;
  text: string;
  authorId: string;
  role: string;
  at: string;
}

/** The QC outcome recorded with a signature. */
export interface SignatureQc {
  issueCodes: string[];
  blocked: boolean;
  overrideReason?: string;
}

/** One immutable version: the full text at that point and who made it. */
export interface ReportVersion {
  number: number;
  kind: VersionKind;
  sections: ReportSections;
  recommendation: string;
  addenda: readonly Addendum[];
  authorId: string;
  role: string;
  /** ISO 8601. */
  at: string;
  qc?: SignatureQc;
}

export interface Report {
  id: string;
  templateId: ReportTemplateId;
  language: Lang;
  status: ReportStatus;
  sections: ReportSections;
  recommendation: string;
  structured: ReportStructured;
  options: ReportOptions;
  versions: readonly ReportVersion[];
  addenda: readonly Addendum[];
}
