import type { Measurement } from '@lingshu/ai';
import { type Dims3, openBox, type VoxelArray } from '@lingshu/imaging';
import { LOBES, type LungRegions, lobeIndex } from './lungs/regions.js';
import { LungLabel, type LungSegmentation } from './lungs/types.js';

/** HU bands of abnormal parenchyma. Not standardised (see clinical-reference.md): configurable and reported. */
export interface InfectionOptions {
  ggoMinHu: number;
  /** GGO is ggoMinHu ≤ HU < ggoMaxHu; consolidation ggoMaxHu ≤ HU ≤ consolidationMaxHu. */
  ggoMaxHu: number;
  consolidationMaxHu: number;
  /**
   * Radius (mm) of the in-plane opening that removes thin high-density structures (vessels,
   * their partial-volume rims, fissures) from the abnormal region; lesions thicker than twice
   * this survive.
   */
  vesselOpeningMm: number;
  /** Histogram bin width of the lesion CT values (HU). */
  histogramBinHu: number;
}

export const defaultInfectionOptions: InfectionOptions = {
  ggoMinHu: -750,
  ggoMaxHu: -300,
  consolidationMaxHu: 50,
  vesselOpeningMm: 3,
  histogramBinHu: 50,
};

export interface InfectionResult {
  /** Per side and total: mL of GGO and consolidation and % of that lung. */
  sides: Array<{
    region: 'right' | 'left' | 'whole';
    lungMl: number;
    ggoMl: number;
    consolidationMl: number;
    percent: number;
  }>;
  /** Percent involvement and 0–5 score per approximate lobe (RUL, RML, RLL, LUL, LLL). */
  lobes: Array<{ lobe: string; percent: number; score: number }>;
  /** Semi-quantitative CT severity score 0–25 (sum of the lobe scores). */
  severityScore: number;
  /** Lesion CT-value histogram (CT grid values clamped to the bands): counts per bin starting at `lo`. */
  histogram: { lo: number; binHu: number; counts: number[] };
  measurements: Measurement[];
  /** Abnormal voxels as labels on the CT grid: 1 GGO, 2 consolidation (0 elsewhere). */
  mask: Uint8Array;
}

/**
 * Lobe score of the semi-quantitative CT severity score (clinical-reference.md: 0 none, 1 < 5 %,
 * 2 5–25 %, 3 26–49 %, 4 50–75 %, 5 > 75 %).
 */
export function lobeSeverity(percent: number): number {
  if (percent <= 0) return 0;
  if (percent < 5) return 1;
  if (percent <= 25) return 2;
  if (percent < 50) return 3;
  if (percent <= 75) return 4;
  return 5;
}

/**
 * Infection burden: lung voxels in the GGO or consolidation band after removing thin structures
 * (vessels) by an in-plane opening on the coarse working grid, and excluding nodules.
 */
