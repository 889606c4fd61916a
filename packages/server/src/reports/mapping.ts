import type { Finding, Measurement } from '@lingshu/ai';
import type { LobeCode, NoduleType, ReportCategory, ReportFinding, Side, Zone } from '@lingshu/clinical';

/**
 * AI `Finding` → clinical `ReportFinding` (docs/reports.md "Input mapping"), and a reader's
 * edit (`finding_reviews.changes`) applied on top. Pure functions.
 */

const SIDES: readonly Side[] = ['right', 'left'];
const ZONES: readonly Zone[] = ['upper', 'middle', 'lower'];
const LOBES: readonly LobeCode[] = ['RUL', 'RML', 'RLL', 'LUL', 'LLL'];
const NODULE_TYPES: readonly NoduleType[] = ['solid', 'part-solid', 'ground-glass', 'calcified'];
const KINDS = ['nodule', 'mass', 'emphysema', 'infection'] as const;

/** Measurement keys copied onto a ReportFinding, and the size keys whose edit invalidates a category. */
const NODULE_MEASUREMENTS = ['longAxisMm', 'shortAxisMm', 'meanDiameterMm', 'solidComponentMm', 'volumeMm3'] as const;
type NoduleMeasurementKey = (typeof NODULE_MEASUREMENTS)[number];

