import type { Shape } from './shapes.js';
import { newSpan } from './span.js';

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

const outerSpan = newSpan();
const coreSpan = newSpan();

/**
 * Rasterises the ops on the axial plane at z into `out` (filled with air first). Each op is
 * evaluated only inside its bounding box, and per row only inside the shape's row span; the row's
 * core (certainly inside) is painted without evaluating distances. The partial-volume fraction is a
 * linear ramp of the signed distance over `rampMm` (≈ the voxel size), i.e. a smooth analytic edge.
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
    const opLabel = label && op.label !== undefined ? op.label : -1;
    const opRegion = region && op.region !== undefined ? op.region : -1;
    for (let r = r0; r <= r1; r++) {
      const y = originY + r * dy;
      if (!shape.rowSpan(y, z, half, outerSpan)) continue;
      // One pixel of margin on each side absorbs rounding at the span ends.
      const a = Math.max(c0, Math.ceil((outerSpan.lo - originX) / dx) - 1);
      const e = Math.min(c1, Math.floor((outerSpan.hi - originX) / dx) + 1);
      if (a > e) continue;
      let k0 = e + 1;
      let k1 = e;
      if (shape.rowCore(y, z, half, coreSpan)) {
        k0 = Math.max(a, Math.ceil((coreSpan.lo - originX) / dx) + 1);
        k1 = Math.min(e, Math.floor((coreSpan.hi - originX) / dx) - 1);
        if (k0 > k1) {
          k0 = e + 1;
          k1 = e;
        }
      }
      const v = value + gradient * (y - refY);
      const rowBase = r * columns;
      const edgeEnd = Math.min(k0 - 1, e);
      for (let c = a; c <= edgeEnd; c++) {
        const d = shape.sdf(originX + c * dx, y, z);
        if (d >= half) continue;
        paint(hu, label, region, rowBase + c, v, d <= -half ? 1 : 0.5 - d / rampMm, opLabel, opRegion);
      }
      if (k0 <= k1) {
        for (let i = rowBase + k0; i <= rowBase + k1; i++) hu[i] = hu[i]! + (v - hu[i]!);
        if (label && opLabel >= 0) label.fill(opLabel, rowBase + k0, rowBase + k1 + 1);
        if (region && opRegion >= 0) region.fill(opRegion, rowBase + k0, rowBase + k1 + 1);
      }
      for (let c = Math.max(k1 + 1, a); c <= e; c++) {
        const d = shape.sdf(originX + c * dx, y, z);
        if (d >= half) continue;
        paint(hu, label, region, rowBase + c, v, d <= -half ? 1 : 0.5 - d / rampMm, opLabel, opRegion);
      }
    }
  }
}

/** Blends value v into pixel i with fraction f; labels where the centre is inside (f ≥ 0.5). */
function paint(
  hu: Float32Array,
  label: Uint8Array | undefined,
  region: Uint8Array | undefined,
  i: number,
  v: number,
  f: number,
  opLabel: number,
  opRegion: number,
): void {
  hu[i] = hu[i]! + (v - hu[i]!) * f;
  if (f >= 0.5) {
    if (label && opLabel >= 0) label[i] = opLabel;
    if (region && opRegion >= 0) region[i] = opRegion;
  }
}
