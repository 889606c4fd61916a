import { type Bilingual, type NoduleType, type RuleSource, roundTenth } from './types.js';

/** Lung-RADS v2022 (ACR; RadElement RDES267; Christensen et al., CHEST 2024). */
export const LUNG_RADS_2022: RuleSource = { guideline: 'ACR Lung-RADS', version: 'v2022', year: 2022 };

export type LungRadsCategory = '1' | '2' | '3' | '4A' | '4B' | '4X';

/** Ascending order of suspicion (4X is 3/4 with additional suspicious features). */
export const LUNG_RADS_ORDER: readonly LungRadsCategory[] = ['1', '2', '3', '4A', '4B', '4X'];

/**
 * Screening context of a nodule. `baseline`: first screen (default); `new`: not on the prior;
 * `growing`: mean diameter increase > 1.5 mm within 12 months; `stable`: unchanged against the
 * prior (used with `priorCategory`).
 */
export type LungRadsContext = 'baseline' | 'new' | 'growing' | 'stable';

export interface LungRadsNodule {
  type: NoduleType;
  /** Mean of long and short axis in mm; rounded to 0.1 mm here (Lung-RADS v2022). */
  meanDiameterMm: number;
  /** Mean diameter of the solid component of a part-solid nodule, mm. */
  solidComponentMm?: number;
  volumeMm3?: number;
  /** Juxtapleural/perifissural solid nodule, smooth margins, oval/lentiform/triangular. */
  juxtapleuralSmooth?: boolean;
  context?: LungRadsContext;
  /** Category at the prior screen, for `stable` (3 stable at 6 mo → 2; 4A stable at 3 mo → 3). */
  priorCategory?: LungRadsCategory;
  /** Additional features raising suspicion (e.g. spiculation): upgrades 3/4A/4B to 4X. */
  suspiciousFeatures?: boolean;
}

export interface LungRadsResult {
  category: LungRadsCategory;
  /** The mean diameter as categorised (0.1 mm). */
  meanDiameterMm: number;
  /** > 30 mm: a mass, not a nodule (clinical-reference.md). */
  isMass: boolean;
  management: Bilingual;
  malignancyRisk: Bilingual;
  /** The size rule that decided the category, in English, for audit. */
  rule: string;
  /** Inputs that were assumed. */
  assumed: string[];
  source: RuleSource;
}

const MASS_MM = 30;

interface Decision {
  category: LungRadsCategory;
  rule: string;
}

function solidCategory(d: number, ctx: LungRadsContext, juxtapleural: boolean): Decision {
  if (juxtapleural && ctx !== 'growing' && d < 10) return { category: '2', rule: 'juxtapleural smooth solid < 10 mm' };
  if (ctx === 'growing')
    return d < 8 ? { category: '4A', rule: 'growing < 8 mm' } : { category: '4B', rule: 'growing ≥ 8 mm' };
  if (ctx === 'new') {
    if (d < 4) return { category: '2', rule: 'new < 4 mm' };
    if (d < 6) return { category: '3', rule: 'new 4 to < 6 mm' };
    if (d < 8) return { category: '4A', rule: 'new 6 to < 8 mm' };
    return { category: '4B', rule: 'new ≥ 8 mm' };
  }
  if (d < 6) return { category: '2', rule: 'baseline < 6 mm' };
  if (d < 8) return { category: '3', rule: 'baseline 6 to < 8 mm' };
  if (d < 15) return { category: '4A', rule: 'baseline 8 to < 15 mm' };
  return { category: '4B', rule: 'baseline ≥ 15 mm' };
}

function partSolidCategory(total: number, solid: number, ctx: LungRadsContext): Decision {
  if (ctx === 'new' || ctx === 'growing') {
    // v2022: new or growing solid component ≥ 4 mm → 4B, < 4 mm → 4A; new < 6 mm total → 3.
    if (solid >= 4) return { category: '4B', rule: `${ctx} solid component ≥ 4 mm` };
    if (ctx === 'new' && total < 6) return { category: '3', rule: 'new < 6 mm total' };
    return { category: '4A', rule: `${ctx} solid component < 4 mm` };
  }
  if (total < 6) return { category: '2', rule: 'baseline < 6 mm total' };
  if (solid < 6) return { category: '3', rule: 'baseline ≥ 6 mm total, solid < 6 mm' };
  if (solid < 8) return { category: '4A', rule: 'baseline solid component 6 to < 8 mm' };
  return { category: '4B', rule: 'baseline solid component ≥ 8 mm' };
}

function groundGlassCategory(d: number, ctx: LungRadsContext): Decision {
  if (d < 30) return { category: '2', rule: 'non-solid < 30 mm' };
  if (ctx === 'stable') return { category: '2', rule: 'non-solid ≥ 30 mm stable or slowly growing' };
  return { category: '3', rule: 'non-solid ≥ 30 mm baseline or new' };
}

