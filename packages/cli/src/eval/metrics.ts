import { FROC_FP_RATES, type FrocPoint, type FrocScan, frocPoints, thresholdAtFpRate } from './froc.js';
import { type Detection, type MatchResult, matchDetections, type TruthNodule } from './match.js';
import { type ErrorSummary, median, type Rate, rate, summariseErrors } from './stats.js';

/** What one analysed phantom scan contributes to the evaluation. */
export interface ScanOutcome {
  seed: number;
  /** Acquisition the scan was generated with (for the per-condition breakdown). */
  acquisition: { sliceThicknessMm: number; dose: string; kernel: string; matrix: number };
  /** `ok`, or the analyzer's not-applicable reason code, or `error`. */
  status: string;
  reason?: string;
  truth: TruthNodule[];
  detections: Detection[];
  /** Truth Lung-RADS category per truth nodule (clinical engine on truth measurements), when known. */
  truthLungRads: Array<string | null>;
  /**
   * Per truth nodule: null when a detection reached it, else why the detector missed it (its traced
   * seed's outcome or `no-seed`; harness.ts `missReasons`). Absent without a trace.
   */
  missReasons?: Array<string | null>;
  laa950: { truth: number; measured: number | null } | null;
  infectionPercent: { truth: number; measured: number | null } | null;
  runtimeMs: number;
}

/** Size bands of the report (mean diameter, mm, [low, high)). */
export const SIZE_BANDS: ReadonlyArray<{ label: string; min: number; max: number }> = [
  { label: '<5', min: 0, max: 5 },
  { label: '5-6', min: 5, max: 6 },
  { label: '6-8', min: 6, max: 8 },
  { label: '8-15', min: 8, max: 15 },
  { label: '15-30', min: 15, max: 30 },
  { label: '>=30', min: 30, max: Number.POSITIVE_INFINITY },
];

export const NODULE_TYPES = ['solid', 'part-solid', 'ground-glass', 'calcified'] as const;

export interface TargetFigures {
  /** Threshold of the operating point (FP/scan ≤ 1). */
  threshold: number;
  falsePositivesPerScan: number;
  solidOrPartSolidAtLeast5mm: Rate;
  groundGlassAtLeast6mm: Rate;
  /**
   * The target nodules missed at this operating point, by reason: `below-threshold` (found, but
   * scored under the threshold), the detector's reason for a nodule no detection reached (see
   * `ScanOutcome.missReasons`; `unknown` without a trace), or `not-analysed`.
   */
  missedBecause: { solidOrPartSolidAtLeast5mm: Record<string, number>; groundGlassAtLeast6mm: Record<string, number> };
}

export interface EvalMetrics {
  scans: number;
  analysed: number;
  notAnalysed: Array<{ seed: number; status: string; reason?: string }>;
  nodules: number;
  /** All detections kept (no threshold). */
  sensitivity: Rate;
  sensitivityByType: Record<string, Rate>;
  sensitivityBySize: Record<string, Rate>;
  sensitivityBySite: Record<string, Rate>;
  sensitivityByThickness: Record<string, Rate>;
  falsePositivesPerScan: number;
  duplicatesPerScan: number;
  froc: FrocPoint[];
  /** Issue 4 targets at ≤ 1 FP/scan. */
  atOneFpPerScan: TargetFigures;
  /** Nodules ≥ 6 mm found: (measured − truth) / truth, %. */
  volumeErrorPercent: ErrorSummary;
  /** Nodules ≥ 6 mm found: measured − truth mean diameter, mm. */
  diameterErrorMm: ErrorSummary;
  lungRadsAgreement: Rate;
  /** Percentage points, measured − truth. */
  laa950ErrorPp: ErrorSummary;
  infectionPercentErrorPp: ErrorSummary;
  runtimeMs: { median: number | null; max: number | null };
}

interface Counter {
  hits: number;
  total: number;
}

function bump(map: Map<string, Counter>, key: string, hit: boolean): void {
  const c = map.get(key) ?? { hits: 0, total: 0 };
  c.total++;
  if (hit) c.hits++;
  map.set(key, c);
}

function rates(map: Map<string, Counter>, order: readonly string[] = []): Record<string, Rate> {
  const keys = [...order.filter((k) => map.has(k)), ...[...map.keys()].filter((k) => !order.includes(k)).sort()];
  return Object.fromEntries(keys.map((k) => [k, rate(map.get(k)!.hits, map.get(k)!.total)]));
}

export function sizeBand(meanDiameterMm: number): string {
  return SIZE_BANDS.find((b) => meanDiameterMm >= b.min && meanDiameterMm < b.max)?.label ?? '>=30';
}

function frocScan(s: ScanOutcome, m: MatchResult, include?: (t: TruthNodule) => boolean): FrocScan {
  const hit = new Map(m.pairs.map((p) => [p.truth, s.detections[p.detection]!.confidence]));
  return {
    hitConfidences: s.truth.map((_, i) => hit.get(i) ?? null),
    falsePositiveConfidences: m.falsePositives.map((d) => s.detections[d]!.confidence),
    ...(include ? { include: s.truth.map(include) } : {}),
  };
}

function sensitivityAt(scans: readonly FrocScan[], threshold: number): Rate {
  let hits = 0;
  let total = 0;
  for (const s of scans) {
    s.hitConfidences.forEach((c, i) => {
      if (s.include && !s.include[i]) return;
      total++;
      if (c !== null && c >= threshold) hits++;
    });
  }
  return rate(hits, total);
}

