import { type Dims3, distanceTransform, type Factors3, type Spacing3 } from '@lingshu/imaging';
import { LungLabel } from './types.js';

/**
 * Distance (mm) from a CT voxel to the nearest pleural surface, measured on the segmenter's
 * working grid (`lab`, block factors `f`): 0 outside the lungs. The distance map is computed on
 * the first call.
 */
export function pleuralDistanceLookup(
  labels: Uint8Array,
  ctDims: Dims3,
  lab: Uint8Array,
  gridDims: Dims3,
  gridSpacing: Spacing3,
  f: Factors3,
): (i: number, j: number, k: number) => number {
  const [nx, ny, nz] = ctDims;
  const [cx, cy] = gridDims;
  let edt: Float32Array | undefined;
  return (i, j, k) => {
    const ii = Math.round(i);
    const jj = Math.round(j);
    const kk = Math.round(k);
    if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) return 0;
    const l = labels[ii + nx * (jj + ny * kk)];
    if (l !== LungLabel.RightLung && l !== LungLabel.LeftLung) return 0;
    if (!edt) {
      const lungs = new Uint8Array(lab.length);
      for (let p = 0; p < lab.length; p++)
        lungs[p] = lab[p] === LungLabel.RightLung || lab[p] === LungLabel.LeftLung ? 1 : 0;
      edt = distanceTransform(lungs, gridDims, gridSpacing);
    }
    const q = ((ii / f[0]) | 0) + cx * (((jj / f[1]) | 0) + cy * ((kk / f[2]) | 0));
    // Measured on the coarse grid: distance to the nearest non-lung coarse voxel centre.
    return edt[q] ?? 0;
  };
}
