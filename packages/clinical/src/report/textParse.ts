import type { Side } from '../anatomy.js';
import type { LungRadsCategory } from '../lungRads.js';
import { parseLungRadsCategory } from './findings.js';

/**
 * Reading the radiologist's free text (zh-CN and English) for the QC rules. Deliberately
 * simple, explainable patterns: every match can be shown to the reader as the reason.
 */

/** Statements: lines, numbered items and sentences (。；; and ". "), trimmed, non-empty. */
export function statements(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/^\s*\d+\s*[.、)）]\s*/, ''))
    .flatMap((line) => line.split(/[。；;]|\.(?=\s|$)/))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Mentions a lung lesion (nodule or mass). */
export function mentionsLesion(s: string): boolean {
  return /结节|肿块|占位|nodul|mass|lesion/i.test(s);
}

/** A negative statement (未见…结节 / no nodule): it names a side without placing a lesion there. */
export function isNegative(s: string): boolean {
  return /未见|未发现|未显示|无明[显确]|\bno\b|\bwithout\b|\bnot (?:seen|identified|detected)\b/i.test(s);
}

export interface Laterality {
  right: boolean;
  left: boolean;
  both: boolean;
}

const LOBE_ABBREV: Record<string, Side> = { RUL: 'right', RML: 'right', RLL: 'right', LUL: 'left', LLL: 'left' };

/** Sides a statement names: 右肺/右侧/右上叶…, 左…, 双肺/两肺; right/left/bilateral; RUL…LLL. */
export function laterality(s: string): Laterality {
  const out: Laterality = { right: false, left: false, both: false };
  for (const m of s.matchAll(/([左右双两])(?:肺|侧|上叶|中叶|下叶|上野|中野|下野)/g)) {
    if (m[1] === '右') out.right = true;
    else if (m[1] === '左') out.left = true;
    else out.both = true;
  }
  for (const m of s.matchAll(/\b(right|left|bilateral(?:ly)?|both)\b/gi)) {
    const w = (m[1] ?? '').toLowerCase();
    if (w === 'right') out.right = true;
    else if (w === 'left') out.left = true;
    else out.both = true;
  }
  for (const m of s.matchAll(/\b(RUL|RML|RLL|LUL|LLL)\b/g)) {
    const side = LOBE_ABBREV[m[1] ?? ''];
    if (side) out[side] = true;
  }
  return out;
}

/** The one side a statement names, when it names exactly one and not "both". */
export function singleSide(l: Laterality): Side | undefined {
  if (l.both || l.right === l.left) return undefined;
  return l.right ? 'right' : 'left';
}

/** Sizes in mm a statement gives: "8.2×6.1 mm", "8.2 x 6.1mm", "7 mm", "平均径 7.2 mm". */
export function sizesMm(s: string): number[] {
  const out: number[] = [];
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)\s*(?:[×xX*]\s*(\d+(?:\.\d+)?)\s*)?(?:mm|毫米)/g)) {
    out.push(Number(m[1]));
    if (m[2] !== undefined) out.push(Number(m[2]));
  }
  return out;
}

/** Lung-RADS categories a text states: "Lung-RADS 4A", "Lung-RADS分类：3", "Lung-RADS category 4B". */
export function lungRadsMentions(s: string): LungRadsCategory[] {
  const out: LungRadsCategory[] = [];
  for (const m of s.matchAll(
    /Lung-?RADS\s*(?:v?2022\s*)?(?:分类|类别|category|cat\.?)?\s*[:：]?\s*(4[ABXabx]|[0-4])(?![0-9])/gi,
  )) {
    const c = parseLungRadsCategory(m[1] ?? '');
    if (c) out.push(c);
  }
  return out;
}

/** A follow-up or work-up instruction (复查, 随访, 活检…; follow-up, CT in N months, biopsy…). */
export function mentionsFollowUp(s: string): boolean {
  return (
    /复查|随访|复诊|活检|穿刺|组织取样|PET|转诊|会诊|进一步检查/.test(s) ||
    /follow[- ]?up|\b(?:LD)?CT\b[^.;\n]{0,20}\b(?:in|at)\s+\d|biopsy|tissue sampling|referral|\bPET\b|annual screening/i.test(
      s,
    )
  );
}

/** Organs of one sex, in both languages. */
export const SEX_SPECIFIC_TERMS: Readonly<Record<'F' | 'M', readonly RegExp[]>> = Object.freeze({
  F: [
    /子宫/,
    /卵巢/,
    /输卵管/,
    /宫颈/,
    /阴道/,
    /\buter(?:us|ine)\b/i,
    /\bovar(?:y|ies|ian)\b/i,
    /\bfallopian\b/i,
    /\bcervix\b/i,
    /\bvagin/i,
  ],
  M: [
    /前列腺/,
    /睾丸/,
    /精囊/,
    /附睾/,
    /阴囊/,
    /阴茎/,
    /\bprostat/i,
    /\btestic|\btestis|\btestes\b/i,
    /\bseminal vesicle/i,
    /\bepididym/i,
    /\bscrot/i,
    /\bpenile|\bpenis\b/i,
  ],
});

/** The first term of the other sex's organs a text mentions (undefined: none). */
export function oppositeSexTerm(text: string, sex: 'F' | 'M'): string | undefined {
  const other = sex === 'F' ? 'M' : 'F';
  for (const re of SEX_SPECIFIC_TERMS[other]) {
    const m = re.exec(text);
    if (m) return m[0];
  }
  return undefined;
}
