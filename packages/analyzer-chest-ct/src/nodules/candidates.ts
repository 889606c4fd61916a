import { boundingBox, distanceTransform, gaussianSmooth, type Volume } from '@lingshu/imaging';
import { LungLabel, type LungSegmentation } from '../lungs/types.js';
import { groundGlassChannel } from './ggnChannel.js';
import { blobnessAt } from './hessian.js';
import type { NoduleParams } from './params.js';

/** A candidate centre on the CT grid with its scale from the distance map. */
export interface Seed {
  /** Voxel coordinates on the CT grid (block centre). */
  i: number;
  j: number;
  k: number;
  radiusMm: number;
  blobness: number;
  /** Found by the ground-glass channel: segmented within the ground-glass band (segment.ts). */
  groundGlass?: boolean;
  /** A local maximum of the denser mask's distance map (`solidSeedContrastHu`). */
  solid?: boolean;
}

export interface CandidateSearch {
  seeds: Seed[];
  /** Median HU of aerated lung (smoothed), the background of every nodule. */
  parenchymaHu: number;
  /** Robust noise of the smoothed parenchyma (HU). */
  noiseHu: number;
  /** Seeds before the blob test (for audit). */
  localMaxima: number;
  /** Local maxima that failed the blob test (for audit and tuning). */
  notBlobs: Seed[];
  /** Milliseconds of the steps (grid, smoothing, threshold + distance, seeds, ground-glass channel). */
  timing: number[];
}

const isLung = (l: number | undefined): boolean => l === LungLabel.RightLung || l === LungLabel.LeftLung;

/** Percentile of values (HU) by a 1-HU histogram over −1100..+1100. */
function histogramPercentiles(values: Float32Array, mask: Uint8Array, ps: readonly number[]): number[] {
  const lo = -1100;
  const bins = new Uint32Array(2201);
  let n = 0;
  for (let p = 0; p < values.length; p++) {
    if (!mask[p]) continue;
    const b = Math.max(0, Math.min(2200, Math.round((values[p] ?? 0) - lo)));
    bins[b] = (bins[b] ?? 0) + 1;
    n++;
  }
  return ps.map((q) => {
    const target = q * n;
    let acc = 0;
    for (let b = 0; b < bins.length; b++) {
      acc += bins[b] ?? 0;
      if (acc >= target) return b + lo;
    }
    return lo;
  });
}

/**
 * Noise of the smoothed grid from differences of i-neighbours inside the lung (median absolute
 * difference / (0.674·√2)): slow density changes (emphysema, gravity gradient) do not count.
 */
function smoothedNoise(values: Float32Array, lung: Uint8Array, dims: readonly [number, number, number]): number {
  const bins = new Uint32Array(1001);
  let n = 0;
  for (let p = 1; p < values.length; p++) {
    if (!lung[p] || !lung[p - 1] || p % dims[0] === 0) continue;
    const d = Math.min(1000, Math.round(Math.abs((values[p] ?? 0) - (values[p - 1] ?? 0))));
    bins[d] = (bins[d] ?? 0) + 1;
    n++;
  }
  let acc = 0;
  for (let d = 0; d < bins.length; d++) {
    acc += bins[d] ?? 0;
    if (acc >= n / 2) return Math.max(1, d / (0.674 * Math.SQRT2));
  }
  return 1;
}

interface BlockGrid {
  /** Block size in CT voxels per axis. */
  f: [number, number, number];
  /** CT voxel index of the grid's first block corner. */
  origin: [number, number, number];
  dims: [number, number, number];
  /** Majority-lung blocks. */
  lung: Uint8Array;
  /** Block mean HU (of lung voxels where known; NaN where none). */
  mean: Float32Array;
}

/**
 * The lung segmenter's coarse grid is reused when its blocks are about the candidate grid's size
 * (no second pass over the full-resolution CT, the costliest part of the search on 512² scans).
 */
function usableWorkGrid(ct: Volume, params: NoduleParams, wg: LungSegmentation['workGrid']): boolean {
  if (!wg) return false;
  for (let a = 0; a < 3; a++) {
    const limit = Math.max(ct.spacing[a] ?? 1, 1.25 * params.gridMm);
    if ((wg.spacing[a] ?? 0) > limit + 1e-6) return false;
  }
  return wg.hu.length === wg.dims[0] * wg.dims[1] * wg.dims[2];
}

