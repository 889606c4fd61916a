import type { Dims3 } from '@lingshu/imaging';
import { LOBES, type LungRegions, lobeIndex, sideName, ZONES } from './regions.js';
import { LungLabel, type LungZone, type Side } from './types.js';

export type ZoneOf = (i: number, j: number, k: number) => { side: Side; zone: LungZone; lobe: string } | undefined;

/**
 * Approximate lobes. Zones are thirds of each lung's cranio-caudal extent. Lobes follow from the
 * zones and the oblique fissure's course (posterior–cranial to anterior–caudal): upper zone →
 * upper lobe, lower zone → lower lobe, middle zone → anterior half RML / lingula (LUL), posterior
 * half lower lobe. This is an approximation, not a fissure-based lobe segmentation.
 */
export function zoneLookup(labels: Uint8Array, dims: Dims3, regions: LungRegions): ZoneOf {
  const [nx, ny, nz] = dims;
  return (i, j, k) => {
    const ii = Math.round(i);
    const jj = Math.round(j);
    const kk = Math.round(k);
    if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) return undefined;
    const l = labels[ii + nx * (jj + ny * kk)];
    if (l !== LungLabel.RightLung && l !== LungLabel.LeftLung) return undefined;
    const s = l === LungLabel.RightLung ? 0 : 1;
    const z = regions.zoneOfK[s][kk]!;
    if (z < 0) return undefined;
    const anterior = (jj - regions.meanJ[s]) * regions.jPosterior < 0;
    return { side: sideName(s), zone: ZONES[z]!, lobe: LOBES[lobeIndex(s, z, anterior)]! };
  };
}
