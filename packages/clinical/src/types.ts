/** Languages the product reports in. */
export type Lang = 'zh-CN' | 'en';

/** A text in both report languages. */
export interface Bilingual {
  'zh-CN': string;
  en: string;
}

/**
 * Nodule attenuation types (clinical-reference.md "Lung nodule measurement"): solid, part-solid
 * (with a solid component), non-solid / ground-glass (GGN), calcified (benign pattern).
 */
export type NoduleType = 'solid' | 'part-solid' | 'ground-glass' | 'calcified';

/** Where a guideline rule comes from: shown next to every rule and in the docs. */
export interface RuleSource {
  guideline: string;
  version: string;
  /** Omitted where the reference names no year. */
  year?: number;
  /** Set when the reference marks the figure as not confirmed (configurable, not a guideline fact). */
  unconfirmed?: boolean;
}

/** Rounds to 0.1 mm as Lung-RADS v2022 reports diameters (round half up on the decimal value). */
export function roundTenth(v: number): number {
  // Work on the decimal string so 5.95 rounds to 6.0 rather than 5.9 (binary 5.9499…).
  return Math.round(Number((v * 10).toPrecision(12))) / 10;
}