/** Management per category (reference summary; the exact v2022 wording is unconfirmed). */
export function lungRadsManagement(category: LungRadsCategory, solidAtLeast8mm = false): Bilingual {
  switch (category) {
    case '1':
    case '2':
      return { 'zh-CN': '12个月后低剂量CT复查', en: 'Continue annual screening with LDCT in 12 months' };
    case '3':
      return { 'zh-CN': '6个月后低剂量CT复查', en: 'LDCT in 6 months' };
    case '4A':
      return solidAtLeast8mm
        ? { 'zh-CN': '3个月后低剂量CT复查；可考虑PET/CT', en: 'LDCT in 3 months; PET/CT may be considered' }
        : { 'zh-CN': '3个月后低剂量CT复查', en: 'LDCT in 3 months' };
    case '4B':
    case '4X':
      return solidAtLeast8mm
        ? {
            'zh-CN': '诊断性胸部CT；PET/CT；组织取样和/或转诊',
            en: 'Diagnostic chest CT; PET/CT; tissue sampling and/or referral',
          }
        : {
            'zh-CN': '诊断性胸部CT；组织取样和/或转诊',
            en: 'Diagnostic chest CT; tissue sampling and/or referral',
          };
  }
}

/** Probability of malignancy per category (Lung-RADS v2022 summary). */
export function lungRadsMalignancyRisk(category: LungRadsCategory): Bilingual {
  switch (category) {
    case '1':
    case '2':
      return { 'zh-CN': '恶性概率 < 1%', en: 'Probability of malignancy < 1%' };
    case '3':
      return { 'zh-CN': '恶性概率 1–2%', en: 'Probability of malignancy 1–2%' };
    case '4A':
      return { 'zh-CN': '恶性概率 5–15%', en: 'Probability of malignancy 5–15%' };
    case '4B':
    case '4X':
      return { 'zh-CN': '恶性概率 > 15%', en: 'Probability of malignancy > 15%' };
  }
}

function applyStable(decision: Decision, prior: LungRadsCategory | undefined): Decision {
  if (prior === '3') return { category: '2', rule: 'category 3 stable at 6-month LDCT' };
  if (prior === '4A') return { category: '3', rule: 'category 4A stable at 3-month LDCT' };
  return decision;
}

/**
 * Lung-RADS v2022 category of one screening-CT nodule (clinical-reference.md table). Sizes are
 * mean diameters rounded to 0.1 mm; thresholds are "< x" exactly as the table states.
 */
export function lungRads2022(nodule: LungRadsNodule): LungRadsResult {
  const assumed: string[] = [];
  const d = roundTenth(nodule.meanDiameterMm);
  const ctx = nodule.context ?? 'baseline';
  if (nodule.context === undefined) assumed.push('context: baseline');
  let decision: Decision;
  let solidMm = 0;
  switch (nodule.type) {
    case 'calcified':
      decision = { category: '1', rule: 'benign calcification' };
      break;
    case 'solid':
      solidMm = d;
      decision = solidCategory(d, ctx, nodule.juxtapleuralSmooth === true);
      break;
    case 'part-solid': {
      let solid = nodule.solidComponentMm;
      if (solid === undefined) {
        // Worst case: without a measured solid component, treat the whole nodule as solid.
        solid = d;
        assumed.push('solidComponentMm: equal to mean diameter');
      }
      solidMm = roundTenth(solid);
      decision = partSolidCategory(d, solidMm, ctx);
      break;
    }
    case 'ground-glass':
      decision = groundGlassCategory(d, ctx);
      break;
  }
  if (ctx === 'stable' && nodule.type !== 'ground-glass' && nodule.type !== 'calcified') {
    decision = applyStable(decision, nodule.priorCategory);
  }
  if (nodule.suspiciousFeatures && ['3', '4A', '4B'].includes(decision.category)) {
    decision = { category: '4X', rule: `${decision.rule}; additional suspicious features` };
  }
  return {
    category: decision.category,
    meanDiameterMm: d,
    isMass: d > MASS_MM,
    management: lungRadsManagement(decision.category, solidMm >= 8),
    malignancyRisk: lungRadsMalignancyRisk(decision.category),
    rule: decision.rule,
    assumed,
    source: LUNG_RADS_2022,
  };
}

export interface LungRadsStudyResult {
  category: LungRadsCategory;
  /** Index of the nodule that decided the category (-1 when none). */
  decidingIndex: number;
  perNodule: LungRadsResult[];
  management: Bilingual;
  malignancyRisk: Bilingual;
  source: RuleSource;
}

/** Study category: the most suspicious nodule's category; 1 when there are no nodules. */
export function lungRadsForStudy(nodules: readonly LungRadsNodule[]): LungRadsStudyResult {
  const perNodule = nodules.map(lungRads2022);
  let decidingIndex = -1;
  let rank = 0;
  perNodule.forEach((r, i) => {
    const k = LUNG_RADS_ORDER.indexOf(r.category);
    if (decidingIndex < 0 || k > rank) {
      rank = k;
      decidingIndex = i;
    }
  });
  const deciding = perNodule[decidingIndex];
  const category = deciding?.category ?? '1';
  return {
    category,
    decidingIndex,
    perNodule,
    management: deciding?.management ?? lungRadsManagement('1'),
    malignancyRisk: lungRadsMalignancyRisk(category),
    source: LUNG_RADS_2022,
  };
}
