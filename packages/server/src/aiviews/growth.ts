import type { Finding } from '@lingshu/ai';
import type { AccessScope, Archive } from '@lingshu/archive';
import {
  matchNodules,
  NODULE_MATCH_RULES,
  type NoduleForGrowth,
  type NoduleGrowth,
  type NoduleMatch,
  noduleGrowth,
} from '@lingshu/clinical';
import type { Vec3 } from '@lingshu/imaging';
import type { ViewResult } from './results.js';
import { readSegFrames, segmentsCentroid } from './segFrames.js';

/** The chest CT analyzer: its nodules are what growth compares. */
export const GROWTH_ANALYZER_ID = 'lingshu-chest-ct';

export interface MatchedNoduleGrowth extends NoduleGrowth {
  findingId: string;
  priorFindingId: string;
  distanceMm: number;
}

/** A study's nodules against its newest prior that has a chest CT result too. */
export interface StudyGrowth {
  studyInstanceUID: string;
  resultPk: string | null;
  prior: { studyInstanceUID: string; studyDate: string; resultPk: string } | null;
  intervalDays: number | null;
  /** How the scans were aligned (see bestAlignment): by the lungs' centres from the SEGs, or none (raw world positions). */
  alignment: { method: 'lung-centre' | 'none'; offsetMm: Vec3 };
  matchRule: typeof NODULE_MATCH_RULES;
  nodules: MatchedNoduleGrowth[];
  /** Current nodules with no counterpart in the prior (new, or not matched). */
  unmatched: string[];
}

const NODULE_TYPES = new Set(['nodule', 'mass']);

function measurement(f: Finding, key: string): number | undefined {
  const v = f.measurements.find((m) => m.key === key)?.value;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The nodules of a result in the matcher's terms (only those with a world centre). */
export function nodulesOf(result: ViewResult): NoduleForGrowth[] {
  const out: NoduleForGrowth[] = [];
  for (const f of result.findings) {
    if (!NODULE_TYPES.has(f.type) || !f.geometry) continue;
    const side = f.attributes.side;
    const d = measurement(f, 'meanDiameterMm');
    const v = measurement(f, 'volumeMm3');
    out.push({
      id: f.id,
      centerWorld: f.geometry.centerWorld,
      ...(typeof side === 'string' ? { side } : {}),
      ...(d !== undefined ? { meanDiameterMm: d } : {}),
      ...(v !== undefined ? { volumeMm3: v } : {}),
    });
  }
  return out;
}

/**
 * Lung centres by SEG SOP Instance UID. A stored SEG never changes (its UID follows from the
 * result's key), so centres are kept; at most `limit`, oldest dropped first.
 */
export class LungCentreCache {
  private readonly centres = new Map<string, Vec3 | null>();
  constructor(private readonly limit = 256) {}

  get(sop: string): Vec3 | null | undefined {
    return this.centres.get(sop);
  }

  set(sop: string, centre: Vec3 | null): void {
    if (this.centres.size >= this.limit) {
      const oldest = this.centres.keys().next().value;
      if (oldest !== undefined) this.centres.delete(oldest);
    }
    this.centres.set(sop, centre);
  }
}

/**
 * Centre (mm) of the segmented lung region from a result's stored SEG: the union of all its
 * segments (lungs, airways, and what overrides lung voxels in the label map: ground-glass,
 * consolidation, nodules); undefined without a SEG.
 */
async function lungCentre(
  archive: Archive,
  scope: AccessScope,
  result: ViewResult,
  cache: LungCentreCache,
): Promise<Vec3 | undefined> {
  const sop = result.segSopInstanceUID;
  if (!sop) return undefined;
  const known = cache.get(sop);
  if (known !== undefined) return known ?? undefined;
  const seg = readSegFrames(await archive.readInstance(sop, scope));
  const lungs = new Set(seg.segmentTypes.keys());
  const centre = lungs.size > 0 ? segmentsCentroid(seg, lungs) : undefined;
  cache.set(sop, centre ?? null);
  return centre;
}

/** Days between two DICOM dates (YYYYMMDD); undefined when either is not a date. */
export function daysBetween(from: string, to: string): number | undefined {
  const parse = (d: string): number | undefined => {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(d);
    return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
  };
  const a = parse(from);
  const b = parse(to);
  return a === undefined || b === undefined ? undefined : Math.round((b - a) / 86_400_000);
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];

/**
 * Matches with the lung-centre offset and without any, and keeps the better: more pairs, then
 * the smaller summed distance. The lungs' centre moves with the patient but also with how much
 * of the lungs the scan covers and how the segmentation came out (on a 128² phantom shifted by
 * (3, −2, 5) mm it moved by (−6.5, −2.2, 2.4) mm), so it is a candidate, not the truth.
 */
export function bestAlignment(
  before: readonly NoduleForGrowth[],
  now: readonly NoduleForGrowth[],
  lungOffset: Vec3 | undefined,
): { method: 'lung-centre' | 'none'; offset: Vec3; matches: NoduleMatch[] } {
  const raw = { method: 'none' as const, offset: [0, 0, 0] as Vec3, matches: matchNodules(before, now) };
  if (!lungOffset) return raw;
  const aligned = {
    method: 'lung-centre' as const,
    offset: lungOffset,
    matches: matchNodules(before, now, lungOffset),
  };
  const total = (m: NoduleMatch[]) => m.reduce((a, x) => a + x.distanceMm, 0);
  if (aligned.matches.length !== raw.matches.length) return aligned.matches.length > raw.matches.length ? aligned : raw;
  return total(aligned.matches) < total(raw.matches) ? aligned : raw;
}

/** Matches and measures growth between a current and a prior chest CT result. */
export async function compareResults(
  archive: Archive,
  scope: AccessScope,
  current: { result: ViewResult; studyDate: string },
  prior: { result: ViewResult; studyDate: string },
  cache: LungCentreCache = new LungCentreCache(),
): Promise<Omit<StudyGrowth, 'studyInstanceUID' | 'resultPk' | 'prior'>> {
  const [c0, p0] = await Promise.all([
    lungCentre(archive, scope, current.result, cache),
    lungCentre(archive, scope, prior.result, cache),
  ]);
  const now = nodulesOf(current.result);
  const before = nodulesOf(prior.result);
  const days = daysBetween(prior.studyDate, current.studyDate) ?? null;
  const { method, offset, matches } = bestAlignment(before, now, c0 && p0 ? sub(c0, p0) : undefined);
  const byId = (list: NoduleForGrowth[], id: string) => list.find((n) => n.id === id) as NoduleForGrowth;
  const nodules = matches.map((m) => ({
    findingId: m.currentId,
    priorFindingId: m.priorId,
    distanceMm: m.distanceMm,
    ...noduleGrowth(byId(before, m.priorId), byId(now, m.currentId), days ?? 0),
  }));
  const matched = new Set(matches.map((m) => m.currentId));
  return {
    intervalDays: days,
    alignment: { method, offsetMm: offset },
    matchRule: NODULE_MATCH_RULES,
    nodules,
    unmatched: now.filter((n) => !matched.has(n.id)).map((n) => n.id),
  };
}
