import type { Priority, RoutingRule } from './rules.js';

/** What the index knows about one series (no pixel reads). */
export interface SeriesRoutingFacts {
  seriesInstanceUID: string;
  modality: string;
  bodyPart: string;
  description: string;
  /** Slice thickness of the series (mm) when the index holds it. */
  sliceThicknessMm?: number;
  sopClassUIDs: string[];
}

/** What routing looks at: study attributes and per-series attributes from the index. */
export interface StudyFacts {
  studyInstanceUID: string;
  studyDescription: string;
  /** Code of the owning institution. */
  institutionCode: string;
  series: SeriesRoutingFacts[];
}

export interface ConditionResult {
  condition: string;
  ok: boolean;
  /** What was compared (attribute values, not patient data). */
  detail: string;
}

/** Why a rule matched or not: the dry-run output. */
export interface RuleEvaluation {
  ruleId: string;
  name: string;
  enabled: boolean;
  matched: boolean;
  /** Study-level conditions, then those of the series that came closest. */
  conditions: ConditionResult[];
  /** The series that satisfied every series condition (or came closest). */
  seriesInstanceUID?: string;
}

export interface RoutedAnalyzer {
  analyzerId: string;
  ruleId: string;
  priority: Priority;
}

export interface RoutingDecision {
  analyzers: RoutedAnalyzer[];
  rules: RuleEvaluation[];
}

const RANK: Readonly<Record<Priority, number>> = { stat: 0, urgent: 1, routine: 2 };

/** The more urgent of two priorities. */
export function morePressing(a: Priority, b: Priority): Priority {
  return RANK[a] <= RANK[b] ? a : b;
}

function test(pattern: string, text: string): boolean {
  return new RegExp(pattern, 'iu').test(text);
}

function seriesConditions(rule: RoutingRule, study: StudyFacts, s: SeriesRoutingFacts): ConditionResult[] {
  const m = rule.match;
  const out: ConditionResult[] = [];
  if (m.modality) {
    out.push({
      condition: 'modality',
      ok: m.modality.includes(s.modality.toUpperCase()),
      detail: s.modality || '(none)',
    });
  }
  if (m.bodyPart || m.descriptionKeywords) {
    const part = s.bodyPart.toUpperCase();
    const byPart = m.bodyPart ? m.bodyPart.includes(part) : false;
    const texts = [study.studyDescription, s.description];
    const byWords = m.descriptionKeywords ? texts.some((t) => test(m.descriptionKeywords as string, t)) : false;
    out.push({
      condition: m.bodyPart ? 'bodyPart' : 'descriptionKeywords',
      ok: byPart || byWords,
      detail: byPart
        ? `BodyPartExamined ${part}`
        : byWords
          ? 'description keyword'
          : `BodyPartExamined ${part || '(none)'}, no description keyword`,
    });
  }
  if (m.seriesDescription) {
    out.push({
      condition: 'seriesDescription',
      ok: test(m.seriesDescription, s.description),
      detail: 'series description pattern',
    });
  }
  if (m.sliceThicknessMm) {
    const t = s.sliceThicknessMm;
    const { min, max } = m.sliceThicknessMm;
    const ok = t !== undefined && (min === undefined || t >= min) && (max === undefined || t <= max);
    out.push({ condition: 'sliceThicknessMm', ok, detail: t === undefined ? '(unknown)' : `${t} mm` });
  }
  if (m.sopClass) {
    const classes = m.sopClass;
    out.push({
      condition: 'sopClass',
      ok: s.sopClassUIDs.some((c) => classes.includes(c)),
      detail: s.sopClassUIDs.join(',') || '(none)',
    });
  }
  return out;
}

/** Evaluates one rule on a study: study conditions, then the series that satisfies (or comes closest to) the rest. */
export function evaluateRule(rule: RoutingRule, study: StudyFacts): RuleEvaluation {
  const m = rule.match;
  const conditions: ConditionResult[] = [];
  if (m.institution) {
    conditions.push({
      condition: 'institution',
      ok: m.institution.includes(study.institutionCode),
      detail: study.institutionCode,
    });
  }
  if (m.studyDescription) {
    conditions.push({
      condition: 'studyDescription',
      ok: test(m.studyDescription, study.studyDescription),
      detail: 'study description pattern',
    });
  }
  let best: { series: SeriesRoutingFacts; results: ConditionResult[]; score: number } | undefined;
  for (const s of study.series) {
    const results = seriesConditions(rule, study, s);
    const score = results.filter((r) => r.ok).length;
    if (!best || score > best.score) best = { series: s, results, score };
    if (score === results.length) break;
  }
  const hasSeriesConditions = seriesConditions(rule, study, EMPTY_SERIES).length > 0;
  if (best) conditions.push(...best.results);
  else if (hasSeriesConditions) conditions.push({ condition: 'series', ok: false, detail: 'the study has no series' });
  const matched = rule.enabled && conditions.every((c) => c.ok);
  return {
    ruleId: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    matched,
    conditions,
    ...(best && hasSeriesConditions ? { seriesInstanceUID: best.series.seriesInstanceUID } : {}),
  };
}

const EMPTY_SERIES: SeriesRoutingFacts = {
  seriesInstanceUID: '',
  modality: '',
  bodyPart: '',
  description: '',
  sopClassUIDs: [],
};

/**
 * Which analyzers a study gets: every enabled rule is evaluated in order; an analyzer named by
 * several matching rules runs once, at the most pressing of their priorities (the first such
 * rule is recorded). `orderPriority` (from the order) raises, never lowers, a rule's priority.
 */
export function matchStudy(
  rules: readonly RoutingRule[],
  study: StudyFacts,
  orderPriority?: Priority,
): RoutingDecision {
  const evaluations = rules.map((r) => evaluateRule(r, study));
  const byAnalyzer = new Map<string, RoutedAnalyzer>();
  for (const [i, e] of evaluations.entries()) {
    if (!e.matched) continue;
    const rule = rules[i] as RoutingRule;
    const priority = orderPriority ? morePressing(rule.priority, orderPriority) : rule.priority;
    for (const analyzerId of rule.analyzers) {
      const seen = byAnalyzer.get(analyzerId);
      if (!seen) byAnalyzer.set(analyzerId, { analyzerId, ruleId: rule.id, priority });
      else if (RANK[priority] < RANK[seen.priority])
        byAnalyzer.set(analyzerId, { analyzerId, ruleId: rule.id, priority });
    }
  }
  return { analyzers: [...byAnalyzer.values()], rules: evaluations };
}
