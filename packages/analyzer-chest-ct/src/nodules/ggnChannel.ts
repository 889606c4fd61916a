import { gaussianSmooth } from '@lingshu/imaging';
import { blobnessAt } from './hessian.js';
import type { NoduleParams } from './params.js';

/** A grid point found by the ground-glass channel, with its scale and blob test. */
export interface ChannelPoint {
  /** Grid voxel (candidate grid). */
  i: number;
  j: number;
  k: number;
  radiusMm: number;
  blobness: number;
}

/**
 * Ground-glass channel of the candidate search. `band` marks the smoothed grid voxels in the
 * ground-glass band (above the candidate threshold, below `ggnChannelMaxHu`): a vessel's dense
 * centre is not in it, only its thin partial-volume rim, while a ground-glass nodule is in it
 * whole, also where a vessel runs into or through it. The band's local fraction (smoothed at a
 * nodule scale) peaks at the centre of such a nodule, where the distance-map seeds miss it when a
 * vessel widens the mask or pulls its maximum off centre. Each peak gets the Hessian blob test on
 * the band image at the scale of the distance map there.
 * With `ggnChannelSkipNearSeed` > 0, points within that fraction of a radius of a seed in `taken`
 * (grid i, j, k, radius mm) are skipped; at 0 (the default since analyzer 0.7.0) none are: a seed
 * whose segmentation fails (a thick vessel through the nodule runs out of the crop) must not hide
 * the channel's point, and one inside a nodule already accepted is dropped by the detector's merge
 * as a duplicate. The caller applies the blob threshold (the points below it are kept for audit).
 */
export function groundGlassChannel(
  band: Uint8Array,
  lung: Uint8Array,
  dist: Float32Array,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  params: NoduleParams,
  taken: ReadonlyArray<readonly [number, number, number, number]>,
): ChannelPoint[] {
  const [gx, gy, gz] = dims;
  const clipped = new Float32Array(band.length);
  for (let g = 0; g < clipped.length; g++) clipped[g] = band[g] && lung[g] ? 100 : 0;
  const lumps = gaussianSmooth(clipped, dims, spacing, params.ggnChannelSigmaMm);
  const minLevel = params.ggnChannelMinLevel * 100;
  const skipNear = params.ggnChannelSkipNearSeed;
  const out: ChannelPoint[] = [];
  for (let k = 1; k < gz - 1; k++) {
    for (let j = 1; j < gy - 1; j++) {
      for (let i = 1; i < gx - 1; i++) {
        const g = i + gx * (j + gy * k);
        const v = lumps[g] ?? 0;
        const d = dist[g] ?? 0;
        if (v < minLevel || d < params.ggnChannelMinRadiusMm || !lung[g]) continue;
        let isMax = true;
        for (let dk = -1; dk <= 1 && isMax; dk++) {
          for (let dj = -1; dj <= 1 && isMax; dj++) {
            for (let di = -1; di <= 1; di++) {
              const q = g + di + gx * (dj + gy * dk);
              const w = lumps[q] ?? 0;
              if (w > v || (w === v && q < g)) {
                isMax = false;
                break;
              }
            }
          }
        }
        if (!isMax) continue;
        let near = false;
        for (const [ti, tj, tk, tr] of skipNear > 0 ? taken : []) {
          const dd = ((i - ti) * spacing[0]) ** 2 + ((j - tj) * spacing[1]) ** 2 + ((k - tk) * spacing[2]) ** 2;
          if (dd <= Math.max(tr * skipNear, 1.5 * spacing[0]) ** 2) {
            near = true;
            break;
          }
        }
        if (near) continue;
        const blobness = blobnessAt(clipped, dims, spacing, i, j, k, Math.max(spacing[0], d / Math.sqrt(3)));
        out.push({ i, j, k, radiusMm: d, blobness });
      }
    }
  }
  return out;
}
