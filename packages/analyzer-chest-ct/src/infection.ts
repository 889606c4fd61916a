import type { Measurement } from '@lingshu/ai';
import { ctSeverityScore, type LobeCode, lobeSeverityScore } from '@lingshu/clinical';
import {
  boundingBox,
  boxDims,
  cropMask,
  type Dims3,
  expandBox,
  openBox,
  pasteMask,
  type VoxelArray,
} from '@lingshu/imaging';
import { LOBES, type LungRegions, lobeIndex } from './lungs/regions.js';
import { LungLabel, type LungSegmentation } from './lungs/types.js';

/** HU bands of abnormal parenchyma. Not standardised (see clinical-reference.md): configurable and reported. */
export interface InfectionOptions {
  ggoMinHu: number;
  /** GGO is ggoMinHu ≤ HU < ggoMaxHu; consolidation ggoMaxHu ≤ HU ≤ consolidationMaxHu. */
  ggoMaxHu: number;
  consolidationMaxHu: number;
  /**
   * Radius (mm) of the box opening that removes thin high-density structures (vessels, their
   * partial-volume rims, fissures) from the abnormal region; lesions thicker than twice this
   * survive. In-plane by this radius, along k see minOpeningSlices.
   */
  vesselOpeningMm: number;
  /**
   * Least half-height (slices) of the opening along k; otherwise round(vesselOpeningMm / slice
   * spacing). Partial volume where a slice cuts the diaphragm dome, the lung apex or the heart
   * obliquely puts one-slice-thick shells in the GGO/consolidation band; a lesion spans several
   * slices.
   */
  minOpeningSlices: number;
  /** Histogram bin width of the lesion CT values (HU). */
  histogramBinHu: number;
}

export const defaultInfectionOptions: InfectionOptions = {
  ggoMinHu: -750,
  ggoMaxHu: -300,
  consolidationMaxHu: 50,
  vesselOpeningMm: 3,
  minOpeningSlices: 1,
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
  /**
   * Abnormal parenchyma as labels on the label grid (the lung segmenter's working grid, or the
   * CT grid when it gave none): 1 GGO, 2 consolidation, 0 elsewhere. On the CT grid a class
   * covers its whole block except the excluded voxels.
   */
  classes: Uint8Array;
}

/**
 * Lobe score of the semi-quantitative CT severity score (0 none, 1 < 5 %, 2 5–25 %, 3 26–49 %,
 * 4 50–75 %, 5 > 75 %): `lobeSeverityScore` of `@lingshu/clinical`, kept under this name.
 */
export function lobeSeverity(percent: number): number {
  return lobeSeverityScore(percent);
}

/** The grid infection classes are found on: the segmenter's working grid, or the CT's own. */
export interface InfectionGrid {
  dims: Dims3;
  spacing: readonly [number, number, number];
  hu: VoxelArray;
  labels: Uint8Array;
  /** 1 where a voxel is parenchyma (lungs/types.ts `workGrid.parenchyma`); absent: every lung voxel. */
  parenchyma?: Uint8Array;
}

/**
 * Class per voxel of `grid` (1 GGO, 2 consolidation, 0 none): lung parenchyma in the band
 * [ggoMinHu, consolidationMaxHu] after a box opening removes thin structures (vessels, one-slice
 * partial-volume shells). Independent of the nodules (they are excluded when counting).
 * `shared`: the classes in a SharedArrayBuffer (computed on a helper thread).
 */
export function infectionClasses(grid: InfectionGrid, options: InfectionOptions, shared = false): Uint8Array {
  const { dims: cDims, spacing: cSpacing, hu: cHu, labels: cLab, parenchyma: par } = grid;
  const lo = options.ggoMinHu;
  const hi = options.consolidationMaxHu;
  const band = new Uint8Array(cLab.length);
  let any = false;
  for (let p = 0; p < band.length; p++) {
    const l = cLab[p];
    if (l !== LungLabel.RightLung && l !== LungLabel.LeftLung) continue;
    if (par && par[p] === 0) continue;
    const v = cHu[p]!;
    if (v >= lo && v <= hi) {
      band[p] = 1;
      any = true;
    }
  }
  const r = (s: number): number => Math.max(0, Math.round(options.vesselOpeningMm / s));
  const rk = Math.max(options.minOpeningSlices, r(cSpacing[2]));
  const radii = [r(cSpacing[0]), r(cSpacing[1]), cDims[2] > 2 * rk ? rk : 0] as const;
  // The opening runs on the band's bounding box only (the grid border neither adds nor removes
  // foreground, so cropping with a margin of the radii changes nothing).
  const opened = shared ? new Uint8Array(new SharedArrayBuffer(band.length)) : new Uint8Array(band.length);
  const box0 = any ? boundingBox(band, cDims) : undefined;
  if (box0) {
    const box = expandBox(box0, radii, cDims);
    pasteMask(opened, cDims, box, openBox(cropMask(band, cDims, box), boxDims(box), radii), 1);
  }
  // Class per coarse voxel (1 GGO, 2 consolidation) from its block mean, so noise in single
  // voxels neither drops lesion voxels out of the band nor splits a patch between classes.
  for (let p = 0; p < opened.length; p++) if (opened[p] !== 0) opened[p] = cHu[p]! < options.ggoMaxHu ? 1 : 2;
  return opened;
}

