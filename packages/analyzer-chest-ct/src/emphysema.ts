import type { Measurement } from '@lingshu/ai';
import { type Dims3, gaussianSmooth, type Spacing3, type VoxelArray } from '@lingshu/imaging';
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
  adaptiveSigmaMm: 1,
};

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
  smoothingSigmaMm: number;
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
  const edge = { thresholdHu: options.thresholdHu, denseHu: -700, laa: 0, atEdge: 0 };
  const g: LabelGrid = grid ?? { labels, dims, factors: [1, 1, 1] };
  let hist = lungHistograms(hu, dims, regions, g, edge);
  const noiseHu = peakNoiseHu(hist[0]!);
  let sigma = options.smoothingSigmaMm;
  const edgeFraction = edge.laa > 0 ? edge.atEdge / edge.laa : 0;
  if (
    sigma <= 0 &&
    options.adaptive &&
    (noiseHu > options.adaptiveNoiseHu || edgeFraction > options.adaptiveEdgeFraction)
  ) {
    sigma = options.adaptiveSigmaMm;
  }
  if (sigma > 0) hist = lungHistograms(gaussianSmooth(hu, dims, spacing, sigma), dims, regions, g);
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
    smoothingSigmaMm: sigma,
  };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** Lung histograms (1 HU bins over [LO, HI]): 0 whole, 1 right, 2 left, 3..5 right zones, 6..8 left zones. */
function lungHistograms(
  values: VoxelArray,
  dims: Dims3,
  regions: LungRegions,
  grid: LabelGrid,
  edge?: { thresholdHu: number; denseHu: number; laa: number; atEdge: number },
): Float64Array[] {
  const [nx, ny, nz] = dims;
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
            let p = i0 + nx * (j + ny * k);
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
                  if (
                    values[p - 1]! > d ||
                    values[p + 1]! > d ||
                    values[p - nx]! > d ||
                    values[p + nx]! > d ||
                    values[p - nx - 1]! > d ||
                    values[p - nx + 1]! > d ||
                    values[p + nx - 1]! > d ||
                    values[p + nx + 1]! > d
                  )
                    edge.atEdge++;
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
