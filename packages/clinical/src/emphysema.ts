import type { Bilingual, RuleSource } from './types.js';

/** LAA-950 ≥ 5 % is a common emphysema definition (clinical-reference.md) — a default, configurable. */
export const EMPHYSEMA_LAA950: RuleSource = {
  guideline: 'LAA-950 ≥ 5 % (common emphysema definition; COPDGene uses < −950 HU, toolkits ≤)',
  version: 'common definition',
};

export interface EmphysemaOptions {
  /** Threshold in % of lung voxels ≤ −950 HU (default 5). */
  thresholdPercent: number;
}

export const DEFAULT_EMPHYSEMA_OPTIONS: Readonly<EmphysemaOptions> = Object.freeze({ thresholdPercent: 5 });

export interface EmphysemaSummary {
  present: boolean;
  laa950Percent: number;
  thresholdPercent: number;
  text: Bilingual;
  source: RuleSource;
}

/** Emphysema statement from LAA-950 (% of lung voxels ≤ −950 HU on inspiratory CT). */
export function emphysemaSummary(
  laa950Percent: number,
  options: EmphysemaOptions = DEFAULT_EMPHYSEMA_OPTIONS,
): EmphysemaSummary {
  const p = laa950Percent.toFixed(1);
  const present = laa950Percent >= options.thresholdPercent;
  const text: Bilingual = present
    ? { 'zh-CN': `肺气肿 LAA-950 ${p}%`, en: `Emphysema, LAA-950 ${p}%` }
    : { 'zh-CN': `未见明显肺气肿 LAA-950 ${p}%`, en: `No significant emphysema, LAA-950 ${p}%` };
  return { present, laa950Percent, thresholdPercent: options.thresholdPercent, text, source: EMPHYSEMA_LAA950 };
}
