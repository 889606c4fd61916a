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
  adaptiveSigmaMm: number;
}

export const defaultEmphysemaOptions: EmphysemaOptions = {
  thresholdHu: -950,
  inclusive: true,
  percentile: 15,
  smoothingSigmaMm: 0,
  adaptive: true,
  adaptiveNoiseHu: 40,
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
): EmphysemaResult {
  let hist = lungHistograms(hu, labels, dims, regions);
  const noiseHu = peakNoiseHu(hist[0]!);
  let sigma = options.smoothingSigmaMm;
  if (sigma <= 0 && options.adaptive && noiseHu > options.adaptiveNoiseHu) sigma = options.adaptiveSigmaMm;
  if (sigma > 0) hist = lungHistograms(gaussianSmooth(hu, dims, spacing, sigma), labels, dims, regions);
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
    smoothingSigmaMm: sigma,
  };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** Lung histograms (1 HU bins over [LO, HI]): 0 whole, 1 right, 2 left, 3..5 right zones, 6..8 left zones. */
function lungHistograms(values: VoxelArray, labels: Uint8Array, dims: Dims3, regions: LungRegions): Float64Array[] {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const bins = HI - LO + 1;
  const hist = Array.from({ length: 9 }, () => new Float64Array(bins));
  const integral = !(values instanceof Float32Array);
  for (let k = 0; k < nz; k++) {
    const zr = regions.zoneOfK[0][k]!;
    const zl = regions.zoneOfK[1][k]!;
    if (zr < 0 && zl < 0) continue;
    const base = k * plane;
    for (let q = 0; q < plane; q++) {
      const l = labels[base + q];
      if (l !== LungLabel.RightLung && l !== LungLabel.LeftLung) continue;
      let v = values[base + q]!;
      if (!integral) v = Math.round(v);
      v = v < LO ? LO : v > HI ? HI : v;
      const b = v - LO;
      const s = l === LungLabel.RightLung ? 0 : 1;
      const z = s === 0 ? zr : zl;
      hist[0]![b]!++;
      hist[1 + s]![b]!++;
      if (z >= 0) hist[3 + 3 * s + z]![b]!++;
    }
  }
  return hist;
}
