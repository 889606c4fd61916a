/** 2D axes of a segmented cross-section: max Feret diameter and the largest width perpendicular to it. */
export interface Axes2D {
  longMm: number;
  shortMm: number;
  /** End points in pixel coordinates (fractional i, j) of the slice. */
  longEnds: [[number, number], [number, number]];
  shortEnds: [[number, number], [number, number]];
}

type P = [number, number];

function cross(o: P, a: P, b: P): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Convex hull (Andrew's monotone chain) of points already in mm. */
function convexHull(points: P[]): P[] {
  const pts = points.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const lower: P[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2] as P, lower[lower.length - 1] as P, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: P[] = [];
  for (let n = pts.length - 1; n >= 0; n--) {
    const p = pts[n] as P;
    while (upper.length >= 2 && cross(upper[upper.length - 2] as P, upper[upper.length - 1] as P, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/**
 * Long axis = maximum Feret diameter of the pixel set (pixels as squares: their corners), short
 * axis = extent perpendicular to it (Lung-RADS: the longest perpendicular diameter on the same
 * slice; for convex outlines the two coincide). `pixels` are (i, j) on a grid of spacing (sx, sy).
 */
export function axes2D(pixels: ReadonlyArray<readonly [number, number]>, sx: number, sy: number): Axes2D | undefined {
  if (pixels.length === 0) return undefined;
  const set = new Set(pixels.map(([i, j]) => `${i},${j}`));
  const corners: P[] = [];
  for (const [i, j] of pixels) {
    const boundary =
      !set.has(`${i - 1},${j}`) || !set.has(`${i + 1},${j}`) || !set.has(`${i},${j - 1}`) || !set.has(`${i},${j + 1}`);
    if (!boundary) continue;
    for (const di of [-0.25, 0.25]) for (const dj of [-0.25, 0.25]) corners.push([(i + di) * sx, (j + dj) * sy]);
  }
  const hull = convexHull(corners);
  let best = -1;
  let a: P = hull[0] ?? [0, 0];
  let b: P = a;
  for (let m = 0; m < hull.length; m++) {
    for (let n = m + 1; n < hull.length; n++) {
      const p = hull[m] as P;
      const q = hull[n] as P;
      const d = (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2;
      if (d > best) {
        best = d;
        a = p;
        b = q;
      }
    }
  }
  const longMm = Math.sqrt(Math.max(0, best));
  const ux = longMm > 0 ? (b[0] - a[0]) / longMm : 1;
  const uy = longMm > 0 ? (b[1] - a[1]) / longMm : 0;
  // Perpendicular unit vector.
  const vx = -uy;
  const vy = ux;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const p of hull) {
    const t = p[0] * vx + p[1] * vy;
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  const shortMm = hi - lo;
  const mid: P = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  const m0 = mid[0] * vx + mid[1] * vy;
  const toPx = (p: P): [number, number] => [p[0] / sx, p[1] / sy];
  return {
    longMm,
    shortMm,
    longEnds: [toPx(a), toPx(b)],
    shortEnds: [
      toPx([mid[0] + vx * (lo - m0), mid[1] + vy * (lo - m0)]),
      toPx([mid[0] + vx * (hi - m0), mid[1] + vy * (hi - m0)]),
    ],
  };
}
