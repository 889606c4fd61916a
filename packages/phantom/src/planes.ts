import type { Box, Shape, Vec3 } from './shapes.js';
import { clipLinear, fullSpan, type Span } from './span.js';

const INF = Number.POSITIVE_INFINITY;
const EVERYWHERE: Box = { min: [-INF, -INF, -INF], max: [INF, INF, INF] };

/** The row's x where lo < n·(p − point) < hi (a plane's signed distance is linear in x). */
function planeRow(point: Vec3, n: Vec3, y: number, z: number, lo: number, hi: number, out: Span): boolean {
  const e = n[1] * (y - point[1]) + n[2] * (z - point[2]);
  if (n[0] === 0) return e > lo && e < hi && fullSpan(out);
  fullSpan(out);
  return clipLinear(n[0], e, lo, hi, point[0], out);
}

/** The half-space on the side opposite to `normal` (inside where dot(p − point, normal) < 0). */
export class HalfSpace implements Shape {
  readonly box: Box = EVERYWHERE;
  constructor(
    readonly point: Vec3,
    readonly normal: Vec3,
  ) {}
  rowSpan(y: number, z: number, level: number, out: Span): boolean {
    return planeRow(this.point, this.normal, y, z, Number.NEGATIVE_INFINITY, level, out);
  }
  rowCore(y: number, z: number, level: number, out: Span): boolean {
    return planeRow(this.point, this.normal, y, z, Number.NEGATIVE_INFINITY, -level, out);
  }
  sdf(x: number, y: number, z: number): number {
    const n = this.normal;
    return (x - this.point[0]) * n[0] + (y - this.point[1]) * n[1] + (z - this.point[2]) * n[2];
  }
}

/** A thin sheet around a plane (fissures). */
export class Sheet implements Shape {
  readonly box: Box = EVERYWHERE;
  constructor(
    readonly point: Vec3,
    readonly normal: Vec3,
    readonly halfThickness: number,
  ) {}
  rowSpan(y: number, z: number, level: number, out: Span): boolean {
    const r = level + this.halfThickness;
    return r > 0 && planeRow(this.point, this.normal, y, z, -r, r, out);
  }
  rowCore(y: number, z: number, level: number, out: Span): boolean {
    const r = this.halfThickness - level;
    return r >= 0 && planeRow(this.point, this.normal, y, z, -r, r, out);
  }
  sdf(x: number, y: number, z: number): number {
    const n = this.normal;
    const d = (x - this.point[0]) * n[0] + (y - this.point[1]) * n[1] + (z - this.point[2]) * n[2];
    return Math.abs(d) - this.halfThickness;
  }
}
