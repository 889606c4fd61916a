import type { Finding } from '@lingshu/ai';
import { configInvalid } from '../configParse.js';

/**
 * One kind of critical finding (危急值) that notifies the responsible readers as soon as the
 * result is stored (from autonomy `triage` on). Matches findings of `analyzerId` by finding
 * type and/or code value; with `minSizeMm`, only findings larger than that (long axis, else
 * mean diameter).
 */
export interface CriticalFindingRule {
  analyzerId: string;
  findingType?: string;
  /** Code value of the finding's code (e.g. an SCT concept id). */
  code?: string;
  minSizeMm?: number;
  label: { 'zh-CN': string; en: string };
}

/**
 * The default list. Chest CT masses over 30 mm are an example of the mechanism; a haemorrhage
 * rule is a placeholder for a head CT analyzer that does not exist yet (it matches nothing until
 * an analyzer with that id reports findings of type `haemorrhage`).
 */
export const DEFAULT_CRITICAL_FINDINGS: readonly CriticalFindingRule[] = [
  {
    analyzerId: 'lingshu-chest-ct',
    findingType: 'mass',
    minSizeMm: 30,
    label: { 'zh-CN': '肺部肿块（>30 mm）', en: 'Lung mass (> 30 mm)' },
  },
  {
    analyzerId: 'lingshu-head-ct',
    findingType: 'haemorrhage',
    minSizeMm: 0,
    label: { 'zh-CN': '颅内出血（占位）', en: 'Intracranial haemorrhage (placeholder)' },
  },
];

/** A finding that matched a rule. */
export interface CriticalMatch {
  findingId: string;
  findingType: string;
  sizeMm: number | null;
  label: { 'zh-CN': string; en: string };
}

/** Size used against `minSizeMm`: long axis, else mean diameter (mm). */
export function findingSizeMm(finding: Pick<Finding, 'measurements'>): number | null {
  for (const key of ['longAxisMm', 'meanDiameterMm', 'diameterMm']) {
    const m = finding.measurements.find((x) => x.key === key && x.unit === 'mm');
    if (m && Number.isFinite(m.value)) return m.value;
  }
  return null;
}

/** The critical findings of one result (an analyzer's findings) under `rules`. */
export function criticalOf(
  result: { analyzerId: string; findings: ReadonlyArray<Pick<Finding, 'id' | 'type' | 'code' | 'measurements'>> },
  rules: readonly CriticalFindingRule[],
): CriticalMatch[] {
  const out: CriticalMatch[] = [];
  for (const f of result.findings) {
    const rule = rules.find((r) => {
      if (r.analyzerId !== result.analyzerId) return false;
      if (r.findingType !== undefined && r.findingType !== f.type) return false;
      if (r.code !== undefined && r.code !== f.code.value) return false;
      if (r.minSizeMm !== undefined) {
        const size = findingSizeMm(f);
        if (size === null || size <= r.minSizeMm) return false;
      }
      return true;
    });
    if (rule) out.push({ findingId: f.id, findingType: f.type, sizeMm: findingSizeMm(f), label: rule.label });
  }
  return out;
}

const RULE_KEYS = new Set(['analyzerId', 'findingType', 'code', 'minSizeMm', 'label']);

/** `criticalFindings` from the config file (a JSON array) or LINGSHU_CRITICAL_FINDINGS (JSON text). */
export function parseCriticalFindings(raw: unknown, setting: string): CriticalFindingRule[] {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw configInvalid(setting, 'must be a JSON array of critical-finding rules');
    }
  }
  if (!Array.isArray(value)) throw configInvalid(setting, 'must be a list of critical-finding rules');
  return value.map((entry, i) => {
    const at = `${setting}[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw configInvalid(at, 'must be {analyzerId, findingType?, code?, minSizeMm?, label}');
    const r = entry as Record<string, unknown>;
    const extra = Object.keys(r).find((k) => !RULE_KEYS.has(k));
    if (extra) throw configInvalid(at, `unknown field ${extra}`);
    if (typeof r.analyzerId !== 'string' || r.analyzerId.trim() === '')
      throw configInvalid(at, 'analyzerId must be a non-empty string');
    if (r.findingType !== undefined && typeof r.findingType !== 'string')
      throw configInvalid(at, 'findingType must be a string');
    if (r.code !== undefined && typeof r.code !== 'string') throw configInvalid(at, 'code must be a string');
    if (r.findingType === undefined && r.code === undefined)
      throw configInvalid(at, 'give findingType or code (a rule matching every finding is a mistake)');
    if (r.minSizeMm !== undefined && (typeof r.minSizeMm !== 'number' || !(r.minSizeMm >= 0)))
      throw configInvalid(at, 'minSizeMm must be a number ≥ 0');
    const label = r.label as Record<string, unknown> | undefined;
    if (
      typeof label !== 'object' ||
      label === null ||
      typeof label['zh-CN'] !== 'string' ||
      typeof label.en !== 'string'
    )
      throw configInvalid(at, 'label must be {"zh-CN": "…", "en": "…"}');
    return {
      analyzerId: r.analyzerId.trim(),
      ...(r.findingType !== undefined ? { findingType: r.findingType as string } : {}),
      ...(r.code !== undefined ? { code: r.code as string } : {}),
      ...(r.minSizeMm !== undefined ? { minSizeMm: r.minSizeMm as number } : {}),
      label: { 'zh-CN': label['zh-CN'] as string, en: label.en as string },
    };
  });
}