export function quantifyInfection(
  hu: VoxelArray,
  lungs: LungSegmentation,
  dims: Dims3,
  spacing: readonly [number, number, number],
  regions: LungRegions,
  excluded: Uint8Array | undefined,
  options: InfectionOptions = defaultInfectionOptions,
): InfectionResult {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const labels = lungs.labels;
  const lo = options.ggoMinHu;
  const hi = options.consolidationMaxHu;

  // Candidate region on the coarse grid (or the CT grid when the segmenter gave none).
  const wg = lungs.workGrid;
  const cDims = wg?.dims ?? dims;
  const cSpacing = wg?.spacing ?? spacing;
  const cHu = wg?.hu ?? hu;
  const cLab = wg?.labels ?? labels;
  const band = new Uint8Array(cLab.length);
  for (let p = 0; p < band.length; p++) {
    const l = cLab[p];
    if (l !== LungLabel.RightLung && l !== LungLabel.LeftLung) continue;
    const v = cHu[p]!;
    band[p] = v >= lo && v <= hi ? 1 : 0;
  }
  const r = (s: number): number => Math.max(0, Math.round(options.vesselOpeningMm / s));
  const opened = openBox(band, cDims, [r(cSpacing[0]), r(cSpacing[1]), 0]);
  // Class per coarse voxel (1 GGO, 2 consolidation) from its block mean, so noise in single
  // voxels neither drops lesion voxels out of the band nor splits a patch between classes.
  for (let p = 0; p < opened.length; p++) if (opened[p] !== 0) opened[p] = cHu[p]! < options.ggoMaxHu ? 1 : 2;
  // Coarse voxel of each CT voxel: column lookup plus per-row/slice offsets (no upsampled copy).
  const fac = wg?.factors ?? [1, 1, 1];
  const ci = new Int32Array(nx);
  for (let i = 0; i < nx; i++) ci[i] = (i / fac[0]) | 0;

  const mask = new Uint8Array(labels.length);
  const binHu = options.histogramBinHu;
  const nBins = Math.ceil((hi + 1 - lo) / binHu);
  const counts = new Array<number>(nBins).fill(0);
  const lung = [0, 0];
  const ggo = [0, 0];
  const cons = [0, 0];
  const lobeLung = new Float64Array(5);
  const lobeAbn = new Float64Array(5);
  for (let k = 0; k < nz; k++) {
    let p = k * plane;
    const zr = regions.zoneOfK[0][k]!;
    const zl = regions.zoneOfK[1][k]!;
    if (zr < 0 && zl < 0) continue;
    const kOff = ((k / fac[2]) | 0) * cDims[0] * cDims[1];
    for (let j = 0; j < ny; j++) {
      const rowOff = kOff + ((j / fac[1]) | 0) * cDims[0];
      const antR = (j - regions.meanJ[0]) * regions.jPosterior < 0;
      const antL = (j - regions.meanJ[1]) * regions.jPosterior < 0;
      for (let i = 0; i < nx; i++, p++) {
        const l = labels[p];
        if (l !== LungLabel.RightLung && l !== LungLabel.LeftLung) continue;
        const s = l === LungLabel.RightLung ? 0 : 1;
        const z = s === 0 ? zr : zl;
        const lobe = lobeIndex(s, z < 0 ? 1 : z, s === 0 ? antR : antL);
        lung[s]!++;
        lobeLung[lobe]!++;
        const cls = opened[rowOff + ci[i]!]!;
        if (cls === 0 || (excluded && excluded[p] !== 0)) continue;
        if (cls === 1) ggo[s]!++;
        else cons[s]!++;
        mask[p] = cls;
        const v = Math.min(hi, Math.max(lo, hu[p]!));
        lobeAbn[lobe]!++;
        counts[Math.min(nBins - 1, Math.floor((v - lo) / binHu))]!++;
      }
    }
  }
  const ml = (spacing[0] * spacing[1] * spacing[2]) / 1000;
  const side = (
    region: 'right' | 'left' | 'whole',
    a: number,
    g: number,
    c: number,
  ): InfectionResult['sides'][number] => ({
    region,
    lungMl: a * ml,
    ggoMl: g * ml,
    consolidationMl: c * ml,
    percent: a ? (100 * (g + c)) / a : 0,
  });
  const sides = [
    side('right', lung[0]!, ggo[0]!, cons[0]!),
    side('left', lung[1]!, ggo[1]!, cons[1]!),
    side('whole', lung[0]! + lung[1]!, ggo[0]! + ggo[1]!, cons[0]! + cons[1]!),
  ];
  const lobes = LOBES.map((lobe, t) => {
    const percent = lobeLung[t]! ? (100 * lobeAbn[t]!) / lobeLung[t]! : 0;
    return { lobe, percent, score: lobeSeverity(percent) };
  });
  const severityScore = lobes.reduce((s, l) => s + l.score, 0);
  const r2 = (v: number): number => Math.round(v * 100) / 100;
  const measurements: Measurement[] = [];
  for (const s of sides) {
    measurements.push({ key: 'ggoVolumeMl', value: r2(s.ggoMl), unit: 'mL', region: s.region });
    measurements.push({ key: 'consolidationVolumeMl', value: r2(s.consolidationMl), unit: 'mL', region: s.region });
    measurements.push({ key: 'infectionPercent', value: r2(s.percent), unit: '%', region: s.region });
  }
  for (const l of lobes) {
    measurements.push({ key: 'infectionPercent', value: r2(l.percent), unit: '%', region: l.lobe });
  }
  measurements.push({ key: 'ctSeverityScore', value: severityScore, unit: '1', region: 'whole' });
  return { sides, lobes, severityScore, histogram: { lo, binHu, counts }, measurements, mask };
}
