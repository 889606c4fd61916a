import { LingshuError } from '@lingshu/dicom';

/** How urgent a job is: from the order (HL7 / the request) or from the rule that matched. */
export const PRIORITIES = ['stat', 'urgent', 'routine'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** The conditions of a rule; every condition given must hold (AND); a list matches any of its values (OR). */
export interface RuleMatch {
  /** Modality of at least one series (CT, MR, …), upper case. */
  modality?: string[];
  /** BodyPartExamined of a series (CHEST, LUNG, …), upper case. */
  bodyPart?: string[];
  /** Regular expression (case-insensitive) on the Study Description. */
  studyDescription?: string;
  /** Regular expression (case-insensitive) on a Series Description. */
  seriesDescription?: string;
  /** Owning institution codes (e.g. `HUB`, `SITE-A`). */
  institution?: string[];
  /** Slice thickness range of a series in mm (inclusive). */
  sliceThicknessMm?: { min?: number; max?: number };
  /** SOP Class UIDs of a series. */
  sopClass?: string[];
  /**
   * Whether `bodyPart` may also be satisfied by `descriptionKeywords` (regex) on the study or
   * series description: scanners often leave BodyPartExamined empty.
   */
  descriptionKeywords?: string;
}

/** A routing rule as data: which analyzers a study gets, and at which priority. */
export interface RoutingRule {
  id: string;
  name: string;
  enabled: boolean;
  priority: Priority;
  match: RuleMatch;
  /** Analyzer ids (AnalyzerDescriptor.id). */
  analyzers: string[];
}

const MATCH_KEYS: ReadonlySet<string> = new Set([
  'modality',
  'bodyPart',
  'studyDescription',
  'seriesDescription',
  'institution',
  'sliceThicknessMm',
  'sopClass',
  'descriptionKeywords',
]);
const RULE_KEYS: ReadonlySet<string> = new Set(['id', 'name', 'enabled', 'priority', 'match', 'analyzers']);

function invalid(field: string, message: string): LingshuError {
  return new LingshuError('RULE_INVALID', `${field}: ${message}`, { details: { field } });
}

function stringList(raw: unknown, field: string, upper: boolean): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((v) => typeof v === 'string' && v.trim() !== ''))
    throw invalid(field, 'must be a non-empty list of strings');
  return raw.map((v: string) => (upper ? v.trim().toUpperCase() : v.trim()));
}

function regex(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || raw === '') throw invalid(field, 'must be a regular expression');
  if (raw.length > 500) throw invalid(field, 'is longer than 500 characters');
  try {
    new RegExp(raw, 'iu');
  } catch {
    throw invalid(field, 'is not a valid regular expression');
  }
  return raw;
}

function range(raw: unknown, field: string): { min?: number; max?: number } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(field, 'must be {min?, max?}');
  const r = raw as Record<string, unknown>;
  const out: { min?: number; max?: number } = {};
  for (const key of Object.keys(r)) {
    if (key !== 'min' && key !== 'max') throw invalid(`${field}.${key}`, 'unknown field');
    const v = r[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalid(`${field}.${key}`, 'must be a number ≥ 0');
    out[key] = v;
  }
  if (out.min === undefined && out.max === undefined) throw invalid(field, 'needs min or max');
  if (out.min !== undefined && out.max !== undefined && out.min > out.max) throw invalid(field, 'min is above max');
  return out;
}

