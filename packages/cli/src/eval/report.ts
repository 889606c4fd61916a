import { formatTable } from '../analyze/table.js';
import { type Translate, translator } from '../i18n.js';
import type { EvalMetrics } from './metrics.js';
import type { ErrorSummary, Rate } from './stats.js';

const pct = (r: Rate): string => (r.value === null ? '-' : `${(100 * r.value).toFixed(1)} % (${r.hits}/${r.total})`);
const num = (v: number | null, digits = 1): string => (v === null ? '-' : v.toFixed(digits));

/** `not-blob 5, below-threshold 2` (none: `-`). */
function reasons(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([k, v]) => `${k} ${v}`);
  return parts.length > 0 ? parts.join(', ') : '-';
}

function rateRows(rates: Record<string, Rate>): string[][] {
  return Object.entries(rates).map(([k, r]) => [k, pct(r)]);
}

function errorRow(label: string, e: ErrorSummary): string[] {
  return [label, String(e.n), num(e.medianSigned, 2), num(e.medianAbs, 2), num(e.p95Abs, 2), num(e.maxAbs, 2)];
}

export interface EvalRunInfo {
  seeds: { first: number; last: number };
  matrix: number;
  peakRssMb: number;
  heldOut: boolean;
}

/** The evaluation as text: detection, FROC, measurement errors, Lung-RADS, lungs, runtime. */
export function formatEvalReport(m: EvalMetrics, info: EvalRunInfo, t: Translate = translator('en')): string {
  const out: string[] = [];
  out.push(
    t('eval.report.title', {
      scans: m.scans,
      first: info.seeds.first,
      last: info.seeds.last,
      range: t(info.heldOut ? 'eval.report.heldOut' : 'eval.report.tuning'),
      matrix: info.matrix,
    }),
  );
  out.push(t('eval.report.analysed', { analysed: m.analysed, scans: m.scans, nodules: m.nodules }));
  for (const n of m.notAnalysed) {
    out.push(
      t('eval.report.notAnalysed', { seed: n.seed, status: n.status, reason: n.reason ? ` — ${n.reason}` : '' }),
    );
  }
  const sensitivity = t('eval.report.col.sensitivity');
  out.push('', t('eval.report.detection'));
  out.push(
    formatTable(
      [t('eval.report.col.group'), sensitivity],
      [[t('eval.report.all'), pct(m.sensitivity)], ...rateRows(m.sensitivityByType)],
    ),
  );
  out.push('', formatTable([t('eval.report.col.diameter'), sensitivity], rateRows(m.sensitivityBySize)));
  out.push('', formatTable([t('eval.report.col.site'), sensitivity], rateRows(m.sensitivityBySite)));
  out.push('', formatTable([t('eval.report.col.slice'), sensitivity], rateRows(m.sensitivityByThickness)));
  out.push(
    '',
    t('eval.report.falsePositives', {
      fp: m.falsePositivesPerScan.toFixed(2),
      duplicates: m.duplicatesPerScan.toFixed(2),
    }),
  );
  out.push('', t('eval.report.froc'));
  out.push(
    formatTable(
      [t('eval.report.col.fpPerScan'), sensitivity, t('eval.report.col.threshold')],
      m.froc.map((p) => [
        String(p.falsePositivesPerScan),
        p.sensitivity === null ? '-' : `${(100 * p.sensitivity).toFixed(1)} %`,
        num(p.threshold, 3),
      ]),
    ),
  );
  const a = m.atOneFpPerScan;
  out.push(
    '',
    t('eval.report.atOneFp', {
      threshold: Number.isFinite(a.threshold) ? a.threshold.toFixed(3) : t('eval.report.noThreshold'),
      fp: a.falsePositivesPerScan.toFixed(2),
    }),
    t('eval.report.solid', { rate: pct(a.solidOrPartSolidAtLeast5mm) }),
    t('eval.report.ggn', { rate: pct(a.groundGlassAtLeast6mm) }),
    t('eval.report.missed', {
      solid: reasons(a.missedBecause.solidOrPartSolidAtLeast5mm),
      ggn: reasons(a.missedBecause.groundGlassAtLeast6mm),
    }),
  );
  out.push('', t('eval.report.errors'));
  out.push(
    formatTable(
      [
        t('eval.report.col.figure'),
        'n',
        t('eval.report.col.median'),
        t('eval.report.col.medianAbs'),
        t('eval.report.col.p95Abs'),
        t('eval.report.col.maxAbs'),
      ],
      [
        errorRow(t('eval.report.row.volume'), m.volumeErrorPercent),
        errorRow(t('eval.report.row.diameter'), m.diameterErrorMm),
        errorRow(t('eval.report.row.laa950'), m.laa950ErrorPp),
        errorRow(t('eval.report.row.infection'), m.infectionPercentErrorPp),
      ],
    ),
  );
  out.push('', t('eval.report.lungRads', { rate: pct(m.lungRadsAgreement) }));
  out.push(
    '',
    t('eval.report.runtime', {
      median: num(m.runtimeMs.median === null ? null : m.runtimeMs.median / 1000, 2),
      max: num(m.runtimeMs.max === null ? null : m.runtimeMs.max / 1000, 2),
      rss: info.peakRssMb,
    }),
  );
  return out.join('\n');
}
