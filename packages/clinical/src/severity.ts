import type { RuleSource } from './types.js';

/** Semi-quantitative CT severity score, 5 lobes × 0–5 (clinical-reference.md, pneumonia burden). */
export const CT_SEVERITY_SCORE: RuleSource = {
  guideline: 'Semi-quantitative CT severity score (25-point)',
  version: '5 lobes × 0–5',
  year: 2020,
};

export type LobeCode = 'RUL' | 'RML' | 'RLL' | 'LUL' | 'LLL';
export const LOBE_CODES: readonly LobeCode[] = ['RUL', 'RML', 'RLL', 'LUL', 'LLL'];

/** Lobe score: 0 none, 1 < 5 %, 2 5–25 %, 3 26–49 %, 4 50–75 %, 5 > 75 % (values between bands go up: 25.5 → 3). */
export function lobeSeverityScore(percent: number): number {
  if (!(percent > 0)) return 0;
  if (percent < 5) return 1;
  if (percent <= 25) return 2;
  if (percent < 50) return 3;
  if (percent <= 75) return 4;
  return 5;
}

export interface CtSeverityResult {
  /** 0–25. */
  total: number;
  max: 25;
  lobes: Array<{ lobe: LobeCode; percent: number; score: number }>;
  /** Lobes without a figure (scored 0). */
  missing: LobeCode[];
  source: RuleSource;
}

/** 25-point CT severity score from per-lobe involvement percentages. */
export function ctSeverityScore(lobePercents: Partial<Record<LobeCode, number>>): CtSeverityResult {
  const missing: LobeCode[] = [];
  const lobes = LOBE_CODES.map((lobe) => {
    const percent = lobePercents[lobe];
    if (percent === undefined) missing.push(lobe);
    const p = percent ?? 0;
    return { lobe, percent: p, score: lobeSeverityScore(p) };
  });
  return { total: lobes.reduce((s, l) => s + l.score, 0), max: 25, lobes, missing, source: CT_SEVERITY_SCORE };
}

/**
 * HU bands for ground-glass opacity and consolidation. NOT standardised (clinical-reference.md:
 * fixed bands are unconfirmed; COVID lesion histograms peak at −500 to −700 HU): configurable,
 * and every result must report the bands it used.
 * GGO: ggoMinHu ≤ HU < ggoMaxHu; consolidation: ggoMaxHu ≤ HU ≤ consolidationMaxHu.
 */
export interface InfectionHuBands {
  ggoMinHu: number;
  ggoMaxHu: number;
  consolidationMaxHu: number;
}

/** Project defaults (not a standard; same as the chest-CT analyzer's defaults). */
export const DEFAULT_INFECTION_HU_BANDS: Readonly<InfectionHuBands> = Object.freeze({
  ggoMinHu: -750,
  ggoMaxHu: -300,
  consolidationMaxHu: 50,
});

export const INFECTION_HU_BANDS_SOURCE: RuleSource = {
  guideline: 'Lingshu default (not standardised)',
  version: '1',
  year: 2026,
  unconfirmed: true,
};

/** Which band a CT value falls in. */
export function classifyInfectionHu(
  hu: number,
  bands: InfectionHuBands = DEFAULT_INFECTION_HU_BANDS,
): 'ggo' | 'consolidation' | 'none' {
  if (hu >= bands.ggoMinHu && hu < bands.ggoMaxHu) return 'ggo';
  if (hu >= bands.ggoMaxHu && hu <= bands.consolidationMaxHu) return 'consolidation';
  return 'none';
}

/** Checks a bands object is ordered; returns a problem description or undefined. */
export function validateInfectionHuBands(b: InfectionHuBands): string | undefined {
  if (![b.ggoMinHu, b.ggoMaxHu, b.consolidationMaxHu].every(Number.isFinite)) return 'bands must be finite numbers';
  if (!(b.ggoMinHu < b.ggoMaxHu && b.ggoMaxHu <= b.consolidationMaxHu))
    return 'bands must satisfy ggoMin < ggoMax ≤ consolidationMax';
  return undefined;
}