const solidish = (t: TruthNodule): boolean => (t.type === 'solid' || t.type === 'part-solid') && t.meanDiameterMm >= 5;
const ggnAtLeast6 = (t: TruthNodule): boolean => t.type === 'ground-glass' && t.meanDiameterMm >= 6;

/** Counts by reason, most frequent first (then by name). */
function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** Aggregates per-scan outcomes into the figures `lingshu eval` prints. */
export function computeMetrics(outcomes: readonly ScanOutcome[]): EvalMetrics {
  const analysed = outcomes.filter((o) => o.status === 'ok');
  const byType = new Map<string, Counter>();
  const bySize = new Map<string, Counter>();
  const bySite = new Map<string, Counter>();
  const byThickness = new Map<string, Counter>();
  const volumeErrors: number[] = [];
  const diameterErrors: number[] = [];
  let agree = 0;
  let compared = 0;
  let fps = 0;
  let duplicates = 0;
  let hitsAll = 0;
  let nodules = 0;
  const froc: FrocScan[] = [];
  const frocSolid: FrocScan[] = [];
  const frocGgn: FrocScan[] = [];
  // Scans the analyzer refused still had nodules: they count as missed, so refusing is never free.
  for (const o of outcomes) {
    const m = matchDetections(o.truth, o.status === 'ok' ? o.detections : []);
    const found = new Map(m.pairs.map((p) => [p.truth, p.detection]));
    fps += m.falsePositives.length;
    duplicates += m.duplicates.length;
    o.truth.forEach((t, i) => {
      nodules++;
      const d = found.get(i);
      const hit = d !== undefined;
      if (hit) hitsAll++;
      bump(byType, t.type, hit);
      bump(bySize, sizeBand(t.meanDiameterMm), hit);
      bump(bySite, t.site ?? 'unknown', hit);
      bump(byThickness, `${o.acquisition.sliceThicknessMm}`, hit);
      if (!hit) return;
      const det = o.detections[d]!;
      if (t.meanDiameterMm >= 6) {
        if (det.volumeMm3 !== undefined && t.volumeMm3 > 0) {
          volumeErrors.push((100 * (det.volumeMm3 - t.volumeMm3)) / t.volumeMm3);
        }
        if (det.meanDiameterMm !== undefined) diameterErrors.push(det.meanDiameterMm - t.meanDiameterMm);
      }
      const truthCategory = o.truthLungRads[i];
      if (truthCategory && det.lungRads) {
        compared++;
        if (truthCategory === det.lungRads) agree++;
      }
    });
    froc.push(frocScan(o, m));
    frocSolid.push(frocScan(o, m, solidish));
    frocGgn.push(frocScan(o, m, ggnAtLeast6));
  }
  const n = Math.max(outcomes.length, 1);
  const threshold = thresholdAtFpRate(froc, 1);
  const missedSolid: Record<string, number> = {};
  const missedGgn: Record<string, number> = {};
  outcomes.forEach((o, s) => {
    const hits = froc[s]?.hitConfidences ?? [];
    o.truth.forEach((t, i) => {
      const into = solidish(t) ? missedSolid : ggnAtLeast6(t) ? missedGgn : undefined;
      if (!into) return;
      const c = hits[i] ?? null;
      if (c !== null && c >= threshold) return;
      const why =
        o.status !== 'ok' ? 'not-analysed' : c !== null ? 'below-threshold' : (o.missReasons?.[i] ?? 'unknown');
      into[why] = (into[why] ?? 0) + 1;
    });
  });
  const fpAtThreshold = froc.reduce((s, f) => s + f.falsePositiveConfidences.filter((c) => c >= threshold).length, 0);
  const diff = (v: { truth: number; measured: number | null } | null): number[] =>
    v && v.measured !== null ? [v.measured - v.truth] : [];
  const runtimes = analysed.map((o) => o.runtimeMs);
  return {
    scans: outcomes.length,
    analysed: analysed.length,
    notAnalysed: outcomes
      .filter((o) => o.status !== 'ok')
      .map((o) => ({ seed: o.seed, status: o.status, ...(o.reason ? { reason: o.reason } : {}) })),
    nodules,
    sensitivity: rate(hitsAll, nodules),
    sensitivityByType: rates(byType, NODULE_TYPES),
    sensitivityBySize: rates(
      bySize,
      SIZE_BANDS.map((b) => b.label),
    ),
    sensitivityBySite: rates(bySite, ['parenchymal', 'juxtapleural', 'vessel-attached', 'perifissural']),
    sensitivityByThickness: rates(byThickness, ['0.625', '1', '1.25', '2.5', '5']),
    falsePositivesPerScan: fps / n,
    duplicatesPerScan: duplicates / n,
    froc: frocPoints(froc, FROC_FP_RATES),
    atOneFpPerScan: {
      threshold,
      falsePositivesPerScan: fpAtThreshold / n,
      solidOrPartSolidAtLeast5mm: sensitivityAt(frocSolid, threshold),
      groundGlassAtLeast6mm: sensitivityAt(frocGgn, threshold),
      missedBecause: { solidOrPartSolidAtLeast5mm: sorted(missedSolid), groundGlassAtLeast6mm: sorted(missedGgn) },
    },
    volumeErrorPercent: summariseErrors(volumeErrors),
    diameterErrorMm: summariseErrors(diameterErrors),
    lungRadsAgreement: rate(agree, compared),
    laa950ErrorPp: summariseErrors(outcomes.flatMap((o) => diff(o.laa950))),
    infectionPercentErrorPp: summariseErrors(outcomes.flatMap((o) => diff(o.infectionPercent))),
    runtimeMs: { median: median(runtimes), max: runtimes.length ? Math.max(...runtimes) : null },
  };
}
