import { LOBE_NAMES, type Side } from '../anatomy.js';
import type { LungRadsCategory } from '../lungRads.js';
import type { Bilingual } from '../types.js';
import { highestLungRads, isNoduleLike, lungRadsOf, lungRadsRank, meanDiameterOf, sideOf } from './findings.js';
import type { Report, ReportContent, ReportFinding, ReportOptions, ReportStructured, SectionKey } from './model.js';
import { SECTION_TITLES } from './templates/index.js';
import {
  isNegative,
  laterality,
  lungRadsMentions,
  mentionsFollowUp,
  mentionsLesion,
  oppositeSexTerm,
  singleSide,
  sizesMm,
  statements,
} from './textParse.js';

export type QcSeverity = 'block' | 'warn';

export type QcRuleCode =
  | 'laterality-mismatch'
  | 'nodule-missing-from-impression'
  | 'empty-section'
  | 'sex-organ-mismatch'
  | 'category-mismatch'
  | 'follow-up-missing';

/** The rule set as data (docs/reports.md lists the same table). */
export const QC_RULES: Readonly<Record<QcRuleCode, { severity: QcSeverity; title: Bilingual }>> = Object.freeze({
  'laterality-mismatch': {
    severity: 'block',
    title: { 'zh-CN': '左右侧与所见矛盾', en: 'Laterality contradicts the findings' },
  },
  'nodule-missing-from-impression': {
    severity: 'warn',
    title: { 'zh-CN': '已测量结节未写入诊断意见', en: 'Measured nodule missing from the impression' },
  },
  'empty-section': { severity: 'block', title: { 'zh-CN': '报告段落为空', en: 'Empty report section' } },
  'sex-organ-mismatch': {
    severity: 'block',
    title: { 'zh-CN': '性别特异器官与患者性别不符', en: "Sex-specific organ does not match the patient's sex" },
  },
  'category-mismatch': {
    severity: 'block',
    title: {
      'zh-CN': '诊断意见分类与所见最高分类不一致',
      en: 'Impression category differs from the highest finding category',
    },
  },
  'follow-up-missing': {
    severity: 'block',
    title: { 'zh-CN': 'Lung-RADS ≥ 3 缺少随访建议', en: 'Follow-up recommendation missing for Lung-RADS ≥ 3' },
  },
});

export interface QcIssue {
  code: QcRuleCode;
  severity: QcSeverity;
  /** The section the problem is in (`recommendation` for the recommendation text). */
  section: SectionKey | 'recommendation';
  reason: Bilingual;
  findingIds: string[];
}

export interface QcResult {
  /** No blocking issue (warnings may remain: they are shown, not enforced). */
  passed: boolean;
  issues: QcIssue[];
}

export interface QcInput {
  content: ReportContent;
  structured: ReportStructured;
  options: ReportOptions;
}

const SIDE: Record<Side, Bilingual> = {
  right: { 'zh-CN': '右侧', en: 'right' },
  left: { 'zh-CN': '左侧', en: 'left' },
};

function issue(code: QcRuleCode, section: QcIssue['section'], reason: Bilingual, findingIds: string[] = []): QcIssue {
  return { code, severity: QC_RULES[code].severity, section, reason, findingIds };
}

function where(f: ReportFinding): Bilingual {
  if (f.lobe) return LOBE_NAMES[f.lobe];
  const side = sideOf(f);
  return side ? SIDE[side] : { 'zh-CN': '未定位', en: 'unlocated' };
}

function sizesOf(f: ReportFinding): number[] {
  return [f.longAxisMm, f.shortAxisMm, meanDiameterOf(f)].filter((v): v is number => v !== undefined);
}

function sameSize(a: number, b: number): boolean {
  return Math.abs(Math.round(a * 10) - Math.round(b * 10)) <= 0;
}

function sizeMatches(f: ReportFinding, stated: readonly number[]): boolean {
  return stated.some((s) => sizesOf(f).some((v) => sameSize(s, v)));
}

