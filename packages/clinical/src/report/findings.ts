import type { Side } from '../anatomy.js';
import { LUNG_RADS_ORDER, type LungRadsCategory, lungRads2022 } from '../lungRads.js';
import type { NoduleSummaryInput } from '../summary.js';
import type { ReportFinding } from './model.js';

/** The `system` id Lung-RADS categories carry in AI results. */
export const LUNG_RADS_SYSTEM = 'lung-rads-2022';

export function isNoduleLike(f: ReportFinding): boolean {
  return f.kind === 'nodule' || f.kind === 'mass';
}

/** Side of a finding: its own, else from its lobe. */
export function sideOf(f: Pick<ReportFinding, 'side' | 'lobe'>): Side | undefined {
  if (f.side) return f.side;
  if (f.lobe) return f.lobe.startsWith('R') ? 'right' : 'left';
  return undefined;
}

/** Mean diameter as Lung-RADS uses it: given, else (long + short) / 2, else the long axis. */
export function meanDiameterOf(f: ReportFinding): number | undefined {
  if (f.meanDiameterMm !== undefined) return f.meanDiameterMm;
  if (f.longAxisMm !== undefined && f.shortAxisMm !== undefined) return (f.longAxisMm + f.shortAxisMm) / 2;
  return f.longAxisMm;
}

export function parseLungRadsCategory(value: string): LungRadsCategory | undefined {
  const v = value.trim().toUpperCase();
  return (LUNG_RADS_ORDER as readonly string[]).includes(v) ? (v as LungRadsCategory) : undefined;
}

/**
 * Lung-RADS category of a nodule: the one the finding carries (the analyzer's, or the reader's
 * edit); else computed from type and size (baseline assumed, growing when its growth says so);
 * undefined when neither is possible.
 */
export function lungRadsOf(f: ReportFinding): LungRadsCategory | undefined {
  const given = f.categories.find((c) => c.system === LUNG_RADS_SYSTEM);
  if (given) return parseLungRadsCategory(given.value);
  const d = meanDiameterOf(f);
  if (!isNoduleLike(f) || f.noduleType === undefined || d === undefined) return undefined;
  return lungRads2022({
    type: f.noduleType,
    meanDiameterMm: d,
    ...(f.solidComponentMm !== undefined ? { solidComponentMm: f.solidComponentMm } : {}),
    ...(f.growth?.growingLungRads ? { context: 'growing' as const } : {}),
  }).category;
}

/** Rank in LUNG_RADS_ORDER (0 for 1 … 5 for 4X); -1 when undefined. */
export function lungRadsRank(c: LungRadsCategory | undefined): number {
  return c === undefined ? -1 : LUNG_RADS_ORDER.indexOf(c);
}

export function highestLungRads(cs: Iterable<LungRadsCategory | undefined>): LungRadsCategory | undefined {
  let best: LungRadsCategory | undefined;
  for (const c of cs) if (lungRadsRank(c) > lungRadsRank(best)) best = c;
  return best;
}

/** The nodule in `summarizeNodule` terms (the category only when asked for). */
export function noduleSummaryInput(f: ReportFinding, withCategory: boolean): NoduleSummaryInput {
  const n: NoduleSummaryInput = { type: f.noduleType ?? 'solid' };
  if (f.lobe) n.lobe = f.lobe;
  if (f.side) n.side = f.side;
  if (f.zone) n.zone = f.zone;
  if (f.longAxisMm !== undefined) n.longAxisMm = f.longAxisMm;
  if (f.shortAxisMm !== undefined) n.shortAxisMm = f.shortAxisMm;
  if (f.meanDiameterMm !== undefined) n.meanDiameterMm = f.meanDiameterMm;
  else if (f.longAxisMm !== undefined && f.shortAxisMm !== undefined)
    n.meanDiameterMm = (f.longAxisMm + f.shortAxisMm) / 2;
  if (f.volumeMm3 !== undefined) n.volumeMm3 = f.volumeMm3;
  const category = lungRadsOf(f);
  if (withCategory && category) n.lungRads = category;
  return n;
}
