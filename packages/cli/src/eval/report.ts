import { formatTable } from '../analyze/table.js';
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
export function formatEvalReport(m: EvalMetrics, info: EvalRunInfo): string {
  const out: string[] = [];
  out.push(
    `Lingshu chest CT evaluation: ${m.scans} phantom scans (seeds ${info.seeds.first}–${info.seeds.last}, ${info.heldOut ? 'held out' : 'TUNING RANGE — not a held-out figure'}), matrix ${info.matrix}`,
  );
  out.push(`Analysed ${m.analysed}/${m.scans}; ${m.nodules} truth nodules.`);
  for (const n of m.notAnalysed) out.push(`  seed ${n.seed}: ${n.status}${n.reason ? ` — ${n.reason}` : ''}`);
  out.push('', 'Detection (every detection kept):');
  out.push(formatTable(['group', 'sensitivity'], [['all', pct(m.sensitivity)], ...rateRows(m.sensitivityByType)]));
  out.push('', formatTable(['mean diameter (mm)', 'sensitivity'], rateRows(m.sensitivityBySize)));
  out.push('', formatTable(['site', 'sensitivity'], rateRows(m.sensitivityBySite)));
  out.push('', formatTable(['slice (mm)', 'sensitivity'], rateRows(m.sensitivityByThickness)));
  out.push(
    '',
    `False positives per scan: ${m.falsePositivesPerScan.toFixed(2)} (duplicate detections per scan: ${m.duplicatesPerScan.toFixed(2)})`,
  );
  out.push('', 'FROC (sensitivity at FP/scan):');
  out.push(
    formatTable(
      ['FP/scan', 'sensitivity', 'threshold'],
      m.froc.map((p) => [
        String(p.falsePositivesPerScan),
        p.sensitivity === null ? '-' : `${(100 * p.sensitivity).toFixed(1)} %`,
        num(p.threshold, 3),
      ]),
    ),
  );
  const t = m.atOneFpPerScan;
  out.push(
    '',
    `At ≤ 1 FP/scan (threshold ${Number.isFinite(t.threshold) ? t.threshold.toFixed(3) : 'none'}, ${t.falsePositivesPerScan.toFixed(2)} FP/scan):`,
    `  solid/part-solid ≥ 5 mm: ${pct(t.solidOrPartSolidAtLeast5mm)}   (target ≥ 95 %)`,
    `  ground-glass ≥ 6 mm:     ${pct(t.groundGlassAtLeast6mm)}   (target ≥ 85 %)`,
    `  missed, by reason: solid/part-solid ${reasons(t.missedBecause.solidOrPartSolidAtLeast5mm)}; ground-glass ${reasons(t.missedBecause.groundGlassAtLeast6mm)}`,
  );
  out.push('', 'Measurement errors (found nodules ≥ 6 mm; lungs: measured − truth):');
  out.push(
    formatTable(
      ['figure', 'n', 'median', 'median |e|', 'p95 |e|', 'max |e|'],
      [
        errorRow('volume (%)', m.volumeErrorPercent),
        errorRow('mean diameter (mm)', m.diameterErrorMm),
        errorRow('LAA-950 (pp)', m.laa950ErrorPp),
        errorRow('infection (pp)', m.infectionPercentErrorPp),
      ],
    ),
  );
  out.push('', `Lung-RADS category agreement (found nodules with both categories): ${pct(m.lungRadsAgreement)}`);
  out.push(
    '',
    `Runtime per scan (analyzer only): median ${num(m.runtimeMs.median === null ? null : m.runtimeMs.median / 1000, 2)} s, max ${num(m.runtimeMs.max === null ? null : m.runtimeMs.max / 1000, 2)} s; peak RSS ${info.peakRssMb} MB`,
  );
  return out.join('\n');
}
