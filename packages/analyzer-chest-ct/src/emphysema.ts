import type { Measurement } from '@lingshu/ai';
import {
  type Box3,
  boundingBox,
  boxDims,
  type Dims3,
  gaussianSmoothInPlace,
  type Spacing3,
  type VoxelArray,
} from '@lingshu/imaging';
import { type LungRegions, sideName, ZONES } from './lungs/regions.js';
import { LungLabel } from './lungs/types.js';

/** Histogram range (HU); values outside are clamped into the end bins. */
const LO = -1200;
const HI = 400;

export interface EmphysemaOptions {
  /** LAA threshold (HU), default −950. */
  thresholdHu: number;
  /** Count voxels at the threshold as low-attenuation (≤, default) or not (<). */
  inclusive: boolean;
  /** Percentile of the lung histogram reported as PercN (default 15). */
  percentile: number;
  /** Gaussian pre-smoothing (mm, 0 = none) to reduce noise bias on low-dose scans. */
  smoothingSigmaMm: number;
  /**
   * Noise-adaptive: when the parenchyma peak of the lung histogram is wider than
   * `adaptiveNoiseHu` (its σ from the half width at half maximum on the dense side), smooth with
   * `adaptiveSigmaMm` before counting (unless `smoothingSigmaMm` already asks for smoothing).
   */
  adaptive: boolean;
  adaptiveNoiseHu: number;
  /**
   * Noise-adaptive, moderate noise: above `moderateNoiseHu` (but not above `adaptiveNoiseHu`)
   * smooth with the milder `moderateSigmaMm`. LAA's noise bias grows steeply with the noise
   * (the parenchyma's tail crosses −950 HU): 30 HU of noise can add 2 points, while a 1 mm
   * smoothing at that noise already blurs small holes away (−0.5 points).
   */
  moderateNoiseHu: number;
  moderateSigmaMm: number;
  /**
   * Moderate noise from an edge-enhancing kernel (more than this fraction of the low-attenuation
   * voxels beside dense tissue, see `adaptiveEdgeFraction`): smooth with `adaptiveSigmaMm`. Such
   * kernels (sharp, lung) add undershoot rims beside vessels that `moderateSigmaMm` leaves
   * below −950 HU (+0.2 to +0.3 points on the tuning seeds), while smooth-kernel noise of the
   * same level needs only the milder smoothing. Counted over the low-attenuation voxels outside
   * clusters (≥ 3 of 4 in-plane neighbours also low): emphysema holes would otherwise dilute the
   * fraction, and a sharp scan with emphysema was taken for a smooth one (analyzer ≤ 0.6.0: all
   * low-attenuation voxels, limit 0.15).
   */
  moderateEdgeFraction: number;
  /**
   * Slice thickness (mm; 0 = take the slice spacing). Only the noise-only smoothing (moderate
   * noise, smooth kernel) depends on it, see `moderateSigmaFor`.
   */
  sliceThicknessMm: number;
  /**
   * Slices up to this thickness (mm) get the full `moderateSigmaMm`; thicker ones less (see
   * `moderateSigmaFor`).
   */
  thinSliceMm: number;
  /**
   * Noise-adaptive, sharp kernels: smooth also when more than this fraction of the
   * low-attenuation voxels touch dense tissue (> −700 HU, in-plane 8-neighbourhood). Edge-
   * enhancing kernels undershoot beside vessels and the pleura; emphysema lies in parenchyma.
   */
  adaptiveEdgeFraction: number;
  adaptiveSigmaMm: number;
}

export const defaultEmphysemaOptions: EmphysemaOptions = {
  thresholdHu: -950,
  inclusive: true,
  percentile: 15,
  smoothingSigmaMm: 0,
  adaptive: true,
  adaptiveNoiseHu: 40,
  adaptiveEdgeFraction: 0.5,
  adaptiveSigmaMm: 0.85,
  moderateNoiseHu: 22,
  moderateSigmaMm: 0.7,
  moderateEdgeFraction: 0.25,
  sliceThicknessMm: 0,
  thinSliceMm: 1.25,
};

/**
 * In-plane σ (mm) of the noise-only smoothing for a slice thickness. The slice profile (a box of
 * the thickness, σ = thickness/√12) already blurs the emphysema holes through-plane, and blurs of
 * Gaussian width add in quadrature: a slice thicker than `thinSliceMm` has used that much more of
 * the blur the holes tolerate, so the in-plane σ shrinks by the difference,
 * σ² = moderateSigmaMm² − (thickness² − thinSliceMm²)/12, down to no smoothing. (Edge-enhancing
 * kernels keep their smoothing: their undershoot rims lie in-plane, which slices do not blur.)
 */