/** Block grid over the lungs' bounding box, cut from the segmenter's coarse grid. */
function blockGridFromWorkGrid(wg: NonNullable<LungSegmentation['workGrid']>): BlockGrid | undefined {
  const [cx, cy] = wg.dims;
  const box = boundingBox(wg.labels, wg.dims, isLung);
  if (!box) return undefined;
  const [i0, j0, k0, i1, j1, k1] = box;
  const dims: [number, number, number] = [i1 - i0 + 1, j1 - j0 + 1, k1 - k0 + 1];
  const n = dims[0] * dims[1] * dims[2];
  const lung = new Uint8Array(n);
  const mean = new Float32Array(n);
  for (let k = 0, g = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      const row = i0 + cx * (j + j0 + cy * (k + k0));
      for (let i = 0; i < dims[0]; i++, g++) {
        const inLung = isLung(wg.labels[row + i]);
        lung[g] = inLung ? 1 : 0;
        mean[g] = inLung ? (wg.hu[row + i] ?? 0) : Number.NaN;
      }
    }
  }
  const f: [number, number, number] = [wg.factors[0], wg.factors[1], wg.factors[2]];
  return { f, origin: [i0 * f[0], j0 * f[1], k0 * f[2]], dims, lung, mean };
}

/** Block means of lung voxels over the lungs' bounding box at ≈ `gridMm`, from the full-resolution CT. */
function blockGrid(ct: Volume, labels: Uint8Array, params: NoduleParams): BlockGrid | undefined {
  const [nx, ny] = ct.dimensions;
  const [sx, sy, sz] = ct.spacing;
  const box = boundingBox(labels, ct.dimensions, isLung);
  if (!box) return undefined;
  const [i0, j0, k0, i1, j1, k1] = box;
  const f = [sx, sy, sz].map((s) => Math.max(1, Math.round(params.gridMm / s))) as [number, number, number];
  const gx = Math.ceil((i1 - i0 + 1) / f[0]);
  const gy = Math.ceil((j1 - j0 + 1) / f[1]);
  const gz = Math.ceil((k1 - k0 + 1) / f[2]);
  const gn = gx * gy * gz;
  const sum = new Float32Array(gn);
  const count = new Uint16Array(gn);
  const lungCount = new Uint16Array(gn);
  const vox = ct.voxels;
  for (let k = k0; k <= k1; k++) {
    const gk = ((k - k0) / f[2]) | 0;
    for (let j = j0; j <= j1; j++) {
      const gj = ((j - j0) / f[1]) | 0;
      const row = nx * (j + ny * k);
      const grow = gx * (gj + gy * gk);
      for (let i = i0; i <= i1; i++) {
        const g = grow + (((i - i0) / f[0]) | 0);
        const p = row + i;
        count[g] = (count[g] ?? 0) + 1;
        if (isLung(labels[p])) {
          sum[g] = (sum[g] ?? 0) + (vox[p] ?? 0);
          lungCount[g] = (lungCount[g] ?? 0) + 1;
        }
      }
    }
  }
  const lung = new Uint8Array(gn);
  const mean = new Float32Array(gn);
  for (let g = 0; g < gn; g++) {
    const lc = lungCount[g] ?? 0;
    lung[g] = 2 * lc > (count[g] ?? 0) ? 1 : 0;
    mean[g] = lc > 0 ? (sum[g] ?? 0) / lc : Number.NaN;
  }
  return { f, origin: [i0, j0, k0], dims: [gx, gy, gz], lung, mean };
}

/**
 * Visits the local maxima (26-neighbourhood) of a distance map at least `minMm` deep; on a plateau
 * the first voxel in scan order wins, so a plateau gives one maximum.
 */
