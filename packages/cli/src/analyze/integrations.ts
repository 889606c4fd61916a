import { type AnalysisResult, type Analyzer, analysisObjects, type StudyInput } from '@lingshu/ai';
import { type ChestCtAnalyzerOptions, createChestCtAnalyzer } from '@lingshu/analyzer-chest-ct';
import { lungRads2022, type NoduleType } from '@lingshu/clinical';
import type { TruthNodule } from '../eval/match.js';
import type { Lang } from '../i18n.js';
import { chestCtSummaryText } from './summary.js';

export type { TracedSeed } from '@lingshu/analyzer-chest-ct';

/** Turns a result into DICOM objects and words. */
export interface ResultExporters {
  /** SEG of the label map (when the result has one) and the SR that references it. */
  objects: (result: AnalysisResult, input: StudyInput, lang: Lang) => { sr: Uint8Array; seg?: Uint8Array };
  summary: (result: AnalysisResult, lang: Lang) => string;
}

/** The chest CT analyzer of `@lingshu/analyzer-chest-ct` with its default nodule detector. */
export async function loadChestCtAnalyzer(options: ChestCtAnalyzerOptions = {}): Promise<Analyzer> {
  return createChestCtAnalyzer(options);
}

/**
 * The DICOM objects of a result: the SEG first (one segment per label, on the analysed series),
 * then the TID 1500 SR whose measurement groups reference it (issue 4, outputs).
 */
export function resultObjects(
  result: AnalysisResult,
  input: StudyInput,
  lang: Lang,
): { sr: Uint8Array; seg?: Uint8Array } {
  const objects = analysisObjects(result, input, { language: lang });
  return { sr: objects.sr.bytes, ...(objects.seg ? { seg: objects.seg.bytes } : {}) };
}

export function defaultExporters(): ResultExporters {
  return { objects: resultObjects, summary: chestCtSummaryText };
}

/**
 * The truth Lung-RADS v2022 category of a phantom nodule: `@lingshu/clinical`'s engine on the
 * truth measurements (baseline screen; smooth solid juxtapleural/perifissural nodules as such;
 * spiculation is not used to upgrade to 4X, since the category rules are size and type rules).
 */
export function truthLungRads(n: TruthNodule): string | null {
  if (!NODULE_TYPES.has(n.type)) return null;
  return lungRads2022({
    type: n.type as NoduleType,
    meanDiameterMm: n.meanDiameterMm,
    volumeMm3: n.volumeMm3,
    ...(n.solidMeanDiameterMm !== undefined ? { solidComponentMm: n.solidMeanDiameterMm } : {}),
    juxtapleuralSmooth:
      n.type === 'solid' && n.shape === 'ellipsoid' && (n.site === 'juxtapleural' || n.site === 'perifissural'),
  }).category;
}

const NODULE_TYPES: ReadonlySet<string> = new Set(['solid', 'part-solid', 'ground-glass', 'calcified']);
