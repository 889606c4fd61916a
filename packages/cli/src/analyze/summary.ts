import type { AnalysisResult, Finding } from '@lingshu/ai';
import {
  type ChestCtSummaryInput,
  type Lang,
  type NoduleSummaryInput,
  type NoduleType,
  summarizeChestCt,
} from '@lingshu/clinical';
import { LUNG_RADS_SYSTEM, measurementOf, NODULE_FINDING_TYPES, WHOLE_LUNG_REGIONS } from '../eval/extract.js';

const NODULE_TYPES: ReadonlySet<string> = new Set(['solid', 'part-solid', 'ground-glass', 'calcified']);
const LOBES: ReadonlySet<string> = new Set(['RUL', 'RML', 'RLL', 'LUL', 'LLL']);
const ZONES: ReadonlySet<string> = new Set(['upper', 'middle', 'lower']);

function noduleInput(f: Finding): NoduleSummaryInput | undefined {
  const type = f.attributes.noduleType;
  if (typeof type !== 'string' || !NODULE_TYPES.has(type)) return undefined;
  const { lobe, side, zone } = f.attributes;
  const m = (key: string): number | undefined => measurementOf(f.measurements, key);
  const n: NoduleSummaryInput = { type: type as NoduleType };
  if (typeof lobe === 'string' && LOBES.has(lobe)) n.lobe = lobe as NonNullable<NoduleSummaryInput['lobe']>;
  if (side === 'left' || side === 'right') n.side = side;
  if (typeof zone === 'string' && ZONES.has(zone)) n.zone = zone as NonNullable<NoduleSummaryInput['zone']>;
  const long = m('longAxisMm');
  const short = m('shortAxisMm');
  const mean = m('meanDiameterMm');
  const volume = m('volumeMm3');
  if (long !== undefined) n.longAxisMm = long;
  if (short !== undefined) n.shortAxisMm = short;
  if (mean !== undefined) n.meanDiameterMm = mean;
  if (volume !== undefined) n.volumeMm3 = volume;
  const category = f.categories.find((c) => c.system === LUNG_RADS_SYSTEM)?.value;
  if (category) n.lungRads = category;
  return n;
}

/** The result in `@lingshu/clinical`'s summary terms (nodules only when the detector ran). */
export function summaryInput(result: AnalysisResult): ChestCtSummaryInput {
  const input: ChestCtSummaryInput = {};
  const detectorRan = !result.warnings.some((w) => w.code === 'nodules-not-analysed');
  if (detectorRan) {
    input.nodules = result.findings
      .filter((f) => NODULE_FINDING_TYPES.has(f.type))
      .map(noduleInput)
      .filter((n): n is NoduleSummaryInput => n !== undefined);
  }
  const laa = measurementOf(result.measurements, 'laa950Percent', WHOLE_LUNG_REGIONS);
  if (laa !== undefined) input.emphysema = { laa950Percent: laa };
  const infection = measurementOf(result.measurements, 'infectionPercent', WHOLE_LUNG_REGIONS);
  const score = measurementOf(result.measurements, 'ctSeverityScore', WHOLE_LUNG_REGIONS);
  if (infection !== undefined && infection > 0) {
    input.infection = { percentOfLungs: infection, ...(score !== undefined ? { severityScore: score } : {}) };
  }
  return input;
}

/** The zh-CN or English findings summary of a chest CT result. */
export function chestCtSummaryText(result: AnalysisResult, lang: Lang): string {
  return summarizeChestCt(summaryInput(result), lang).text;
}
