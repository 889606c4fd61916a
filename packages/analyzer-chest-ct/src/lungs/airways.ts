import { labelComponents2D } from '@lingshu/imaging';
import type { GridInfo } from './grid.js';

export interface AirwayOptions {
  /** Lumen threshold (HU): airway air is darker than aerated lung (≈ −850). */
  airwayHu: number;
  /** Largest cross-section (mm²) of one airway component on a slice; larger = leaked into lung. */
  maxAreaMm2: number;
  /** Smallest trachea cross-section (mm²) accepted as a seed. */
  minSeedAreaMm2: number;
  /** Largest left–right distance (mm) of the seed from the body's midline. */
  maxSeedOffsetMm: number;
}

export const defaultAirwayOptions: AirwayOptions = {
  airwayHu: -900,
  maxAreaMm2: 900,
  minSeedAreaMm2: 60,
  maxSeedOffsetMm: 30,
};

export interface AirwayResult {
  /** 1 = trachea / main bronchi lumen, on the grid given. */
  mask: Uint8Array;
  voxels: number;
  /** Column (i) of the trachea seed, the midline the lung split uses; undefined when not found. */
  seedI?: number;
}

/**
 * Trachea and main bronchi by slice-wise region growing from a trachea seed found in the most
 * cranial slices. Leak control: on each slice only the 2D components of lumen air that overlap
 * the airway on the previous slice and stay below `maxAreaMm2` are taken, so growth stops where
 * a bronchus opens into aerated lung (whose cross-section is far larger).
 */
export function segmentAirways(
  hu: Int16Array,
  body: Uint8Array,
  grid: GridInfo,
  options: AirwayOptions = defaultAirwayOptions,
): AirwayResult {
  const [nx, ny, nz] = grid.dims;
  const plane = nx * ny;
  const pixelMm2 = grid.spacing[0] * grid.spacing[1];
  const maxArea = options.maxAreaMm2 / pixelMm2;
  const mask = new Uint8Array(hu.length);
  const air = new Uint8Array(plane);
  const labels = new Int32Array(plane);
  const queue = new Int32Array(plane);

  const sliceAir = (k: number): void => {
    const base = k * plane;
    for (let q = 0; q < plane; q++) air[q] = body[base + q] !== 0 && hu[base + q]! < options.airwayHu ? 1 : 0;
  };

  // Body midline and extent (cranial slices first).
  const order = Array.from({ length: nz }, (_, t) => (grid.kSuperior === 1 ? nz - 1 - t : t));
  let sumI = 0;
  let cnt = 0;
  for (let p = 0; p < body.length; p++) {
    if (body[p] === 0) continue;
    sumI += p % nx;
    cnt++;
  }
  if (cnt === 0) return { mask, voxels: 0 };
  const midI = sumI / cnt;

  // Seed: in the cranial quarter, the largest roundish lumen component near the midline (the
  // oesophagus can hold air too, but its lumen is smaller and flattened).
  let seed: { k: number; label: number } | undefined;
  const searchSlices = Math.max(1, Math.ceil(nz / 4));
  for (let t = 0; t < searchSlices && !seed; t++) {
    const k = order[t]!;
    sliceAir(k);
    const comp = labelComponents2D(air, nx, ny, 4, labels, queue);
    // Per-component extent in one pass over the slice.
    const m = comp.count + 1;
    const si = new Float64Array(m);
    const i0 = new Int32Array(m).fill(nx);
    const i1 = new Int32Array(m).fill(-1);
    const j0 = new Int32Array(m).fill(ny);
    const j1 = new Int32Array(m).fill(-1);
    for (let q = 0; q < plane; q++) {
      const l = labels[q]!;
      if (l === 0) continue;
      const i = q % nx;
      const j = (q / nx) | 0;
      si[l] = si[l]! + i;
      if (i < i0[l]!) i0[l] = i;
      if (i > i1[l]!) i1[l] = i;
      if (j < j0[l]!) j0[l] = j;
      if (j > j1[l]!) j1[l] = j;
    }
    let best = 0;
    for (let l = 1; l <= comp.count; l++) {
      const area = comp.sizes[l]!;
      if (area * pixelMm2 < options.minSeedAreaMm2 || area > maxArea) continue;
      const offsetMm = Math.abs(si[l]! / area - midI) * grid.spacing[0];
      const w = (i1[l]! - i0[l]! + 1) * grid.spacing[0];
      const h = (j1[l]! - j0[l]! + 1) * grid.spacing[1];
      // Roundish: fills a good part of its box and is not elongated (excludes slivers of lung apex).
      const fill = (area * pixelMm2) / (w * h);
      if (offsetMm > options.maxSeedOffsetMm || fill < 0.5 || Math.max(w, h) > 2.5 * Math.min(w, h)) continue;
      if (area > best) {
        best = area;
        seed = { k, label: l };
      }
    }
    if (seed) {
      const base = k * plane;
      for (let q = 0; q < plane; q++) if (labels[q] === seed.label) mask[base + q] = 1;
    }
  }
  if (!seed) return { mask, voxels: 0 };

  // Grow from the seed slice towards the feet, then towards the head.
  const grow = (from: number, step: number): void => {
    for (let k = from + step; k >= 0 && k < nz; k += step) {
      const prev = (k - step) * plane;
      const base = k * plane;
      sliceAir(k);
      const comp = labelComponents2D(air, nx, ny, 4, labels, queue);
      const take = new Uint8Array(comp.count + 1);
      for (let q = 0; q < plane; q++) {
        const l = labels[q]!;
        if (l !== 0 && mask[prev + q] !== 0 && comp.sizes[l]! <= maxArea) take[l] = 1;
      }
      let any = false;
      for (let q = 0; q < plane; q++) {
        if (take[labels[q]!] === 1 && labels[q] !== 0) {
          mask[base + q] = 1;
          any = true;
        }
      }
      if (!any) return;
    }
  };
  grow(seed.k, -grid.kSuperior);
  grow(seed.k, grid.kSuperior);

  let voxels = 0;
  let seedSum = 0;
  let seedCount = 0;
  const seedBase = seed.k * plane;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p] === 0) continue;
    voxels++;
    if (p >= seedBase && p < seedBase + plane) {
      seedSum += p % nx;
      seedCount++;
    }
  }
  return { mask, voxels, seedI: seedCount ? seedSum / seedCount : midI };
}