export function moderateSigmaFor(options: EmphysemaOptions, sliceThicknessMm: number): number {
  const extra = Math.max(0, sliceThicknessMm ** 2 - options.thinSliceMm ** 2) / 12;
  const s2 = options.moderateSigmaMm ** 2 - extra;
  return s2 > 0 ? Math.round(Math.sqrt(s2) * 100) / 100 : 0;
}

export interface EmphysemaRegionResult {
  region: string;
  lungVoxels: number;
  laaVoxels: number;
  laaPercent: number;
  percHu: number;
}

export interface EmphysemaResult {
  regions: EmphysemaRegionResult[];
  measurements: Measurement[];
  /** How LAA was counted, for the report (e.g. "≤ −950 HU"). */
  definition: string;
  /** σ (HU) of the parenchyma peak of the unsmoothed lung histogram, and the smoothing applied (mm). */
  noiseHu: number;
  /** Fraction of the unsmoothed low-attenuation voxels beside dense tissue (see adaptiveEdgeFraction). */
  edgeFraction: number;
  /** The same over the low-attenuation voxels outside clusters (see moderateEdgeFraction). */
  edgeFractionUnclustered: number;
  smoothingSigmaMm: number;
}

/** Counts of the unsmoothed lung histogram pass for the kernel test (see lungHistograms). */
interface EdgeCounts {
  thresholdHu: number;
  denseHu: number;
  /** Low-attenuation voxels, and those beside dense tissue. */
  laa: number;
  atEdge: number;
  /** The same, leaving out voxels inside low-attenuation clusters (emphysema holes). */
  laaLoose: number;
  atEdgeLoose: number;
}

/**
 * σ (HU) of the parenchyma peak of a lung histogram (1 HU bins starting at LO): the mode is
 * sought between −1000 and −600 HU on an 11-bin moving average (clamped values and emphysema
 * make spikes below), σ from the half width at half maximum on the dense side.
 */
export function peakNoiseHu(counts: Float64Array): number {
  const smooth = new Float64Array(counts.length);
  for (let b = 5; b < counts.length - 5; b++) {
    let acc = 0;
    for (let d = -5; d <= 5; d++) acc += counts[b + d]!;
    smooth[b] = acc / 11;
  }
  let mode = -1000 - LO;
  for (let b = mode; b <= -600 - LO; b++) if (smooth[b]! > smooth[mode]!) mode = b;
  const half = smooth[mode]! / 2;
  let b = mode;
  while (b < counts.length - 6 && smooth[b]! > half) b++;
  // Gaussian: HWHM = σ·√(2 ln 2).
  return (b - mode) / Math.sqrt(2 * Math.LN2);
}

/**
 * The lung labels on a block grid whose blocks (`factors`) tile the CT grid and whose label is
 * the label of every CT voxel of the block (the segmenter's `workGrid`): the histograms then skip
 * non-lung blocks instead of reading every CT voxel's label.
 */
export interface LabelGrid {
  labels: Uint8Array;
  dims: Dims3;
  factors: readonly [number, number, number];
}

/**
 * LAA (% of lung voxels at or below the threshold) and PercN (HU at the Nth percentile of the lung
 * histogram), whole lung, per side and per zone. The airway label is not lung, so trachea and main
 * bronchi never count as low attenuation.
 */
