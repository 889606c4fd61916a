import type { Bilingual, NoduleType, RuleSource } from './types.js';

/** Fleischner Society 2017 guideline for incidental pulmonary nodules (MacMahon et al., Radiology 2017). */
export const FLEISCHNER_2017: RuleSource = { guideline: 'Fleischner Society', version: '2017', year: 2017 };

export type FleischnerRisk = 'low' | 'high' | 'unknown';

export interface FleischnerInput {
  type: NoduleType;
  /** Average diameter in mm (preferred). */
  sizeMm?: number;
  /** Volume in mm³ (used when no diameter; thresholds 100 / 250 mm³). */
  volumeMm3?: number;
  multiple: boolean;
  risk: FleischnerRisk;
  ageYears?: number;
  /** Lung-cancer screening: Fleischner does not apply (use Lung-RADS). */
  screening?: boolean;
  knownCancer?: boolean;
  immunosuppressed?: boolean;
}

export interface FleischnerResult {
  applicable: boolean;
  /** Why not applicable (English key: `age`, `screening`, `known-cancer`, `immunosuppressed`, `benign`, `size`). */
  notApplicableReason?: string;
  /** Size class used: `<6`, `6-8`, `>8` (solid) or `<6`, `>=6` (subsolid). */
  sizeClass?: string;
  recommendation: Bilingual;
  assumed: string[];
  source: RuleSource;
}

type SolidClass = '<6' | '6-8' | '>8';

function solidClass(sizeMm: number | undefined, volumeMm3: number | undefined): SolidClass | undefined {
  if (sizeMm !== undefined) return sizeMm < 6 ? '<6' : sizeMm <= 8 ? '6-8' : '>8';
  if (volumeMm3 !== undefined) return volumeMm3 < 100 ? '<6' : volumeMm3 <= 250 ? '6-8' : '>8';
  return undefined;
}

const T = {
  none: { 'zh-CN': '无需常规随访', en: 'No routine follow-up' },
  optional12: { 'zh-CN': '可选：12个月CT复查', en: 'Optional CT at 12 months' },
  single68low: {
    'zh-CN': '6–12个月CT复查，之后考虑18–24个月复查',
    en: 'CT at 6–12 months, then consider CT at 18–24 months',
  },
  single68high: { 'zh-CN': '6–12个月CT复查，之后18–24个月复查', en: 'CT at 6–12 months, then CT at 18–24 months' },
  single8: {
    'zh-CN': '考虑3个月CT复查、PET/CT或组织取样',
    en: 'Consider CT at 3 months, PET/CT, or tissue sampling',
  },
  multiLow: {
    'zh-CN': '3–6个月CT复查，之后考虑18–24个月复查',
    en: 'CT at 3–6 months, then consider CT at 18–24 months',
  },
  multiHigh: { 'zh-CN': '3–6个月CT复查，之后18–24个月复查', en: 'CT at 3–6 months, then CT at 18–24 months' },
  ggnSingle6: {
    'zh-CN': '6–12个月CT复查确认持续存在，之后每2年复查至5年',
    en: 'CT at 6–12 months to confirm persistence, then CT every 2 years until 5 years',
  },
  psSingle6: {
    'zh-CN':
      '3–6个月CT复查确认持续存在；若无变化且实性成分 < 6 mm，每年CT复查共5年（持续存在的实性成分 ≥ 6 mm 高度可疑）',
    en: 'CT at 3–6 months to confirm persistence; if unchanged and solid component < 6 mm, annual CT for 5 years (persistent solid component ≥ 6 mm is highly suspicious)',
  },
  subMulti6less: {
    'zh-CN': '3–6个月CT复查；若稳定，考虑2年和4年时复查',
    en: 'CT at 3–6 months; if stable, consider CT at 2 and 4 years',
  },
  subMulti6: {
    'zh-CN': '3–6个月CT复查，之后根据最可疑的结节处理',
    en: 'CT at 3–6 months; subsequent management based on the most suspicious nodule',
  },
} satisfies Record<string, Bilingual>;

function notApplicable(reason: string, text: Bilingual, assumed: string[]): FleischnerResult {
  return { applicable: false, notApplicableReason: reason, recommendation: text, assumed, source: FLEISCHNER_2017 };
}

/**
 * Fleischner 2017 recommendation for an incidental nodule (clinical-reference.md tables). Multiple
 * nodules: pass the most suspicious one with `multiple: true` — it guides management.
 * Unknown risk is treated as high risk (the more cautious row) and reported in `assumed`.
 */
export function fleischner2017(input: FleischnerInput): FleischnerResult {
  const assumed: string[] = [];
  if (input.screening)
    return notApplicable(
      'screening',
      { 'zh-CN': '不适用：肺癌筛查请使用Lung-RADS', en: 'Not applicable: screening CT (use Lung-RADS)' },
      assumed,
    );
  if (input.ageYears !== undefined && input.ageYears < 35)
    return notApplicable('age', { 'zh-CN': '不适用：年龄 < 35岁', en: 'Not applicable: age < 35 years' }, assumed);
  if (input.knownCancer)
    return notApplicable(
      'known-cancer',
      { 'zh-CN': '不适用：已知恶性肿瘤', en: 'Not applicable: known cancer' },
      assumed,
    );
  if (input.immunosuppressed)
    return notApplicable(
      'immunosuppressed',
      { 'zh-CN': '不适用：免疫抑制患者', en: 'Not applicable: immunosuppressed patient' },
      assumed,
    );
  if (input.ageYears === undefined) assumed.push('ageYears: ≥ 35');
  if (input.type === 'calcified')
    return notApplicable(
      'benign',
      { 'zh-CN': '良性钙化结节，无需随访', en: 'Benign calcified nodule: no follow-up' },
      assumed,
    );
  const cls = solidClass(input.sizeMm, input.volumeMm3);
  if (cls === undefined)
    return notApplicable(
      'size',
      { 'zh-CN': '无法评估：缺少结节大小', en: 'Cannot assess: nodule size missing' },
      assumed,
    );
  const risk = input.risk === 'unknown' ? 'high' : input.risk;
  if (input.risk === 'unknown') assumed.push('risk: high');
  let recommendation: Bilingual;
  let sizeClass: string = cls;
  if (input.type === 'solid') {
    if (cls === '<6') recommendation = risk === 'low' ? T.none : T.optional12;
    else if (!input.multiple)
      recommendation = cls === '>8' ? T.single8 : risk === 'low' ? T.single68low : T.single68high;
    else recommendation = risk === 'low' ? T.multiLow : T.multiHigh;
  } else {
    // Subsolid rows use < 6 mm / ≥ 6 mm (volume < 100 mm³ as the < 6 mm equivalent).
    const small = cls === '<6';
    sizeClass = small ? '<6' : '>=6';
    if (input.multiple) recommendation = small ? T.subMulti6less : T.subMulti6;
    else if (small) recommendation = T.none;
    else recommendation = input.type === 'ground-glass' ? T.ggnSingle6 : T.psSingle6;
  }
  return { applicable: true, sizeClass, recommendation, assumed, source: FLEISCHNER_2017 };
}
