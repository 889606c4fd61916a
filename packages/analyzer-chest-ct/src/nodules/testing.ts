import { createVolume, mulberry32, type Volume } from '@lingshu/imaging';
import { LungLabel, type LungSegmentation } from '../lungs/types.js';

/** A Gaussian from a seeded uniform generator (mulberry32), for reproducible noise in tests. */
export function gaussianNoise(seed: number): () => number {
  const uniform = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

/** A box "lung" inside soft tissue on an axial grid, with noise-free HU as Float32 to paint into. */
export interface SyntheticChest {
  dims: [number, number, number];
  spacing: [number, number, number];
  hu: Float32Array;
  /** Inclusive lung box in voxels [i0, j0, k0, i1, j1, k1]. */
  lungBox: [number, number, number, number, number, number];
}

export function syntheticChest(
  dims: [number, number, number],
  spacing: [number, number, number],
  margin: number,
  lungHu = -850,
  tissueHu = 40,
): SyntheticChest {
  const [nx, ny, nz] = dims;
  const lungBox: SyntheticChest['lungBox'] = [margin, margin, 0, nx - 1 - margin, ny - 1 - margin, nz - 1];
  const hu = new Float32Array(nx * ny * nz);
  for (let k = 0, p = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        const inside = i >= lungBox[0] && i <= lungBox[3] && j >= lungBox[1] && j <= lungBox[4];
        hu[p] = inside ? lungHu : tissueHu;
      }
  return { dims, spacing, hu, lungBox };
}

/**
 * Paints a shape given by its signed distance (mm, negative inside) with partial volume: voxels
 * near the surface get the covered fraction from 4×4×4 sub-samples. `bounds` limits the work.
 */
export function paint(
  c: SyntheticChest,
  sdf: (x: number, y: number, z: number) => number,
  hu: number,
  bounds: { center: [number, number, number]; radiusMm: number },
): void {
  const [nx, ny, nz] = c.dims;
  const [sx, sy, sz] = c.spacing;
  const lo = [0, 1, 2].map((a) => Math.max(0, Math.floor((bounds.center[a]! - bounds.radiusMm) / c.spacing[a]!) - 1));
  const hi = [0, 1, 2].map((a) =>
    Math.min(c.dims[a]! - 1, Math.ceil((bounds.center[a]! + bounds.radiusMm) / c.spacing[a]!) + 1),
  );
  const half = Math.hypot(sx, sy, sz) / 2;
  for (let k = lo[2]!; k <= hi[2]!; k++)
    for (let j = lo[1]!; j <= hi[1]!; j++)
      for (let i = lo[0]!; i <= hi[0]!; i++) {
        const d = sdf(i * sx, j * sy, k * sz);
        let f: number;
        if (d <= -half) f = 1;
        else if (d >= half) f = 0;
        else {
          let n = 0;
          for (let a = 0; a < 4; a++)
            for (let b = 0; b < 4; b++)
              for (let e = 0; e < 4; e++)
                if (
                  sdf((i + (a + 0.5) / 4 - 0.5) * sx, (j + (b + 0.5) / 4 - 0.5) * sy, (k + (e + 0.5) / 4 - 0.5) * sz) <
                  0
                )
                  n++;
          f = n / 64;
        }
        if (f <= 0) continue;
        const p = i + nx * (j + ny * k);
        c.hu[p] = (c.hu[p] ?? 0) * (1 - f) + hu * f;
      }
  void nz;
}

export const sphere =
  (center: readonly [number, number, number], r: number) =>
  (x: number, y: number, z: number): number =>
    Math.hypot(x - center[0], y - center[1], z - center[2]) - r;

/** Infinite cylinder through `a` along unit direction `u`. */
export const cylinder =
  (a: readonly [number, number, number], u: readonly [number, number, number], r: number) =>
  (x: number, y: number, z: number): number => {
    const dx = x - a[0];
    const dy = y - a[1];
    const dz = z - a[2];
    const t = dx * u[0] + dy * u[1] + dz * u[2];
    return Math.hypot(dx - t * u[0], dy - t * u[1], dz - t * u[2]) - r;
  };

/** The CT volume (noise added, Int16) and a lung segmentation of the box (right half / left half). */
export function finishChest(c: SyntheticChest, noiseHu: number, seed: number): { ct: Volume; lungs: LungSegmentation } {
  const [nx, ny, nz] = c.dims;
  const noise = gaussianNoise(seed);
  const voxels = new Int16Array(c.hu.length);
  const labels = new Uint8Array(c.hu.length);
  const b = c.lungBox;
  for (let k = 0, p = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        voxels[p] = Math.round((c.hu[p] ?? 0) + noiseHu * noise());
        const inside = i >= b[0] && i <= b[3] && j >= b[1] && j <= b[4] && k >= b[2] && k <= b[5];
        labels[p] = inside ? (i < nx / 2 ? LungLabel.RightLung : LungLabel.LeftLung) : LungLabel.Body;
      }
  const ct = createVolume({
    voxels,
    dimensions: c.dims,
    spacing: c.spacing,
    origin: [0, 0, 0],
    direction: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    metadata: { sopInstanceUIDs: Array.from({ length: nz }, (_, k) => `2.25.${k + 1}`) },
  });
  const [sx, sy] = c.spacing;
  const lungs: LungSegmentation = {
    labels,
    volumesMl: { right: 0, left: 0, total: 0, airway: 0 },
    zoneOf: (i, j, k) => {
      const l = labels[i + nx * (j + ny * k)];
      if (l !== LungLabel.RightLung && l !== LungLabel.LeftLung) return undefined;
      const side = l === LungLabel.RightLung ? 'right' : 'left';
      const zone = k < nz / 3 ? 'lower' : k < (2 * nz) / 3 ? 'middle' : 'upper';
      const lobe =
        side === 'right'
          ? zone === 'upper'
            ? 'RUL'
            : zone === 'middle'
              ? 'RML'
              : 'RLL'
          : zone === 'upper'
            ? 'LUL'
            : 'LLL';
      return { side, zone, lobe };
    },
    // In-plane distance to the box wall (the slabs continue through the top and bottom slices).
    pleuralDistanceMm: (i, j) =>
      Math.min((i - b[0] + 0.5) * sx, (b[3] - i + 0.5) * sx, (j - b[1] + 0.5) * sy, (b[4] - j + 0.5) * sy),
    warnings: [],
  };
  return { ct, lungs };
}
