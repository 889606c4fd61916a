import { type Location, locationName } from './anatomy.js';
import { emphysemaSummary } from './emphysema.js';
import type { Lang, NoduleType } from './types.js';

/** What a nodule summary needs (analyzers map their own finding types onto this). */
export interface NoduleSummaryInput extends Location {
  type: NoduleType;
  longAxisMm?: number;
  shortAxisMm?: number;
  meanDiameterMm?: number;
  volumeMm3?: number;
  /** Lung-RADS category, e.g. `4A`. */
  lungRads?: string;
}

const MASS_MM = 30;

const TYPE_ZH: Record<NoduleType, string> = {
  solid: '实性',
  'part-solid': '部分实性',
  'ground-glass': '磨玻璃',
  calcified: '钙化',
};
const TYPE_EN: Record<NoduleType, string> = {
  solid: 'Solid',
  'part-solid': 'Part-solid',
  'ground-glass': 'Ground-glass',
  calcified: 'Calcified',
};

function mm(v: number): string {
  return v.toFixed(1);
}

/** Lesion > 30 mm is a mass, not a nodule (clinical-reference.md). */
export function isMass(n: Pick<NoduleSummaryInput, 'longAxisMm' | 'meanDiameterMm'>): boolean {
  return (n.meanDiameterMm ?? n.longAxisMm ?? 0) > MASS_MM;
}

export interface NoduleSummaryOptions {
  /** Also state the mean diameter when both axes are given (the report's 影像所见 does). */
  withMeanDiameter?: boolean;
}

/**
 * One-line nodule description, e.g. 右肺上叶实性结节，大小 8.2×6.1 mm，Lung-RADS 4A /
 * Solid nodule, right upper lobe, 8.2 × 6.1 mm, Lung-RADS 4A.
 */
export function summarizeNodule(n: NoduleSummaryInput, lang: Lang, options: NoduleSummaryOptions = {}): string {
  const mass = isMass(n);
  const bothAxes = n.longAxisMm !== undefined && n.shortAxisMm !== undefined;
  const mean =
    options.withMeanDiameter && bothAxes && n.meanDiameterMm !== undefined ? mm(n.meanDiameterMm) : undefined;
  const where = locationName(n);
  const parts: string[] = [];
  const size =
    n.longAxisMm !== undefined && n.shortAxisMm !== undefined
      ? { zh: `大小 ${mm(n.longAxisMm)}×${mm(n.shortAxisMm)} mm`, en: `${mm(n.longAxisMm)} × ${mm(n.shortAxisMm)} mm` }
      : n.meanDiameterMm !== undefined
        ? { zh: `平均径 ${mm(n.meanDiameterMm)} mm`, en: `mean diameter ${mm(n.meanDiameterMm)} mm` }
        : n.longAxisMm !== undefined
          ? { zh: `大小 ${mm(n.longAxisMm)} mm`, en: `${mm(n.longAxisMm)} mm` }
          : undefined;
  if (lang === 'zh-CN') {
    parts.push(`${where?.['zh-CN'] ?? ''}${TYPE_ZH[n.type]}${mass ? '肿块' : '结节'}`);
    if (size) parts.push(size.zh);
    if (mean) parts.push(`平均径 ${mean} mm`);
    if (n.volumeMm3 !== undefined) parts.push(`体积 ${Math.round(n.volumeMm3)} mm³`);
    if (n.lungRads) parts.push(`Lung-RADS ${n.lungRads}`);
    return parts.join('，');
  }
  parts.push(`${TYPE_EN[n.type]} ${mass ? 'mass' : 'nodule'}`);
  if (where) parts.push(where.en);
  if (size) parts.push(size.en);
  if (mean) parts.push(`mean diameter ${mean} mm`);
  if (n.volumeMm3 !== undefined) parts.push(`volume ${Math.round(n.volumeMm3)} mm³`);
  if (n.lungRads) parts.push(`Lung-RADS ${n.lungRads}`);
  return parts.join(', ');
}

/** Chest CT findings the summary can describe (all optional: absent parts are not mentioned). */
export interface ChestCtSummaryInput {
  /** undefined: nodule detection not run; []: none found. */
  nodules?: NoduleSummaryInput[];
  /** Study-level Lung-RADS category. */
  lungRads?: string;
  emphysema?: { laa950Percent: number; thresholdPercent?: number };
  infection?: { percentOfLungs: number; severityScore?: number };
}

export interface ChestCtSummary {
  lines: string[];
  text: string;
}

/** Findings summary in the report language: nodules, study category, emphysema, infection. */
export function summarizeChestCt(input: ChestCtSummaryInput, lang: Lang): ChestCtSummary {
  const zh = lang === 'zh-CN';
  const lines: string[] = [];
  if (input.nodules) {
    if (input.nodules.length === 0) lines.push(zh ? '未见肺结节' : 'No lung nodules detected');
    for (const n of input.nodules) lines.push(summarizeNodule(n, lang));
  }
  if (input.lungRads) lines.push(zh ? `总体 Lung-RADS ${input.lungRads}` : `Overall Lung-RADS ${input.lungRads}`);
  if (input.emphysema) {
    const s = emphysemaSummary(input.emphysema.laa950Percent, {
      thresholdPercent: input.emphysema.thresholdPercent ?? 5,
    });
    lines.push(s.text[lang]);
  }
  if (input.infection) {
    const p = Math.round(input.infection.percentOfLungs);
    const score = input.infection.severityScore;
    if (zh) lines.push(`感染病灶占全肺 ${p}%${score !== undefined ? `，CT严重度评分 ${score}/25` : ''}`);
    else
      lines.push(
        `Infection-like opacities involve ${p}% of the lungs${score !== undefined ? `, CT severity score ${score}/25` : ''}`,
      );
  }
  return { lines, text: lines.join(zh ? '。\n' : '.\n') + (lines.length ? (zh ? '。' : '.') : '') };
}
