import type { RuleSource } from './types.js';

/** Brock University (PanCan) full model with spiculation (McWilliams et al., NEJM 2013). */
export const BROCK_2013: RuleSource = { guideline: 'Brock/PanCan full model', version: 'McWilliams NEJM', year: 2013 };

export interface BrockInput {
  ageYears?: number;
  sex?: 'F' | 'M';
  familyHistory?: boolean;
  emphysema?: boolean;
  /** Maximum diameter in mm (the model's published basis). */
  maxDiameterMm: number;
  type: 'solid' | 'part-solid' | 'ground-glass';
  upperLobe?: boolean;
  noduleCount?: number;
  spiculation?: boolean;
}

export interface BrockResult {
  /** Probability of malignancy, 0..1. */
  probability: number;
  logit: number;
  /** Inputs not given, with the value used (e.g. `ageYears: 62`). */
  assumed: string[];
  source: RuleSource;
}

/** Coefficients exactly as in clinical-reference.md (McWilliams 2013, full model with spiculation). */
export const BROCK_COEFFICIENTS = {
  intercept: -6.78917,
  agePerYearFrom62: 0.0286687,
  female: 0.6010727,
  familyHistory: 0.296109,
  emphysema: 0.2953112,
  sizeTransform: -5.385484,
  sizeCentre: 1.58113883,
  partSolid: 0.3769578,
  nonSolid: -0.1276173,
  upperLobe: 0.6581383,
  perNoduleFrom4: -0.0824156,
  spiculation: 0.7729335,
} as const;

function pick<T>(value: T | undefined, fallback: T, name: string, assumed: string[]): T {
  if (value !== undefined) return value;
  assumed.push(`${name}: ${String(fallback)}`);
  return fallback;
}

/**
 * Brock malignancy probability. Missing inputs take the model's reference value (age 62, male, no
 * family history/emphysema/spiculation, not upper lobe, 1 nodule) and are listed in `assumed`.
 */
export function brockProbability(input: BrockInput): BrockResult {
  const c = BROCK_COEFFICIENTS;
  const assumed: string[] = [];
  const age = pick(input.ageYears, 62, 'ageYears', assumed);
  const sex = pick(input.sex, 'M', 'sex', assumed);
  const family = pick(input.familyHistory, false, 'familyHistory', assumed);
  const emphysema = pick(input.emphysema, false, 'emphysema', assumed);
  const upper = pick(input.upperLobe, false, 'upperLobe', assumed);
  const count = pick(input.noduleCount, 1, 'noduleCount', assumed);
  const spiculation = pick(input.spiculation, false, 'spiculation', assumed);
  const size = Math.max(input.maxDiameterMm, 0.1);
  const logit =
    c.intercept +
    c.agePerYearFrom62 * (age - 62) +
    (sex === 'F' ? c.female : 0) +
    (family ? c.familyHistory : 0) +
    (emphysema ? c.emphysema : 0) +
    c.sizeTransform * ((size / 10) ** -0.5 - c.sizeCentre) +
    (input.type === 'part-solid' ? c.partSolid : 0) +
    (input.type === 'ground-glass' ? c.nonSolid : 0) +
    (upper ? c.upperLobe : 0) +
    c.perNoduleFrom4 * (count - 4) +
    (spiculation ? c.spiculation : 0);
  return { probability: 1 / (1 + Math.exp(-logit)), logit, assumed, source: BROCK_2013 };
}