function validateMatch(raw: unknown, field: string): RuleMatch {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(field, 'must be an object');
  const m = raw as Record<string, unknown>;
  for (const key of Object.keys(m)) if (!MATCH_KEYS.has(key)) throw invalid(`${field}.${key}`, 'unknown condition');
  const out: RuleMatch = {};
  if (m.modality !== undefined) out.modality = stringList(m.modality, `${field}.modality`, true);
  if (m.bodyPart !== undefined) out.bodyPart = stringList(m.bodyPart, `${field}.bodyPart`, true);
  if (m.studyDescription !== undefined) out.studyDescription = regex(m.studyDescription, `${field}.studyDescription`);
  if (m.seriesDescription !== undefined)
    out.seriesDescription = regex(m.seriesDescription, `${field}.seriesDescription`);
  if (m.descriptionKeywords !== undefined)
    out.descriptionKeywords = regex(m.descriptionKeywords, `${field}.descriptionKeywords`);
  if (m.institution !== undefined) out.institution = stringList(m.institution, `${field}.institution`, false);
  if (m.sliceThicknessMm !== undefined) out.sliceThicknessMm = range(m.sliceThicknessMm, `${field}.sliceThicknessMm`);
  if (m.sopClass !== undefined) out.sopClass = stringList(m.sopClass, `${field}.sopClass`, false);
  return out;
}

/**
 * Validates one rule from untrusted JSON. Throws RULE_INVALID naming the bad field
 * (`rules[2].match.studyDescription`), never echoing its value.
 */
export function validateRule(raw: unknown, knownAnalyzers: ReadonlySet<string>, field = 'rule'): RoutingRule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(field, 'must be an object');
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!RULE_KEYS.has(key)) throw invalid(`${field}.${key}`, 'unknown field');
  if (typeof r.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(r.id))
    throw invalid(`${field}.id`, 'must be 1–64 letters, digits, dot, dash or underscore');
  if (typeof r.name !== 'string' || r.name.trim() === '' || r.name.length > 200)
    throw invalid(`${field}.name`, 'must be a non-empty string (≤ 200 characters)');
  const enabled = r.enabled ?? true;
  if (typeof enabled !== 'boolean') throw invalid(`${field}.enabled`, 'must be true or false');
  const priority = r.priority ?? 'routine';
  if (typeof priority !== 'string' || !(PRIORITIES as readonly string[]).includes(priority))
    throw invalid(`${field}.priority`, `must be one of ${PRIORITIES.join(', ')}`);
  const analyzers = stringList(r.analyzers, `${field}.analyzers`, false);
  for (const [i, id] of analyzers.entries()) {
    if (!knownAnalyzers.has(id)) throw invalid(`${field}.analyzers[${i}]`, 'unknown analyzer id');
  }
  return {
    id: r.id,
    name: r.name.trim(),
    enabled,
    priority: priority as Priority,
    match: validateMatch(r.match ?? {}, `${field}.match`),
    analyzers,
  };
}

/** Validates an ordered rule list (ids unique). */
export function validateRules(raw: unknown, knownAnalyzers: ReadonlySet<string>): RoutingRule[] {
  if (!Array.isArray(raw)) throw invalid('rules', 'must be a list of rules');
  if (raw.length > 1000) throw invalid('rules', 'more than 1000 rules');
  const rules = raw.map((r, i) => validateRule(r, knownAnalyzers, `rules[${i}]`));
  const seen = new Set<string>();
  for (const [i, r] of rules.entries()) {
    if (seen.has(r.id)) throw invalid(`rules[${i}].id`, 'is used by an earlier rule');
    seen.add(r.id);
  }
  return rules;
}

/** The rule seeded on a new installation: chest CT (≤ 5 mm) → the chest CT analyzer, routine. */
export function defaultRules(chestCtAnalyzerId = 'lingshu-chest-ct'): RoutingRule[] {
  return [
    {
      id: 'chest-ct',
      name: 'Chest CT → chest CT suite / 胸部 CT → 胸部一查多筛',
      enabled: true,
      priority: 'routine',
      match: {
        modality: ['CT'],
        bodyPart: ['CHEST', 'LUNG', 'THORAX'],
        descriptionKeywords: '胸|chest|lung|肺|thorax',
        sliceThicknessMm: { max: 5 },
      },
      analyzers: [chestCtAnalyzerId],
    },
  ];
}