function short(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** (a) A statement naming one side, about a nodule the findings place on the other side. */
function lateralityIssues(
  section: 'findings' | 'impression',
  text: string,
  nodules: readonly ReportFinding[],
  allowedSides: ReadonlySet<Side>,
): QcIssue[] {
  const out: QcIssue[] = [];
  for (const s of statements(text)) {
    if (!mentionsLesion(s) || isNegative(s)) continue;
    const side = singleSide(laterality(s));
    if (!side) continue;
    const bySize = nodules.filter((n) => sizeMatches(n, sizesMm(s)));
    const sided = bySize.filter((n) => sideOf(n) !== undefined);
    if (sided.length > 0) {
      if (sided.some((n) => sideOf(n) === side)) continue;
      const n = sided[0] as ReportFinding;
      out.push(
        issue(
          'laterality-mismatch',
          section,
          {
            'zh-CN': `“${short(s)}”写为${SIDE[side]['zh-CN']}，但同一大小的结节位于${where(n)['zh-CN']}`,
            en: `"${short(s)}" says ${SIDE[side].en}, but the nodule of that size is in the ${where(n).en}`,
          },
          sided.map((x) => x.id),
        ),
      );
      continue;
    }
    if (section === 'impression' && allowedSides.size > 0 && !allowedSides.has(side)) {
      out.push(
        issue('laterality-mismatch', section, {
          'zh-CN': `“${short(s)}”写为${SIDE[side]['zh-CN']}，但影像所见中${SIDE[side]['zh-CN']}无结节`,
          en: `"${short(s)}" says ${SIDE[side].en}, but the findings have no nodule on the ${SIDE[side].en}`,
        }),
      );
    }
  }
  return out;
}

/** Whether an impression statement refers to this nodule (size, lobe, or a same-side group). */
function refersTo(s: string, n: ReportFinding): boolean {
  if (!mentionsLesion(s) || isNegative(s)) return false;
  if (sizeMatches(n, sizesMm(s))) return true;
  const lat = laterality(s);
  const side = sideOf(n);
  if (n.lobe) {
    const name = LOBE_NAMES[n.lobe];
    const zhShort = name['zh-CN'].replace('肺', '');
    if (s.includes(name['zh-CN']) || s.includes(zhShort) || s.toLowerCase().includes(name.en) || s.includes(n.lobe))
      return true;
  } else if (side && singleSide(lat) === side) return true;
  const group = /多发|多枚|\d+\s*枚|multiple|nodules/i.test(s);
  return group && (lat.both || (side !== undefined && lat[side]) || side === undefined);
}

function isBlank(text: string): boolean {
  return text.replace(/[\s\d.、。，,;；:：\-—]/g, '').length === 0;
}

/** Runs every QC rule on the text (as edited) against the structured findings. */
export function runQc(input: QcInput): QcResult {
  const { content, structured, options } = input;
  const { sections } = content;
  const issues: QcIssue[] = [];
  const nodules = structured.findings.filter((f) => f.accepted && isNoduleLike(f));

  // (c) empty sections
  for (const key of ['method', 'findings', 'impression'] as const) {
    if (isBlank(sections[key]))
      issues.push(
        issue('empty-section', key, {
          'zh-CN': `“${SECTION_TITLES[key]['zh-CN']}”为空`,
          en: `The ${SECTION_TITLES[key].en} section is empty`,
        }),
      );
  }

  // (a) laterality: impression against the findings (structured, and lesions the reader wrote into 影像所见)
  const allowed = new Set<Side>();
  for (const n of nodules) {
    const side = sideOf(n);
    if (side) allowed.add(side);
  }
  for (const s of statements(sections.findings)) {
    if (!mentionsLesion(s) || isNegative(s)) continue;
    const lat = laterality(s);
    if (lat.right || lat.both) allowed.add('right');
    if (lat.left || lat.both) allowed.add('left');
  }
  issues.push(...lateralityIssues('findings', sections.findings, nodules, new Set()));
  issues.push(...lateralityIssues('impression', sections.impression, nodules, allowed));

  // (b) every measured nodule at or above the threshold appears in the impression
  const impressionStatements = statements(sections.impression);
  for (const n of nodules) {
    const d = meanDiameterOf(n);
    if (d === undefined || d < options.impressionMinNoduleMm) continue;
    if (impressionStatements.some((s) => refersTo(s, n))) continue;
    const size = `${(Math.round(d * 10) / 10).toFixed(1)} mm`;
    issues.push(
      issue(
        'nodule-missing-from-impression',
        'impression',
        {
          'zh-CN': `${where(n)['zh-CN']}结节（平均径 ${size}）未在诊断意见中提及`,
          en: `The ${where(n).en} nodule (mean diameter ${size}) is not mentioned in the impression`,
        },
        [n.id],
      ),
    );
  }

  // (d) organs of the other sex
  const sex = structured.patient.sex;
  if (sex === 'F' || sex === 'M') {
    const texts: Array<[QcIssue['section'], string]> = [
      ['method', sections.method],
      ['findings', sections.findings],
      ['impression', sections.impression],
      ['recommendation', content.recommendation],
    ];
    for (const [section, text] of texts) {
      const term = oppositeSexTerm(text, sex);
      if (term)
        issues.push(
          issue('sex-organ-mismatch', section, {
            'zh-CN': `患者性别为${sex === 'F' ? '女' : '男'}，报告中出现“${term}”`,
            en: `The patient's sex is ${sex === 'F' ? 'female' : 'male'}, but the report mentions "${term}"`,
          }),
        );
    }
  }

  // (e) highest category stated in the impression equals the highest in the findings
  const structuredHighest = highestLungRads(nodules.map(lungRadsOf));
  const findingsHighest = highestLungRads([structuredHighest, ...lungRadsMentions(sections.findings)]);
  const expected: LungRadsCategory | undefined =
    findingsHighest ?? (structured.nodulesAssessed && nodules.length === 0 ? '1' : undefined);
  const impressionHighest = highestLungRads(lungRadsMentions(sections.impression));
  if (impressionHighest && expected && impressionHighest !== expected) {
    issues.push(
      issue('category-mismatch', 'impression', {
        'zh-CN': `诊断意见为 Lung-RADS ${impressionHighest}，但影像所见中最高为 Lung-RADS ${expected}`,
        en: `The impression says Lung-RADS ${impressionHighest}, but the highest category in the findings is Lung-RADS ${expected}`,
      }),
    );
  }

  // (f) category ≥ 3 needs a follow-up recommendation
  const highest = highestLungRads([expected, impressionHighest]);
  if (lungRadsRank(highest) >= lungRadsRank('3')) {
    if (!mentionsFollowUp(content.recommendation) && !mentionsFollowUp(sections.impression))
      issues.push(
        issue('follow-up-missing', 'recommendation', {
          'zh-CN': `Lung-RADS ${highest}，但建议及诊断意见中没有随访或进一步检查建议`,
          en: `Lung-RADS ${highest}, but neither the recommendation nor the impression gives a follow-up or work-up`,
        }),
      );
  }

  return { passed: !issues.some((i) => i.severity === 'block'), issues };
}

/** QC of a report's current text. */
export function runReportQc(report: Report): QcResult {
  return runQc({
    content: { sections: report.sections, recommendation: report.recommendation },
    structured: report.structured,
    options: report.options,
  });
}
