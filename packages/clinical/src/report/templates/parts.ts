import { emphysemaSummary } from '../../emphysema.js';
import { fleischner2017 } from '../../fleischner.js';
import { type LungRadsCategory, lungRadsManagement } from '../../lungRads.js';
import { LOBE_CODES } from '../../severity.js';
import { summarizeChestCt, summarizeNodule } from '../../summary.js';
import type { Lang } from '../../types.js';
import {
  highestLungRads,
  isNoduleLike,
  lungRadsOf,
  lungRadsRank,
  meanDiameterOf,
  noduleSummaryInput,
  sideOf,
} from '../findings.js';
import type { ImpressionItem, ReportFinding, ReportNoduleGrowth, ReportOptions, ReportPatientFacts } from '../model.js';

/** Building blocks both templates draft with (the sentences reuse summary.ts phrasing). */

function end(line: string, lang: Lang): string {
  return line + (lang === 'zh-CN' ? '。' : '.');
}

/** Lines joined as report prose: one sentence per line. */
export function prose(lines: readonly string[], lang: Lang): string {
  return lines.map((l) => end(l, lang)).join('\n');
}

/** 1. … 2. … in descending rank (stable for equal ranks). */
export function numbered(items: readonly ImpressionItem[], lang: Lang): string {
  return [...items]
    .sort((a, b) => b.rank - a.rank)
    .map((item, i) => `${i + 1}. ${end(item.text, lang)}`)
    .join('\n');
}

function anatomicalOrder(a: ReportFinding, b: ReportFinding): number {
  const la = a.lobe ? LOBE_CODES.indexOf(a.lobe) : sideOf(a) === 'left' ? 3.5 : sideOf(a) === 'right' ? 0.5 : 9;
  const lb = b.lobe ? LOBE_CODES.indexOf(b.lobe) : sideOf(b) === 'left' ? 3.5 : sideOf(b) === 'right' ? 0.5 : 9;
  return la - lb || (meanDiameterOf(b) ?? 0) - (meanDiameterOf(a) ?? 0);
}

export function nodulesOf(findings: readonly ReportFinding[]): ReportFinding[] {
  return findings.filter(isNoduleLike).sort(anatomicalOrder);
}

/** Emphysema and infection sentences (summarizeChestCt's wording). */
function parenchymaLines(findings: readonly ReportFinding[], lang: Lang): string[] {
  const emphysema = findings.find((f) => f.kind === 'emphysema' && f.laa950Percent !== undefined);
  const infection = findings.find((f) => f.kind === 'infection' && f.infectionPercent !== undefined);
  return summarizeChestCt(
    {
      ...(emphysema?.laa950Percent !== undefined ? { emphysema: { laa950Percent: emphysema.laa950Percent } } : {}),
      ...(infection?.infectionPercent !== undefined
        ? {
            infection: {
              percentOfLungs: infection.infectionPercent,
              ...(infection.severityScore !== undefined ? { severityScore: infection.severityScore } : {}),
            },
          }
        : {}),
    },
    lang,
  ).lines;
}

/** 影像所见 lines: nodules (anatomical order), emphysema, infection, other findings. */
export function findingLines(
  findings: readonly ReportFinding[],
  lang: Lang,
  opts: { withLungRads: boolean; noNoduleLine: boolean },
): string[] {
  const lines: string[] = [];
  const nodules = nodulesOf(findings);
  if (nodules.length === 0 && opts.noNoduleLine)
    lines.push(lang === 'zh-CN' ? '双肺未见明确结节' : 'No definite lung nodules');
  for (const n of nodules) {
    const line = summarizeNodule(noduleSummaryInput(n, opts.withLungRads), lang, { withMeanDiameter: true });
    lines.push(n.growth ? `${line}${lang === 'zh-CN' ? '；' : '; '}${growthSentence(n, n.growth, lang)}` : line);
  }
  lines.push(...parenchymaLines(findings, lang));
  for (const f of findings) if (f.kind === 'other' && f.description) lines.push(f.description[lang]);
  return lines;
}

const fmt1 = (v: number): string => (Math.round(v * 10) / 10).toFixed(1);

function isGrowing(g: ReportNoduleGrowth): boolean {
  return g.growingLungRads || g.growingFleischner || g.growingVolume;
}

/**
 * The comparison with the prior for 影像所见: "较前（2026-05-25，间隔 182 天）平均径 13.8→17.7 mm，
 * 体积 +92%，体积倍增时间约 193 天，符合增长（Lung-RADS、Fleischner、体积标准）".
 */
