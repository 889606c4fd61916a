import type { Dims3 } from '@lingshu/imaging';
import { LungLabel, type LungZone, type Side } from './types.js';

export const ZONES: readonly LungZone[] = ['upper', 'middle', 'lower'];
/** Approximate lobes, index order used by the tables below. */
export const LOBES = ['RUL', 'RML', 'RLL', 'LUL', 'LLL'] as const;
export type Lobe = (typeof LOBES)[number];

/**
 * Per-slice zone tables for voxel loops (no closure per voxel). Zones are thirds of each lung's
 * cranio-caudal extent; lobes follow as in zones.ts (approximate, not fissure-based).
 */
export interface LungRegions {
  /** zoneOfK[side][k]: 0 upper, 1 middle, 2 lower, −1 no lung of that side on slice k. side 0 = right. */
  zoneOfK: [Int8Array, Int8Array];
  /** Mean row (j) of each side's voxels: anterior/posterior split of the middle zone. */
  meanJ: [number, number];
  jPosterior: 1 | -1;
  /** [most cranial k, most caudal k] per side, or undefined. */
  extent: [[number, number] | undefined, [number, number] | undefined];
}

/** Zone (0..2) of slice k for a lung spanning cranial..caudal (fraction from the apex). */
export function zoneIndex(k: number, cranial: number, caudal: number): number {
  const span = Math.abs(caudal - cranial) + 1;
  const f = (Math.abs(k - cranial) + 0.5) / span;
  return f < 1 / 3 ? 0 : f < 2 / 3 ? 1 : 2;
}

/** Lobe index (into LOBES) from side (0 right), zone (0..2) and whether the voxel is anterior. */
export function lobeIndex(side: number, zone: number, anterior: boolean): number {
  if (side === 0) return zone === 0 ? 0 : zone === 2 ? 2 : anterior ? 1 : 2;
  return zone === 0 ? 3 : zone === 2 ? 4 : anterior ? 3 : 4;
}

export function sideName(side: number): Side {
  return side === 0 ? 'right' : 'left';
}

/**
 * Zone tables from a label grid. With `factors`, `labels` is the coarse working grid (block
 * factors of the CT grid `fineDims`) and the tables are returned for the CT grid: one pass over
 * the coarse labels instead of the full ones.
 */
export function lungRegions(
  labels: Uint8Array,
  dims: Dims3,
  kSuperior: 1 | -1,
  jPosterior: 1 | -1,
  factors: readonly [number, number, number] = [1, 1, 1],
  fineDims: Dims3 = dims,
): LungRegions {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const present = [new Uint8Array(nz), new Uint8Array(nz)];
  const sumJ = [0, 0];
  const count = [0, 0];
  for (let k = 0; k < nz; k++) {
    let p = k * plane;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        const l = labels[p];
        if (l !== LungLabel.RightLung && l !== LungLabel.LeftLung) continue;
        const s = l === LungLabel.RightLung ? 0 : 1;
        present[s]![k] = 1;
        sumJ[s] = sumJ[s]! + j;
        count[s] = count[s]! + 1;
      }
    }
  }
  const fnz = fineDims[2];
  const zoneOfK: [Int8Array, Int8Array] = [new Int8Array(fnz).fill(-1), new Int8Array(fnz).fill(-1)];
  const extent: LungRegions['extent'] = [undefined, undefined];
  for (const s of [0, 1] as const) {
    let lo = -1;
    let hi = -1;
    for (let k = 0; k < fnz; k++) {
      if (present[s]![Math.min(nz - 1, (k / factors[2]) | 0)] === 0) continue;
      if (lo < 0) lo = k;
      hi = k;
    }
    if (lo < 0) continue;
    const cranial = kSuperior === 1 ? hi : lo;
    const caudal = kSuperior === 1 ? lo : hi;
    extent[s] = [cranial, caudal];
    for (let k = lo; k <= hi; k++) zoneOfK[s][k] = zoneIndex(k, cranial, caudal);
  }
  // Mean row on the CT grid: coarse row jc covers fine rows jc·fj … jc·fj + fj − 1.
  const fineJ = (jc: number): number => jc * factors[1] + (factors[1] - 1) / 2;
  return {
    zoneOfK,
    meanJ: [count[0] ? fineJ(sumJ[0]! / count[0]) : 0, count[1] ? fineJ(sumJ[1]! / count[1]) : 0],
    jPosterior,
    extent,
  };
}