function forEachMaximum(
  dist: Float32Array,
  dims: readonly [number, number, number],
  minMm: number,
  visit: (i: number, j: number, k: number, d: number) => void,
): void {
  const [gx, gy, gz] = dims;
  for (let k = 0; k < gz; k++) {
    for (let j = 0; j < gy; j++) {
      for (let i = 0; i < gx; i++) {
        const g = i + gx * (j + gy * k);
        const d = dist[g] ?? 0;
        if (d < minMm) continue;
        let isMax = true;
        for (let dk = -1; dk <= 1 && isMax; dk++) {
          const kk = k + dk;
          if (kk < 0 || kk >= gz) continue;
          for (let dj = -1; dj <= 1 && isMax; dj++) {
            const jj = j + dj;
            if (jj < 0 || jj >= gy) continue;
            for (let di = -1; di <= 1; di++) {
              const ii = i + di;
              if (ii < 0 || ii >= gx || (di === 0 && dj === 0 && dk === 0)) continue;
              const q = ii + gx * (jj + gy * kk);
              const dq = dist[q] ?? 0;
              if (dq > d || (dq === d && q < g)) {
                isMax = false;
                break;
              }
            }
          }
        }
        if (isMax) visit(i, j, k, d);
      }
    }
  }
}

/**
 * Candidate search on a ≈1.2 mm grid over the lungs' bounding box: block means of the CT with
 * non-lung voxels set to the parenchyma level (so chest wall and mediastinum do not bleed into
 * the lung), Gaussian smoothing, a low threshold that keeps ground-glass, the distance map of
 * that mask, its local maxima as seeds (radius = distance), and a Hessian blob test at each
 * seed's scale that drops vessels (tubes) and fissures/pleura (plates).
 */