function pick<T extends string>(allowed: readonly T[], value: unknown): T | undefined {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

function finite(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function measurement(list: readonly Measurement[] | undefined, key: string): number | undefined {
  if (!Array.isArray(list)) return undefined;
  const whole = list.find((m) => m.key === key && (m.region === undefined || m.region === 'whole'));
  return finite(whole?.value);
}

function kindOf(type: unknown): ReportFinding['kind'] {
  return pick(KINDS, type) ?? 'other';
}

function categoriesOf(raw: unknown): ReportCategory[] {
  if (!Array.isArray(raw)) return [];
  const out: ReportCategory[] = [];
  for (const c of raw) {
    if (typeof c !== 'object' || c === null) continue;
    const { system, value, text } = c as Record<string, unknown>;
    if (typeof system !== 'string' || typeof value !== 'string') continue;
    const t = text as { 'zh-CN'?: unknown; en?: unknown } | undefined;
    out.push({
      system,
      value,
      ...(t && typeof t['zh-CN'] === 'string' && typeof t.en === 'string'
        ? { text: { 'zh-CN': t['zh-CN'], en: t.en } }
        : {}),
    });
  }
  return out;
}

function bilingual(value: unknown): { 'zh-CN': string; en: string } | undefined {
  if (typeof value === 'string' && value.trim() !== '') return { 'zh-CN': value, en: value };
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v['zh-CN'] === 'string' && typeof v.en === 'string') return { 'zh-CN': v['zh-CN'], en: v.en };
  return undefined;
}

/** Sets side/lobe/zone/noduleType from a flat record (attributes or edit changes). */
function applyLocation(target: ReportFinding, source: Record<string, unknown>): void {
  const side = pick(SIDES, source.side);
  const lobe = pick(LOBES, source.lobe);
  const zone = pick(ZONES, source.zone);
  const noduleType = pick(NODULE_TYPES, source.noduleType);
  if (side) target.side = side;
  if (lobe) {
    target.lobe = lobe;
    if (!side) target.side = lobe.startsWith('R') ? 'right' : 'left';
  }
  if (zone) target.zone = zone;
  if (noduleType) target.noduleType = noduleType;
}

/** One AI finding as the report sees it (`accepted` is the reader's decision, set by the caller). */
export function toReportFinding(finding: Finding, accepted: boolean): ReportFinding {
  const out: ReportFinding = {
    id: finding.id || finding.trackingUid,
    kind: kindOf(finding.type),
    accepted,
    categories: categoriesOf(finding.categories),
  };
  applyLocation(out, (finding.attributes ?? {}) as Record<string, unknown>);
  for (const key of NODULE_MEASUREMENTS) {
    const v = measurement(finding.measurements, key);
    if (v !== undefined) out[key] = v;
  }
  const laa = measurement(finding.measurements, 'laa950Percent');
  if (laa !== undefined) out.laa950Percent = laa;
  const inf = measurement(finding.measurements, 'infectionPercent');
  if (inf !== undefined) out.infectionPercent = inf;
  const score =
    measurement(finding.measurements, 'ctSeverityScore') ?? finite(finding.attributes?.severityScore ?? undefined);
  if (score !== undefined && out.kind === 'infection') out.severityScore = score;
  if (out.kind === 'other') {
    const text = finding.code?.meaning || finding.type;
    if (text) out.description = { 'zh-CN': text, en: text };
  }
  return out;
}

/**
 * Applies a reader's edit. `changes` is flat (`{"longAxisMm": 10.5, "lobe": "RUL", "type": "mass",
 * "lungRads": "4B"}`); `attributes` / `measurements` objects are read too. Editing a size without
 * giving a category drops the Lung-RADS category, so the report re-categorises from the new size
 * (docs/reports.md "A finding without one …"); new axes without a mean diameter drop the AI's
 * mean diameter (recomputed from the axes) and any size edit without a volume drops the AI volume.
 */
export function applyEdit(finding: ReportFinding, changes: unknown): ReportFinding {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) return finding;
  const c = changes as Record<string, unknown>;
  const out: ReportFinding = { ...finding, categories: [...finding.categories], edited: true };
  if (c.type !== undefined) out.kind = kindOf(c.type);
  applyLocation(out, c);
  if (typeof c.attributes === 'object' && c.attributes !== null)
    applyLocation(out, c.attributes as Record<string, unknown>);
  const flatMeasurements: Record<string, unknown> = { ...c };
  if (Array.isArray(c.measurements)) {
    for (const m of c.measurements as Array<{ key?: unknown; value?: unknown }>)
      if (typeof m?.key === 'string') flatMeasurements[m.key] = m.value;
  }
  let sizeEdited = false;
  const given = new Set<NoduleMeasurementKey>();
  for (const key of NODULE_MEASUREMENTS) {
    const v = finite(flatMeasurements[key]);
    if (v === undefined) continue;
    out[key as NoduleMeasurementKey] = v;
    given.add(key);
    sizeEdited = true;
  }
  // The AI's derived sizes no longer fit new axes: the mean diameter then comes from the edited
  // axes (the templates compute (long + short) / 2), and the AI volume is dropped.
  if ((given.has('longAxisMm') || given.has('shortAxisMm')) && !given.has('meanDiameterMm')) delete out.meanDiameterMm;
  if (sizeEdited && !given.has('volumeMm3')) delete out.volumeMm3;
  for (const key of ['laa950Percent', 'infectionPercent'] as const) {
    const v = finite(flatMeasurements[key]);
    if (v !== undefined) out[key] = v;
  }
  const score = finite(flatMeasurements.ctSeverityScore ?? flatMeasurements.severityScore);
  if (score !== undefined) out.severityScore = score;
  const categories = categoriesOf(c.categories);
  const lungRads = typeof c.lungRads === 'string' ? c.lungRads.trim().toUpperCase() : undefined;
  if (categories.length > 0) out.categories = categories;
  else if (lungRads) {
    out.categories = [
      ...out.categories.filter((x) => x.system !== 'lung-rads-2022'),
      { system: 'lung-rads-2022', value: lungRads },
    ];
  } else if (sizeEdited || c.noduleType !== undefined) {
    out.categories = out.categories.filter((x) => x.system !== 'lung-rads-2022');
  }
  const description = bilingual(c.description);
  if (description) out.description = description;
  const impression = bilingual(c.impression);
  if (impression) out.impression = impression;
  return out;
}

/** A finding a reader added (review action `add`; the stored `changes` is the finding they gave). */
export function addedFinding(id: string, given: unknown): ReportFinding {
  const g = typeof given === 'object' && given !== null ? (given as Record<string, unknown>) : {};
  const base: ReportFinding = { id, kind: kindOf(g.type), accepted: true, categories: [] };
  const out = applyEdit(base, g);
  delete out.edited;
  if (out.kind === 'other' && !out.description) {
    const text = typeof g.type === 'string' ? g.type : '';
    if (text) out.description = { 'zh-CN': text, en: text };
  }
  return out;
}