export function growthSentence(n: ReportFinding, g: ReportNoduleGrowth, lang: Lang): string {
  const zh = lang === 'zh-CN';
  const parts: string[] = [];
  const now = meanDiameterOf(n);
  if (g.priorMeanDiameterMm !== undefined && now !== undefined)
    parts.push(
      zh
        ? `平均径 ${fmt1(g.priorMeanDiameterMm)}→${fmt1(now)} mm`
        : `mean diameter ${fmt1(g.priorMeanDiameterMm)} → ${fmt1(now)} mm`,
    );
  if (g.volumeChangePercent !== undefined) {
    const pct = Math.round(g.volumeChangePercent);
    parts.push(zh ? `体积 ${pct >= 0 ? '+' : ''}${pct}%` : `volume ${pct >= 0 ? '+' : ''}${pct} %`);
  }
  const vdt = g.volumeDoublingTimeDays;
  if (vdt !== undefined && vdt > 0 && isGrowing(g))
    parts.push(zh ? `体积倍增时间约 ${Math.round(vdt)} 天` : `volume doubling time about ${Math.round(vdt)} days`);
  const rules = [
    g.growingLungRads ? 'Lung-RADS' : undefined,
    g.growingFleischner ? 'Fleischner' : undefined,
    g.growingVolume ? (zh ? '体积' : 'volume') : undefined,
  ].filter((r): r is string => r !== undefined);
  const verdict = zh
    ? rules.length > 0
      ? `符合增长（${rules.join('、')}标准）`
      : '未达增长标准'
    : rules.length > 0
      ? `growing by the ${rules.length > 1 ? `${rules.slice(0, -1).join(', ')} and ${rules.at(-1)}` : rules[0]} criteria`
      : 'not growing by the Lung-RADS, Fleischner or volume criteria';
  const head = zh
    ? `较前（${g.priorStudyDate}，间隔 ${g.intervalDays} 天）`
    : `compared with ${g.priorStudyDate} (${g.intervalDays} days): `;
  return zh
    ? `${head}${[...parts, verdict].join('，')}`
    : `${head}${parts.join(', ')}${parts.length ? '; ' : ''}${verdict}`;
}

function sideWord(nodules: readonly ReportFinding[], lang: Lang): string {
  const sides = new Set(nodules.map(sideOf));
  const zh = lang === 'zh-CN';
  if (sides.size === 1 && sides.has('right')) return zh ? '右肺' : 'right lung';
  if (sides.size === 1 && sides.has('left')) return zh ? '左肺' : 'left lung';
  if (sides.has('right') && sides.has('left')) return zh ? '双肺' : 'both lungs';
  return zh ? '肺内' : 'lungs';
}

function noduleRank(n: ReportFinding): number {
  const r = lungRadsRank(lungRadsOf(n));
  const size = Math.min(meanDiameterOf(n) ?? 0, 99) / 100;
  return (r >= 2 ? 100 + r * 10 : 20 + Math.max(r, 0) * 2) + size;
}

