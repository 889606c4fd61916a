import type { Shape, Vec3 } from '../shapes.js';
import { newSpan } from '../span.js';

export interface LesionMeasurement {
  centerMm: Vec3;
  volumeMm3: number;
  /** Long and short axis on the axial plane where the long axis is largest (mm). */
  longAxisMm: number;
  shortAxisMm: number;
  meanDiameterMm: number;
  /** Mean HU of the painted layers inside the outline (noise-free). */
  meanHU: number;
  axialSliceZMm: number;
}

/** Inside is sdf < 0: a core at this tiny level excludes the surface itself. */
const CORE_LEVEL = 1e-9;

const round1 = (v: number): number => Math.round(v * 10) / 10;

/**
 * Measures a lesion from its analytic shape by fine sampling (≈ 100 samples across its largest
 * extent): volume, centroid, axial long/short axes (maximal Feret diameter and the largest extent
 * perpendicular to it), and the mean of the painted HU.
 */
export function measureLesion(
  outline: Shape,
  parts: ReadonlyArray<{ shape: Shape; hu: number }>,
  stepMm?: number,
): LesionMeasurement {
  const b = outline.box;
  const extent = Math.max(b.max[0] - b.min[0], b.max[1] - b.min[1], b.max[2] - b.min[2]);
  const step = stepMm ?? Math.min(0.6, Math.max(0.08, extent / 100));
  const nx = Math.ceil((b.max[0] - b.min[0]) / step);
  const ny = Math.ceil((b.max[1] - b.min[1]) / step);
  const nz = Math.ceil((b.max[2] - b.min[2]) / step);
  let count = 0;
  let sx = 0;
  let sy = 0;
  let sz = 0;
  let huSum = 0;
  let best = { long: 0, short: 0, z: 0 };
  const inside = new Uint8Array(nx * ny);
  const span = newSpan();
  const core = newSpan();
  for (let k = 0; k < nz; k++) {
    const z = b.min[2] + (k + 0.5) * step;
    inside.fill(0);
    let sliceCount = 0;
    for (let j = 0; j < ny; j++) {
      const y = b.min[1] + (j + 0.5) * step;
      // Only the row's span can be inside; its core certainly is (one sample of margin each side).
      if (!outline.rowSpan(y, z, 0, span)) continue;
      const i0 = Math.max(0, Math.ceil((span.lo - b.min[0]) / step - 0.5) - 1);
      const i1 = Math.min(nx - 1, Math.floor((span.hi - b.min[0]) / step - 0.5) + 1);
      let k0 = i1 + 1;
      let k1 = i1;
      if (outline.rowCore(y, z, CORE_LEVEL, core)) {
        k0 = Math.ceil((core.lo - b.min[0]) / step - 0.5) + 1;
        k1 = Math.floor((core.hi - b.min[0]) / step - 0.5) - 1;
      }
      for (let i = i0; i <= i1; i++) {
        const x = b.min[0] + (i + 0.5) * step;
        if ((i < k0 || i > k1) && outline.sdf(x, y, z) >= 0) continue;
        inside[j * nx + i] = 1;
        sliceCount++;
        sx += x;
        sy += y;
        sz += z;
        let hu = 0;
        for (const p of parts) if (p.shape.sdf(x, y, z) < 0) hu = p.hu;
        huSum += hu;
      }
    }
    count += sliceCount;
    if (sliceCount > 0) {
      const axes = axialAxes(inside, nx, ny, step);
      if (axes.long > best.long) best = { long: axes.long, short: axes.short, z };
    }
  }
  if (count === 0) {
    return {
      centerMm: [0, 0, 0],
      volumeMm3: 0,
      longAxisMm: 0,
      shortAxisMm: 0,
      meanDiameterMm: 0,
      meanHU: 0,
      axialSliceZMm: 0,
    };
  }
  return {
    centerMm: [round1(sx / count), round1(sy / count), round1(sz / count)],
    volumeMm3: round1(count * step ** 3),
    longAxisMm: round1(best.long),
    shortAxisMm: round1(best.short),
    meanDiameterMm: round1((best.long + best.short) / 2),
    meanHU: round1(huSum / count),
    axialSliceZMm: round1(best.z),
  };
}

/** Maximal Feret diameter of a 2-D mask and the largest extent perpendicular to it. */
function axialAxes(inside: Uint8Array, nx: number, ny: number, step: number): { long: number; short: number } {
  const pts: Array<[number, number]> = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      if (!inside[j * nx + i]) continue;
      const edge =
        i === 0 ||
        j === 0 ||
        i === nx - 1 ||
        j === ny - 1 ||
        !inside[j * nx + i - 1] ||
        !inside[j * nx + i + 1] ||
        !inside[(j - 1) * nx + i] ||
        !inside[(j + 1) * nx + i];
      if (edge) pts.push([i * step, j * step]);
    }
  }
  let long = 0;
  let dir: [number, number] = [1, 0];
  for (let a = 0; a < pts.length; a++) {
    const p = pts[a]!;
    for (let c = a + 1; c < pts.length; c++) {
      const q = pts[c]!;
      const d = (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2;
      if (d > long) {
        long = d;
        dir = [q[0] - p[0], q[1] - p[1]];
      }
    }
  }
  const len = Math.sqrt(long) || 1;
  const perp: [number, number] = [-dir[1] / len, dir[0] / len];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const p of pts) {
    const t = p[0] * perp[0] + p[1] * perp[1];
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  // Sample centres are one step apart: add one step for the extent of the outermost samples.
  return { long: Math.sqrt(long) + step, short: pts.length > 0 ? hi - lo + step : 0 };
}
