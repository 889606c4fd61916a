import type { AnalysisResult, Finding, Measurement } from '@lingshu/ai';
import type { Translate } from '../i18n.js';

/** Terminal columns a string takes: CJK and full-width characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6)
        ? 2
        : 1;
  }
  return w;
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => pad(c, widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function value(ms: readonly Measurement[], key: string): number | undefined {
  return ms.find((m) => m.key === key && (m.region === undefined || m.region === 'whole'))?.value;
}

const fixed1 = (v: number): string => v.toFixed(1);

/** Where the finding is, in the result's own words: side, lobe or zone, attachment. */
export function locationOf(f: Finding): string {
  const a = f.attributes;
  const parts = [
    a.lobe ?? a.zone ?? a.side,
    a.juxtapleural === true ? 'juxtapleural' : undefined,
    a.perifissural === true ? 'perifissural' : undefined,
  ];
  return (
    parts
      .filter((p) => p !== undefined && p !== '')
      .map(String)
      .join(' ') || '-'
  );
}

/** Size: long × short axis (mean) for a measured lesion, else the volume or extent the finding has. */
export function sizeOf(f: Finding): string {
  const long = value(f.measurements, 'longAxisMm');
  const short = value(f.measurements, 'shortAxisMm');
  const mean = value(f.measurements, 'meanDiameterMm');
  if (long !== undefined && short !== undefined)
    return `${fixed1(long)}×${fixed1(short)} mm${mean !== undefined ? ` (${fixed1(mean)})` : ''}`;
  if (mean !== undefined) return `${fixed1(mean)} mm`;
  const volumeMl = value(f.measurements, 'volumeMl');
  if (volumeMl !== undefined) return `${fixed1(volumeMl)} mL`;
  const volume = value(f.measurements, 'volumeMm3');
  if (volume !== undefined) return `${Math.round(volume)} mm³`;
  const percent = f.measurements.find((m) => m.unit === '%');
  return percent ? `${fixed1(percent.value)} %` : '-';
}

function categoryOf(f: Finding): string {
  const c = f.categories.find((x) => x.system === 'lung-rads-2022') ?? f.categories[0];
  if (!c) return '-';
  return c.system === 'lung-rads-2022' ? `Lung-RADS ${c.value}` : `${c.system} ${c.value}`;
}

/** The findings table `lingshu analyze` prints (no names or IDs: findings only). */
export function findingsTable(result: AnalysisResult, t: Translate): string {
  if (result.findings.length === 0) return t('analyze.noFindings');
  const rows = result.findings.map((f, i) => {
    const type = typeof f.attributes.noduleType === 'string' ? `${f.type} (${f.attributes.noduleType})` : f.type;
    return [String(i + 1), type, locationOf(f), sizeOf(f), categoryOf(f), f.confidence.toFixed(2)];
  });
  return formatTable(
    [
      t('analyze.col.n'),
      t('analyze.col.type'),
      t('analyze.col.location'),
      t('analyze.col.size'),
      t('analyze.col.category'),
      t('analyze.col.confidence'),
    ],
    rows,
  );
}

/** Study-level figures (lung volumes, LAA-950, infection %) as `key [region]: value unit` lines. */
const SUMMARY_REGIONS: ReadonlySet<string | undefined> = new Set([undefined, 'whole', 'right', 'left', 'airway']);

/** Study-level figures for the whole lung and each side (zones and lobes stay in result.json). */
export function studyMeasurementLines(result: AnalysisResult): string[] {
  return result.measurements
    .filter((m) => SUMMARY_REGIONS.has(m.region))
    .map((m) => {
      const unit = m.unit === '1' ? '' : m.unit === "[hnsf'U]" ? ' HU' : ` ${m.unit}`;
      const region = m.region ? ` [${m.region}]` : '';
      const v = Math.abs(m.value) >= 100 ? m.value.toFixed(0) : m.value.toFixed(1);
      return `${m.key}${region}: ${v}${unit}`;
    });
}
