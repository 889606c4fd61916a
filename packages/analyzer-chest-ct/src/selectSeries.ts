import {
  checkRequirements,
  type InputRequirements,
  NotApplicableReason,
  type NotApplicableReasonCode,
  type SeriesFacts,
  type SeriesInput,
  type StudyInput,
  seriesFacts,
} from '@lingshu/ai';

/** Reconstruction kernels and descriptions of lung (sharp) reconstructions across vendors. */
const LUNG_KERNEL =
  /\b(B[6-9]\d[FS]?|BR[6-9]\d|BL[5-9]\d|I[6-9]\d[FS]?|HR[5-9]\d|FC5[0-9]|FC8[0-9]|LUNG|SHARP|BONE(PLUS)?|YA|YB|L|HRCT|HIGH ?RES)\b|肺/;

export interface SeriesChoice {
  series: SeriesInput;
  facts: SeriesFacts;
  /** Why this series was chosen (English, PHI-free). */
  reason: string;
}

export interface RejectedSeries {
  seriesInstanceUID: string;
  reasonCode: NotApplicableReasonCode | 'not-preferred';
  reason: string;
}

export interface SeriesSelection {
  chosen?: SeriesChoice;
  rejected: RejectedSeries[];
}

export function isLungKernel(facts: SeriesFacts): boolean {
  return LUNG_KERNEL.test(facts.convolutionKernel) || LUNG_KERNEL.test(facts.description);
}

function describe(f: SeriesFacts): string {
  const kernel = f.convolutionKernel || 'unknown kernel';
  return `${f.sliceThicknessMm?.toFixed(2) ?? '?'} mm, ${kernel}, ${f.sliceCount} slices, ${f.coverageMm.toFixed(0)} mm coverage`;
}

/**
 * Picks the series to analyse: among the series meeting the requirements (axial CT, thickness,
 * coverage…), the thinnest (within 0.1 mm), then a lung kernel, then the longest coverage.
 * Derived secondary images (MPR, MIP) rank after original ones.
 */
export function selectSeries(study: StudyInput, req: InputRequirements): SeriesSelection {
  const rejected: RejectedSeries[] = [];
  const eligible: SeriesChoice[] = [];
  for (const series of study.series) {
    const facts = seriesFacts(series);
    const failure = checkRequirements(facts, req);
    if (failure) {
      rejected.push({ seriesInstanceUID: series.seriesInstanceUID, ...failure });
      continue;
    }
    eligible.push({ series, facts, reason: '' });
  }
  if (eligible.length === 0) return { rejected };
  const derived = (f: SeriesFacts): number => (f.imageType[0] === 'DERIVED' ? 1 : 0);
  eligible.sort((a, b) => {
    const d = derived(a.facts) - derived(b.facts);
    if (d !== 0) return d;
    const ta = a.facts.sliceThicknessMm ?? 99;
    const tb = b.facts.sliceThicknessMm ?? 99;
    if (Math.abs(ta - tb) > 0.1) return ta - tb;
    const ka = isLungKernel(a.facts) ? 0 : 1;
    const kb = isLungKernel(b.facts) ? 0 : 1;
    if (ka !== kb) return ka - kb;
    return b.facts.coverageMm - a.facts.coverageMm;
  });
  const best = eligible[0]!;
  const why = [
    eligible.length === 1 ? 'the only series meeting the requirements' : 'thinnest eligible series',
    isLungKernel(best.facts) ? 'lung kernel' : 'no lung-kernel series of this thickness',
  ];
  best.reason = `Axial CT series chosen (${describe(best.facts)}): ${why.join(', ')}`;
  for (const other of eligible.slice(1)) {
    rejected.push({
      seriesInstanceUID: other.series.seriesInstanceUID,
      reasonCode: 'not-preferred',
      reason: `eligible but not preferred (${describe(other.facts)})`,
    });
  }
  return { chosen: best, rejected };
}

/** The not-applicable reason when no series qualifies: the most specific failure found. */
export function noSeriesReason(selection: SeriesSelection): { reasonCode: NotApplicableReasonCode; reason: string } {
  const first = selection.rejected.find((r) => r.reasonCode !== 'not-preferred');
  if (!first || first.reasonCode === 'not-preferred') {
    return { reasonCode: NotApplicableReason.NoSeries, reason: 'the study has no image series' };
  }
  const all = selection.rejected.map((r) => r.reason).join('; ');
  return { reasonCode: first.reasonCode, reason: `no series meets the requirements: ${all}` };
}