export function quantifyEmphysema(
  hu: VoxelArray,
  labels: Uint8Array,
  dims: Dims3,
  spacing: Spacing3,
  regions: LungRegions,
  options: EmphysemaOptions = defaultEmphysemaOptions,
  grid?: LabelGrid,
): EmphysemaResult {
  const edge: EdgeCounts = {
    thresholdHu: options.thresholdHu,
    denseHu: -700,
    laa: 0,
    atEdge: 0,
    laaLoose: 0,
    atEdgeLoose: 0,
  };
  const g: LabelGrid = grid ?? { labels, dims, factors: [1, 1, 1] };
  let hist = lungHistograms(hu, dims, regions, g, edge);
  const noiseHu = peakNoiseHu(hist[0]!);
  let sigma = options.smoothingSigmaMm;
  const edgeFraction = edge.laa > 0 ? edge.atEdge / edge.laa : 0;
  const edgeFractionUnclustered = edge.laaLoose > 0 ? edge.atEdgeLoose / edge.laaLoose : 0;
  if (sigma <= 0 && options.adaptive) {
    if (noiseHu > options.adaptiveNoiseHu || edgeFraction > options.adaptiveEdgeFraction) {
      sigma = options.adaptiveSigmaMm;
    } else if (noiseHu > options.moderateNoiseHu) {
      const thickness = options.sliceThicknessMm > 0 ? options.sliceThicknessMm : spacing[2];
      sigma =
        edgeFractionUnclustered > options.moderateEdgeFraction
          ? options.adaptiveSigmaMm
          : moderateSigmaFor(options, thickness);
    }
  }
  if (sigma > 0) {
    // Smoothed on the lungs' bounding box plus the kernel's reach only: the same values inside
    // the lungs as smoothing the whole volume, at a fraction of the memory and time.
    const box = lungBox(g, dims, spacing, sigma);
    if (box) {
      const smoothed = gaussianSmoothInPlace(cropValues(hu, dims, box), boxDims(box), spacing, sigma);
      hist = lungHistograms(smoothed, dims, regions, g, undefined, box);
    }
  }
  const t = options.thresholdHu;
  const bins = HI - LO + 1;

  const names = ['whole', 'right', 'left', ...[0, 1].flatMap((s) => ZONES.map((z) => `${sideName(s)}-${z}`))];
  // With integer HU, "< t" is "≤ t − 1" (the smoothed values were rounded the same way).
  const cut = Math.min(HI, Math.max(LO - 1, options.inclusive ? Math.floor(t) : Math.ceil(t) - 1)) - LO;
  const out: EmphysemaRegionResult[] = names.map((region, r) => {
    const h = hist[r]!;
    let total = 0;
    let laa = 0;
    for (let b = 0; b < bins; b++) {
      total += h[b]!;
      if (b <= cut) laa += h[b]!;
    }
    let percHu = Number.NaN;
    if (total > 0) {
      const rank = Math.max(1, Math.ceil((options.percentile / 100) * total));
      let acc = 0;
      for (let b = 0; b < bins; b++) {
        acc += h[b]!;
        if (acc >= rank) {
          percHu = b + LO;
          break;
        }
      }
    }
    return { region, lungVoxels: total, laaVoxels: laa, laaPercent: total ? (100 * laa) / total : 0, percHu };
  });
  const key = `laa${Math.abs(t)}Percent`;
  const measurements: Measurement[] = [
    { key: 'lungNoiseHu', value: Math.round(noiseHu * 10) / 10, unit: "[hnsf'U]", region: 'whole' },
    { key: 'emphysemaSmoothingSigmaMm', value: sigma, unit: 'mm', region: 'whole' },
  ];
  for (const r of out) {
    if (r.lungVoxels === 0) continue;
    measurements.push({ key, value: round2(r.laaPercent), unit: '%', region: r.region });
    measurements.push({ key: `perc${options.percentile}Hu`, value: r.percHu, unit: "[hnsf'U]", region: r.region });
  }
  return {
    regions: out,
    measurements,
    definition: `${options.inclusive ? '≤' : '<'} ${t} HU`,
    noiseHu,
    edgeFraction,
    edgeFractionUnclustered,
    smoothingSigmaMm: sigma,
  };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/**
 * Bounding box (CT voxels) of the lung blocks of the label grid, grown by the reach of a
 * Gaussian of `sigmaMm` as gaussianSmooth truncates it (3σ, at least one voxel) and clamped.
 */
function lungBox(grid: LabelGrid, dims: Dims3, spacing: Spacing3, sigmaMm: number): Box3 | undefined {
  const f = grid.factors;
  const box = boundingBox(grid.labels, grid.dims, (l) => l === LungLabel.RightLung || l === LungLabel.LeftLung);
  if (!box) return undefined;
  const [i0, j0, k0, i1, j1, k1] = box;
  const reach = (a: 0 | 1 | 2): number => Math.max(1, Math.ceil((3 * sigmaMm) / spacing[a])) + 1;
  return [
    Math.max(0, i0 * f[0] - reach(0)),
    Math.max(0, j0 * f[1] - reach(1)),
    Math.max(0, k0 * f[2] - reach(2)),
    Math.min(dims[0] - 1, (i1 + 1) * f[0] - 1 + reach(0)),
    Math.min(dims[1] - 1, (j1 + 1) * f[1] - 1 + reach(1)),
    Math.min(dims[2] - 1, (k1 + 1) * f[2] - 1 + reach(2)),
  ];
}

/** The values of a box of the volume, as Float32 (what gaussianSmooth works in). */
function cropValues(values: VoxelArray, dims: Dims3, box: Box3): Float32Array {
  const [bx, by, bz] = boxDims(box);
  const [nx, ny] = dims;
  const out = new Float32Array(bx * by * bz);
  for (let k = 0, q = 0; k < bz; k++) {
    for (let j = 0; j < by; j++, q += bx) {
      const p = box[0] + nx * (box[1] + j + ny * (box[2] + k));
      out.set(values.subarray(p, p + bx), q);
    }
  }
  return out;
}

/**
 * Lung histograms (1 HU bins over [LO, HI]): 0 whole, 1 right, 2 left, 3..5 right zones, 6..8
 * left zones. With `box`, `values` holds only that box of the CT grid (which covers the lungs).
 */
function lungHistograms(
  values: VoxelArray,
  dims: Dims3,
  regions: LungRegions,
  grid: LabelGrid,
  edge?: EdgeCounts,
  box?: Box3,
): Float64Array[] {
  const [nx, ny, nz] = dims;
  // Index of CT voxel (i, j, k) in `values`: p − offset on the CT grid, or its place in the box.
  const [vx, vy] = box ? boxDims(box) : [nx, ny];
  const [ox, oy, oz] = box ? [box[0], box[1], box[2]] : [0, 0, 0];
  const bins = HI - LO + 1;
  const hist = Array.from({ length: 9 }, () => new Float64Array(bins));
  const integral = !(values instanceof Float32Array);
  const [cx, cy, cz] = grid.dims;
  const f = grid.factors;
  let c = 0;
  // One pass over the label grid; the CT voxels of a lung label voxel are its block.
  for (let kc = 0; kc < cz; kc++) {
    const k1 = Math.min(nz, (kc + 1) * f[2]);
    for (let jc = 0; jc < cy; jc++) {
      const j1 = Math.min(ny, (jc + 1) * f[1]);
      for (let ic = 0; ic < cx; ic++, c++) {
        const l = grid.labels[c];
        if (l !== LungLabel.RightLung && l !== LungLabel.LeftLung) continue;
        const s = l === LungLabel.RightLung ? 0 : 1;
        const i0 = ic * f[0];
        const i1 = Math.min(nx, i0 + f[0]);
        const whole = hist[0]!;
        const side = hist[1 + s]!;
        for (let k = kc * f[2]; k < k1; k++) {
          const z = regions.zoneOfK[s][k]!;
          const zone = z >= 0 ? hist[3 + 3 * s + z]! : undefined;
          for (let j = jc * f[1]; j < j1; j++) {
            let p = i0 - ox + vx * (j - oy + vy * (k - oz));
            for (let i = i0; i < i1; i++, p++) {
              let v = values[p]!;
              if (!integral) v = Math.round(v);
              v = v < LO ? LO : v > HI ? HI : v;
              const b = v - LO;
              whole[b]!++;
              side[b]!++;
              if (zone) zone[b]!++;
              if (edge && v <= edge.thresholdHu) {
                // A low-attenuation voxel beside dense tissue (in-plane 8-neighbourhood): the
                // undershoot a sharp (edge-enhancing) kernel puts next to vessels and the pleura.
                edge.laa++;
                if (i > 0 && i < nx - 1 && j > 0 && j < ny - 1) {
                  const d = edge.denseHu;
                  const t = edge.thresholdHu;
                  // Inside a low-attenuation cluster (≥ 3 of its 4 in-plane neighbours low too): a
                  // hole, not a rim (one or two voxels wide along a vessel) nor a noise voxel.
                  const clustered =
                    (values[p - 1]! <= t ? 1 : 0) +
                      (values[p + 1]! <= t ? 1 : 0) +
                      (values[p - vx]! <= t ? 1 : 0) +
                      (values[p + vx]! <= t ? 1 : 0) >=
                    3;
                  if (!clustered) edge.laaLoose++;
                  if (
                    values[p - 1]! > d ||
                    values[p + 1]! > d ||
                    values[p - vx]! > d ||
                    values[p + vx]! > d ||
                    values[p - vx - 1]! > d ||
                    values[p - vx + 1]! > d ||
                    values[p + vx - 1]! > d ||
                    values[p + vx + 1]! > d
                  ) {
                    edge.atEdge++;
                    if (!clustered) edge.atEdgeLoose++;
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return hist;
}
