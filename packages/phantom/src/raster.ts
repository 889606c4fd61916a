import type { Shape } from './shapes.js';

/**
 * One layer of the painter's model: voxels inside `shape` take `hu` (optionally with a linear
 * gradient along y, for gravity-dependent lung density), blended by the partial-volume fraction.
 * `label` and `region` are written where the voxel centre is inside (fraction ≥ 0.5).
 */
export interface PaintOp {
  shape: Shape;
  hu: number;
  /** HU change per mm along +y (posterior), relative to `refY`. */
  huPerMmY?: number;
  refY?: number;
  label?: number;
  region?: number;
}

/** An axial pixel grid: pixel (col, row) centre is at (originX + col·dx, originY + row·dy). */
export interface AxialGrid {
  columns: number;
  rows: number;
  dx: number;
  dy: number;
  originX: number;
  originY: number;
}

export interface SliceBuffers {
  hu: Float32Array;
  label?: Uint8Array;
  region?: Uint8Array;
}

export const AIR_HU = -1000;

/**
 * Rasterises the ops on the axial plane at z into `out` (filled with air first). Each op is
 * evaluated only inside its bounding box; the partial-volume fraction is a linear ramp of the
 * signed distance over `rampMm` (≈ the voxel size), i.e. a smooth analytic edge.
 */
export function rasteriseSlice(
  ops: readonly PaintOp[],
  grid: AxialGrid,
  z: number,
  rampMm: number,
  out: SliceBuffers,
): void {
  const { columns, rows, dx, dy, originX, originY } = grid;
  const { hu, label, region } = out;
  hu.fill(AIR_HU);
  label?.fill(0);
  region?.fill(0);
  const half = rampMm / 2;
  for (const op of ops) {
    const b = op.shape.box;
    if (z < b.min[2] - half || z > b.max[2] + half) continue;
    const c0 = Math.max(0, Math.ceil((b.min[0] - half - originX) / dx));
    const c1 = Math.min(columns - 1, Math.floor((b.max[0] + half - originX) / dx));
    const r0 = Math.max(0, Math.ceil((b.min[1] - half - originY) / dy));
    const r1 = Math.min(rows - 1, Math.floor((b.max[1] + half - originY) / dy));
    if (c0 > c1 || r0 > r1) continue;
    const shape = op.shape;
    const value = op.hu;
    const gradient = op.huPerMmY ?? 0;
    const refY = op.refY ?? 0;
    const opLabel = op.label;
    const opRegion = op.region;
    for (let r = r0; r <= r1; r++) {
      const y = originY + r * dy;
      const v = value + gradient * (y - refY);
      const rowBase = r * columns;
      for (let c = c0; c <= c1; c++) {
        const d = shape.sdf(originX + c * dx, y, z);
        if (d >= half) continue;
        const f = d <= -half ? 1 : 0.5 - d / rampMm;
        const i = rowBase + c;
        hu[i] = hu[i]! + (v - hu[i]!) * f;
        if (f >= 0.5) {
          if (label && opLabel !== undefined) label[i] = opLabel;
          if (region && opRegion !== undefined) region[i] = opRegion;
        }
      }
    }
  }
}