export function findCandidates(
  ct: Volume,
  labels: Uint8Array,
  params: NoduleParams,
  workGrid?: LungSegmentation['workGrid'],
): CandidateSearch {
  const t0 = performance.now();
  const [nx, ny, nz] = ct.dimensions;
  const [sx, sy, sz] = ct.spacing;
  const timing: number[] = [];
  const grid = usableWorkGrid(ct, params, workGrid)
    ? blockGridFromWorkGrid(workGrid as NonNullable<LungSegmentation['workGrid']>)
    : blockGrid(ct, labels, params);
  if (!grid) return { seeds: [], parenchymaHu: -850, noiseHu: 0, localMaxima: 0, notBlobs: [], timing };
  const { f, origin, lung, mean } = grid;
  const [i0, j0, k0] = origin;
  const [gx, gy, gz] = grid.dims;
  const gn = gx * gy * gz;
  const gdims = [gx, gy, gz] as const;
  const gsp = [sx * f[0], sy * f[1], sz * f[2]] as const;
  // Background level from the unsmoothed block means, then non-lung blocks take it.
  const level = histogramPercentiles(mean, lung, [0.5])[0] ?? -850;
  for (let g = 0; g < gn; g++) if (!lung[g] || Number.isNaN(mean[g])) mean[g] = level;
  const t1 = performance.now();
  const smooth = gaussianSmooth(mean, gdims, gsp, params.smoothingMm);
  const t2 = performance.now();
  const parenchymaHu = histogramPercentiles(smooth, lung, [0.5])[0] ?? level;
  const noiseHu = smoothedNoise(smooth, lung, gdims);
  const threshold = parenchymaHu + Math.max(params.candidateContrastHu, params.noiseFactor * noiseHu);
  const dense = new Uint8Array(gn);
  for (let g = 0; g < gn; g++) dense[g] = lung[g] && (smooth[g] ?? 0) > threshold ? 1 : 0;
  const dist = distanceTransform(dense, gdims, gsp);
  let solidDist: Float32Array | undefined;
  if (params.solidSeedContrastHu > 0) {
    const solidLevel = parenchymaHu + params.solidSeedContrastHu;
    const solid = new Uint8Array(gn);
    for (let g = 0; g < gn; g++) solid[g] = lung[g] && (smooth[g] ?? 0) > solidLevel ? 1 : 0;
    solidDist = distanceTransform(solid, gdims, gsp);
  }
  const band = new Uint8Array(gn);
  for (let g = 0; g < gn; g++) band[g] = dense[g] && (smooth[g] ?? 0) < params.ggnChannelMaxHu ? 1 : 0;
  const t3 = performance.now();
  // Hessian input: contrast to parenchyma, clipped so a bright vessel beside a faint ground-glass
  // nodule does not dominate the nodule's shape.
  const clip = params.hessianClipHu;
  for (let g = 0; g < gn; g++) smooth[g] = Math.min(clip, (smooth[g] ?? 0) - parenchymaHu);
  timing.push(t1 - t0, t2 - t1, t3 - t2);

  // Thick slices blur a nodule through-plane into the vessels above and below it: a looser test.
  const minBlobness = sz >= params.thickSliceMinSpacingMm ? params.minBlobnessThickSlices : params.minBlobness;
  const seeds: Seed[] = [];
  const notBlobs: Seed[] = [];
  let localMaxima = 0;
  const toSeed = (i: number, j: number, k: number, radiusMm: number, blobness: number): Seed => ({
    i: Math.min(nx - 1, i0 + i * f[0] + ((f[0] - 1) >> 1)),
    j: Math.min(ny - 1, j0 + j * f[1] + ((f[1] - 1) >> 1)),
    k: Math.min(nz - 1, k0 + k * f[2] + ((f[2] - 1) >> 1)),
    radiusMm,
    blobness,
  });
  /** A seed's position on the grid and its radius. */
  const onGrid = (s: Seed) => [(s.i - i0) / f[0], (s.j - j0) / f[1], (s.k - k0) / f[2], s.radiusMm] as const;
  forEachMaximum(dist, gdims, params.minSeedRadiusMm, (i, j, k, d) => {
    localMaxima++;
    // A sphere of radius r has its strongest normalised LoG response at σ = r/√3.
    const sigma = Math.max(gsp[0], d / Math.sqrt(3));
    const seed = toSeed(i, j, k, d, blobnessAt(smooth, gdims, gsp, i, j, k, sigma));
    if (seed.blobness < (d >= params.largeSeedRadiusMm ? params.minBlobnessLarge : minBlobness)) {
      if (d >= 2 * params.minSeedRadiusMm) notBlobs.push(seed);
      return;
    }
    seeds.push(seed);
  });
  if (solidDist) {
    // Grid positions of the seeds that passed, to skip solid maxima inside them (the same object).
    const passed = seeds.map(onGrid);
    forEachMaximum(solidDist, gdims, params.minSeedRadiusMm, (i, j, k, d) => {
      if (d > 0.5 * params.vesselSideMaxDiameterMm) return;
      for (const [pi, pj, pk, pr] of passed) {
        const mm = Math.hypot((i - pi) * gsp[0], (j - pj) * gsp[1], (k - pk) * gsp[2]);
        if (mm < 0.5 * pr) return;
      }
      localMaxima++;
      const sigma = Math.max(gsp[0], d / Math.sqrt(3));
      const seed = toSeed(i, j, k, d, blobnessAt(smooth, gdims, gsp, i, j, k, sigma));
      seed.solid = true;
      if (seed.blobness < minBlobness) {
        if (d >= 2 * params.minSeedRadiusMm) notBlobs.push(seed);
        return;
      }
      seeds.push(seed);
    });
  }
  const tg = performance.now();
  const seeded = seeds.map(onGrid);
  for (const p of groundGlassChannel(band, lung, dist, gdims, gsp, params, seeded)) {
    localMaxima++;
    const seed: Seed = {
      i: Math.min(nx - 1, i0 + p.i * f[0] + ((f[0] - 1) >> 1)),
      j: Math.min(ny - 1, j0 + p.j * f[1] + ((f[1] - 1) >> 1)),
      k: Math.min(nz - 1, k0 + p.k * f[2] + ((f[2] - 1) >> 1)),
      radiusMm: p.radiusMm,
      blobness: p.blobness,
      groundGlass: true,
    };
    if (p.blobness >= params.ggnChannelMinBlobness) seeds.push(seed);
    else notBlobs.push(seed);
  }
  timing.push(tg - t3, performance.now() - tg);
  seeds.sort((a, b) => b.radiusMm - a.radiusMm || b.blobness - a.blobness);
  return { seeds, parenchymaHu, noiseHu, localMaxima, notBlobs, timing };
}