/**
 * Infection burden: lung voxels in the GGO or consolidation band after removing thin structures
 * (vessels, one-slice partial-volume shells) by a box opening on the coarse working grid, and
 * excluding nodules (`excluded`: lists of CT voxel indices). Only the
 * parenchyma counts (`workGrid.parenchyma`): the hilar vessels and mediastinal tissue that the
 * lung closing adds on the medial border are neither lesion nor lung in the percentages.
 * `classes`: infectionClasses of the same grid, when computed before.
 */
export function quantifyInfection(
  hu: VoxelArray,
  lungs: LungSegmentation,
  dims: Dims3,
  spacing: readonly [number, number, number],
  regions: LungRegions,
  excluded: readonly ArrayLike<number>[],
  options: InfectionOptions = defaultInfectionOptions,
  classes?: Uint8Array,
): InfectionResult {
  const [nx, ny, nz] = dims;
  const lo = options.ggoMinHu;
  const hi = options.consolidationMaxHu;
  // Candidate region on the coarse grid (or the CT grid when the segmenter gave none).
  const wg = lungs.workGrid;
  const cDims = wg?.dims ?? dims;
  const cLab = wg?.labels ?? lungs.labels;
  const par = wg?.parenchyma;
  // Given: the same classes computed before (e.g. on a helper thread, during the nodule step).
  const opened = classes ?? infectionClasses(wg ?? { dims, spacing, hu, labels: lungs.labels }, options);

  // Excluded voxels, and the label-grid blocks that hold any (only those are looked up per voxel).
  const fac = wg?.factors ?? [1, 1, 1];
  const [cx, cy, cz] = cDims;
  const exVoxels = new Set<number>();
  const exBlocks = new Set<number>();
  for (const list of excluded) {
    for (let t = 0; t < list.length; t++) {
      const p = list[t]!;
      exVoxels.add(p);
      const i = p % nx;
      const j = ((p / nx) | 0) % ny;
      const k = (p / (nx * ny)) | 0;
      exBlocks.add(((i / fac[0]) | 0) + cx * (((j / fac[1]) | 0) + cy * ((k / fac[2]) | 0)));
    }
  }
  const binHu = options.histogramBinHu;
  const nBins = Math.ceil((hi + 1 - lo) / binHu);
  const counts = new Array<number>(nBins).fill(0);
  const lung = [0, 0];
  const ggo = [0, 0];
  const cons = [0, 0];
  const lobeLung = new Float64Array(5);
  const lobeAbn = new Float64Array(5);
  // One pass over the coarse grid; the CT voxels of a coarse lung voxel are its block (the CT
  // labels are the coarse ones brought back by nearest neighbour), so non-lung blocks cost nothing.
  let q = 0;
  for (let kc = 0; kc < cz; kc++) {
    const k0 = kc * fac[2];
    const k1 = Math.min(nz, k0 + fac[2]);
    for (let jc = 0; jc < cy; jc++) {
      const j0 = jc * fac[1];
      const j1 = Math.min(ny, j0 + fac[1]);
      for (let ic = 0; ic < cx; ic++, q++) {
        const l = cLab[q];
        if (l !== LungLabel.RightLung && l !== LungLabel.LeftLung) continue;
        if (par && par[q] === 0) continue;
        const s = l === LungLabel.RightLung ? 0 : 1;
        const cls = opened[q]!;
        const check = cls !== 0 && exBlocks.has(q);
        const i0 = ic * fac[0];
        const i1 = Math.min(nx, i0 + fac[0]);
        for (let k = k0; k < k1; k++) {
          const z = regions.zoneOfK[s][k]!;
          if (z < 0 && regions.zoneOfK[1 - s]![k]! < 0) continue;
          for (let j = j0; j < j1; j++) {
            const anterior = (j - regions.meanJ[s]) * regions.jPosterior < 0;
            const lobe = lobeIndex(s, z < 0 ? 1 : z, anterior);
            const n = i1 - i0;
            lung[s]! += n;
            lobeLung[lobe]! += n;
            if (cls === 0) continue;
            let p = i0 + nx * (j + ny * k);
            for (let i = i0; i < i1; i++, p++) {
              if (check && exVoxels.has(p)) continue;
              if (cls === 1) ggo[s]!++;
              else cons[s]!++;
              const v = Math.min(hi, Math.max(lo, hu[p]!));
              lobeAbn[lobe]!++;
              counts[Math.min(nBins - 1, Math.floor((v - lo) / binHu))]!++;
            }
          }
        }
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
  const percents: Partial<Record<LobeCode, number>> = {};
  LOBES.forEach((lobe, t) => {
    percents[lobe] = lobeLung[t]! ? (100 * lobeAbn[t]!) / lobeLung[t]! : 0;
  });
  const score = ctSeverityScore(percents);
  const lobes = score.lobes.map((l) => ({ lobe: l.lobe, percent: l.percent, score: l.score }));
  const severityScore = score.total;
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
  // `opened` is the label grid's classes: an opening keeps a subset of the band (parenchyma only).
  return { sides, lobes, severityScore, histogram: { lo, binHu, counts }, measurements, classes: opened };
}