/** 诊断意见 items with their ranks (numbered later, most severe first). */
export function impressionItems(
  findings: readonly ReportFinding[],
  lang: Lang,
  options: ReportOptions,
  opts: { withLungRads: boolean; noNoduleItem: boolean },
): ImpressionItem[] {
  const zh = lang === 'zh-CN';
  const items: ImpressionItem[] = [];
  const nodules = nodulesOf(findings);
  const small: ReportFinding[] = [];
  for (const n of nodules) {
    const d = meanDiameterOf(n);
    if (d !== undefined && d < options.impressionMinNoduleMm) {
      small.push(n);
      continue;
    }
    const { volumeMm3: _v, ...input } = noduleSummaryInput(n, opts.withLungRads);
    const text = summarizeNodule(input, lang);
    const growing = n.growth && isGrowing(n.growth);
    items.push({
      text: growing ? `${text}${zh ? '，较前增大' : `, growing since ${n.growth?.priorStudyDate}`}` : text,
      findingIds: [n.id],
      rank: noduleRank(n),
    });
  }
  if (small.length > 0) {
    const where = sideWord(small, lang);
    const min = options.impressionMinNoduleMm;
    const c = highestLungRads(small.map(lungRadsOf));
    const cat = opts.withLungRads && c ? (zh ? `，Lung-RADS ${c}` : `, Lung-RADS ${c}`) : '';
    const text = zh
      ? `${where}微小结节${small.length}枚（平均径${small.length > 1 ? '均' : ''} < ${min} mm）${cat}`
      : `${small.length} small nodule${small.length > 1 ? 's' : ''} in the ${where} (mean diameter < ${min} mm)${cat}`;
    items.push({ text, findingIds: small.map((n) => n.id), rank: 10 + Math.max(lungRadsRank(c), 0) });
  }
  const infection = findings.find((f) => f.kind === 'infection' && f.infectionPercent !== undefined);
  if (infection?.infectionPercent !== undefined) {
    const p = Math.round(infection.infectionPercent);
    const s = infection.severityScore;
    const text = zh
      ? `肺内感染性病变可能（病灶占全肺 ${p}%${s !== undefined ? `，CT严重度评分 ${s}/25` : ''}）`
      : `Possible pulmonary infection (${p}% of the lungs${s !== undefined ? `, CT severity score ${s}/25` : ''})`;
    items.push({ text, findingIds: [infection.id], rank: 60 });
  }
  const emphysema = findings.find((f) => f.kind === 'emphysema' && f.laa950Percent !== undefined);
  if (emphysema?.laa950Percent !== undefined) {
    const s = emphysemaSummary(emphysema.laa950Percent);
    if (s.present) items.push({ text: s.text[lang], findingIds: [emphysema.id], rank: 50 });
  }
  for (const f of findings)
    if (f.kind === 'other' && f.impression) items.push({ text: f.impression[lang], findingIds: [f.id], rank: 40 });
  if (nodules.length === 0 && opts.noNoduleItem) {
    const cat = opts.withLungRads ? (zh ? '，Lung-RADS 1' : ', Lung-RADS 1') : '';
    items.push({ text: `${zh ? '双肺未见明确结节' : 'No definite lung nodules'}${cat}`, findingIds: [], rank: 0 });
  }
  return items;
}

/** Solid part ≥ 8 mm (Lung-RADS adds PET/CT to 4A/4B management then). */
function solidAtLeast8(n: ReportFinding | undefined): boolean {
  if (!n) return false;
  if (n.noduleType === 'part-solid') return (n.solidComponentMm ?? meanDiameterOf(n) ?? 0) >= 8;
  return n.noduleType !== 'ground-glass' && n.noduleType !== 'calcified' && (meanDiameterOf(n) ?? 0) >= 8;
}

/** The most suspicious nodule: highest Lung-RADS category, then the largest. */
export function mostSuspicious(nodules: readonly ReportFinding[]): ReportFinding | undefined {
  let best: ReportFinding | undefined;
  for (const n of nodules) {
    if (!best) best = n;
    else {
      const d = lungRadsRank(lungRadsOf(n)) - lungRadsRank(lungRadsOf(best));
      if (d > 0 || (d === 0 && (meanDiameterOf(n) ?? 0) > (meanDiameterOf(best) ?? 0))) best = n;
    }
  }
  return best;
}

/** Follow-up recommendation by the configured guideline ('' when nothing to recommend). */
export function recommendationText(
  findings: readonly ReportFinding[],
  lang: Lang,
  options: ReportOptions,
  patient: ReportPatientFacts,
  nodulesAssessed: boolean,
): { text: string; lungRads?: LungRadsCategory } {
  const nodules = nodulesOf(findings);
  const deciding = mostSuspicious(nodules);
  const sep = lang === 'zh-CN' ? '：' : ': ';
  const category = deciding ? lungRadsOf(deciding) : nodulesAssessed ? '1' : undefined;
  const withCategory = category ? { lungRads: category } : {};
  if (options.followUpGuideline === 'lung-rads') {
    if (!category) return { text: '' };
    const m = lungRadsManagement(category, solidAtLeast8(deciding));
    return { text: `Lung-RADS ${category}${sep}${m[lang]}`, ...withCategory };
  }
  const d = deciding ? meanDiameterOf(deciding) : undefined;
  if (!deciding || deciding.noduleType === undefined) return { text: '', ...withCategory };
  const r = fleischner2017({
    type: deciding.noduleType,
    ...(d !== undefined ? { sizeMm: d } : {}),
    ...(deciding.volumeMm3 !== undefined ? { volumeMm3: deciding.volumeMm3 } : {}),
    multiple: nodules.length > 1,
    risk: options.fleischnerRisk,
    ...(patient.ageYears !== undefined ? { ageYears: patient.ageYears } : {}),
  });
  return { text: `Fleischner 2017${sep}${r.recommendation[lang]}`, ...withCategory };
}
