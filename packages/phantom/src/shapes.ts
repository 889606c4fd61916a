/**
 * Analytic shapes as signed distance functions (mm, patient LPS), negative inside. Distances are
 * exact or close approximations near the surface, which is what the partial-volume ramp needs.
 */
import {
  clipLinear,
  ellipseCoreScale,
  ellipseOuterScale,
  fullSpan,
  newSpan,
  quadraticSpan,
  type Span,
} from './span.js';

export type Vec3 = [number, number, number];
/** Row-major 3×3 rotation matrix (local → patient). */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export interface Box {
  min: Vec3;
  max: Vec3;
}

export interface Shape {
  readonly box: Box;
  sdf(x: number, y: number, z: number): number;
  /** Sets `out` to an x-interval of the axial row (y, z) outside which sdf ≥ level; false: sdf ≥ level on the whole row. */
  rowSpan(y: number, z: number, level: number, out: Span): boolean;
  /** Sets `out` to an x-interval of the row inside which sdf ≤ −level; false: none is known. */
  rowCore(y: number, z: number, level: number, out: Span): boolean;
}

const INF = Number.POSITIVE_INFINITY;
/**
 * Intersections and differences stop evaluating once a part is farther than this outside: the
 * value returned is then a lower bound of the distance (still > 0), which is all a rasteriser or an
 * inside test needs. Distances inside and near the surface are unaffected.
 */
const EARLY_EXIT_MM = 3;
export const UNBOUNDED: Box = { min: [-INF, -INF, -INF], max: [INF, INF, INF] };

export { HalfSpace, Sheet } from './planes.js';

export const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** Rotation from Euler angles (radians) about x, then y, then z. */
export function rotationXYZ(ax: number, ay: number, az: number): Mat3 {
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(ax), Math.sin(ax), Math.cos(ay), Math.sin(ay), Math.cos(az), Math.sin(az)];
  // Rz * Ry * Rx
  return [
    cz * cy,
    cz * sy * sx - sz * cx,
    cz * sy * cx + sz * sx,
    sz * cy,
    sz * sy * sx + cz * cx,
    sz * sy * cx - cz * sx,
    -sy,
    cy * sx,
    cy * cx,
  ];
}

export function intersectBoxes(a: Box, b: Box): Box {
  return {
    min: [Math.max(a.min[0], b.min[0]), Math.max(a.min[1], b.min[1]), Math.max(a.min[2], b.min[2])],
    max: [Math.min(a.max[0], b.max[0]), Math.min(a.max[1], b.max[1]), Math.min(a.max[2], b.max[2])],
  };
}

export function unionBoxes(boxes: readonly Box[]): Box {
  const min: Vec3 = [INF, INF, INF];
  const max: Vec3 = [-INF, -INF, -INF];
  for (const b of boxes) {
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k]!, b.min[k]!);
      max[k] = Math.max(max[k]!, b.max[k]!);
    }
  }
  return { min, max };
}

/** Narrows `out` to its overlap with `part`; false when they do not overlap. */
function narrow(out: Span, part: Span): boolean {
  out.lo = Math.max(out.lo, part.lo);
  out.hi = Math.min(out.hi, part.hi);
  return out.lo <= out.hi;
}

/** Ellipsoid with semi-axes `radii` along the columns of `rotation`. */
export class Ellipsoid implements Shape {
  readonly box: Box;
  /** d(local normalised coordinate)/dx for each axis, and their squared sum. */
  private readonly ax: Vec3;
  private readonly axSq: number;
  private readonly rMin: number;
  private readonly rMax: number;
  constructor(
    readonly center: Vec3,
    readonly radii: Vec3,
    readonly rotation: Mat3 = IDENTITY,
  ) {
    // Exact axis-aligned bounds of the rotated ellipsoid: half-extent_i = |row_i(R) ⊙ radii|.
    const h = [0, 1, 2].map((i) =>
      Math.hypot(rotation[3 * i]! * radii[0], rotation[3 * i + 1]! * radii[1], rotation[3 * i + 2]! * radii[2]),
    ) as Vec3;
    this.box = {
      min: [center[0] - h[0], center[1] - h[1], center[2] - h[2]],
      max: [center[0] + h[0], center[1] + h[1], center[2] + h[2]],
    };
    this.ax = [rotation[0] / radii[0], rotation[1] / radii[1], rotation[2] / radii[2]];
    this.axSq = this.ax[0] ** 2 + this.ax[1] ** 2 + this.ax[2] ** 2;
    this.rMin = Math.min(...radii);
    this.rMax = Math.max(...radii);
  }
  rowSpan(y: number, z: number, level: number, out: Span): boolean {
    return this.scaledRow(y, z, ellipseOuterScale(level, this.rMin, this.rMax), out);
  }
  rowCore(y: number, z: number, level: number, out: Span): boolean {
    return this.scaledRow(y, z, ellipseCoreScale(level, this.rMin, this.rMax), out);
  }
  /** The row's x-interval where the normalised radius k0 is below s (a quadratic in x). */
  private scaledRow(y: number, z: number, s: number, out: Span): boolean {
    if (s <= 0) return false;
    const r = this.rotation;
    const dy = y - this.center[1];
    const dz = z - this.center[2];
    const b0 = (r[3] * dy + r[6] * dz) / this.radii[0];
    const b1 = (r[4] * dy + r[7] * dz) / this.radii[1];
    const b2 = (r[5] * dy + r[8] * dz) / this.radii[2];
    const b = this.ax[0] * b0 + this.ax[1] * b1 + this.ax[2] * b2;
    return quadraticSpan(this.axSq, b, b0 * b0 + b1 * b1 + b2 * b2 - s * s, this.center[0], out);
  }
  sdf(x: number, y: number, z: number): number {
    const r = this.rotation;
    const dx = x - this.center[0];
    const dy = y - this.center[1];
    const dz = z - this.center[2];
    // local = Rᵀ (p − c)
    const lx = (r[0] * dx + r[3] * dy + r[6] * dz) / this.radii[0];
    const ly = (r[1] * dx + r[4] * dy + r[7] * dz) / this.radii[1];
    const lz = (r[2] * dx + r[5] * dy + r[8] * dz) / this.radii[2];
    const k0 = Math.sqrt(lx * lx + ly * ly + lz * lz);
    const k1 = Math.sqrt(
      (lx * lx) / (this.radii[0] * this.radii[0]) +
        (ly * ly) / (this.radii[1] * this.radii[1]) +
        (lz * lz) / (this.radii[2] * this.radii[2]),
    );
    if (k1 === 0) return -Math.min(...this.radii);
    return (k0 * (k0 - 1)) / k1;
  }
}

/** Elliptic cylinder along z (an axial ellipse extruded between z0 and z1). */
export class EllipticCylinder implements Shape {
  readonly box: Box;
  constructor(
    readonly cx: number,
    readonly cy: number,
    readonly rx: number,
    readonly ry: number,
    readonly z0: number,
    readonly z1: number,
  ) {
    this.box = { min: [cx - rx, cy - ry, z0], max: [cx + rx, cy + ry, z1] };
  }
  rowSpan(y: number, z: number, level: number, out: Span): boolean {
    if (this.z0 - z >= level || z - this.z1 >= level) return false;
    return this.scaledRow(y, ellipseOuterScale(level, Math.min(this.rx, this.ry), Math.max(this.rx, this.ry)), out);
  }
  rowCore(y: number, z: number, level: number, out: Span): boolean {
    if (this.z0 - z > -level || z - this.z1 > -level) return false;
    return this.scaledRow(y, ellipseCoreScale(level, Math.min(this.rx, this.ry), Math.max(this.rx, this.ry)), out);
  }
  private scaledRow(y: number, s: number, out: Span): boolean {
    if (s <= 0) return false;
    const ly = (y - this.cy) / this.ry;
    return quadraticSpan(1 / (this.rx * this.rx), 0, ly * ly - s * s, this.cx, out);
  }
  sdf(x: number, y: number, z: number): number {
    const lx = (x - this.cx) / this.rx;
    const ly = (y - this.cy) / this.ry;
    const k0 = Math.sqrt(lx * lx + ly * ly);
    const k1 = Math.sqrt((lx * lx) / (this.rx * this.rx) + (ly * ly) / (this.ry * this.ry));
    const d2 = k1 === 0 ? -Math.min(this.rx, this.ry) : (k0 * (k0 - 1)) / k1;
    return Math.max(d2, this.z0 - z, z - this.z1);
  }
}

/** Tube from a to b with radius tapering linearly from ra to rb (rounded ends). */
export class TaperedCapsule implements Shape {
  readonly box: Box;
  private readonly ab: Vec3;
  private readonly abLengthSq: number;
  constructor(
    readonly a: Vec3,
    readonly b: Vec3,
    readonly ra: number,
    readonly rb: number,
  ) {
    this.ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    this.abLengthSq = this.ab[0] ** 2 + this.ab[1] ** 2 + this.ab[2] ** 2 || 1e-12;
    const r = Math.max(ra, rb);
    this.box = {
      min: [Math.min(a[0], b[0]) - r, Math.min(a[1], b[1]) - r, Math.min(a[2], b[2]) - r],
      max: [Math.max(a[0], b[0]) + r, Math.max(a[1], b[1]) + r, Math.max(a[2], b[2]) + r],
    };
  }
  rowSpan(y: number, z: number, level: number, out: Span): boolean {
    // sdf ≥ |q| − max(ra, rb): outside the tube of radius R around the segment, sdf ≥ level.
    const radius = Math.max(this.ra, this.rb) + level;
    const reach = radius / Math.sqrt(this.abLengthSq);
    return this.tubeRow(y, z, radius, -reach, 1 + reach, out);
  }
  rowCore(y: number, z: number, level: number, out: Span): boolean {
    // Inside the cylinder part (projection within the segment), sdf ≤ perpendicular distance − min(ra, rb).
    return this.tubeRow(y, z, Math.min(this.ra, this.rb) - level, 0, 1, out);
  }
  /** x where the distance to the segment's line is below `radius` and the projection t lies in [t0, t1]. */
  private tubeRow(y: number, z: number, radius: number, t0: number, t1: number, out: Span): boolean {
    if (radius <= 0) return false;
    const [abx, aby, abz] = this.ab;
    const lengthSq = this.abLengthSq;
    const qy = y - this.a[1];
    const qz = z - this.a[2];
    const w = qy * aby + qz * abz;
    // perpendicular² = qx²(1 − abx²/L²) − 2·qx·abx·w/L² + |q_yz|² − w²/L²
    const a = Math.max(0, 1 - (abx * abx) / lengthSq);
    const c = qy * qy + qz * qz - (w * w) / lengthSq - radius * radius;
    if (!quadraticSpan(a, (-abx * w) / lengthSq, c, this.a[0], out)) return false;
    return clipLinear(abx / lengthSq, w / lengthSq, t0, t1, this.a[0], out);
  }
  sdf(x: number, y: number, z: number): number {
    const px = x - this.a[0];
    const py = y - this.a[1];
    const pz = z - this.a[2];
    let t = (px * this.ab[0] + py * this.ab[1] + pz * this.ab[2]) / this.abLengthSq;
    t = Math.max(0, Math.min(1, t));
    const qx = px - t * this.ab[0];
    const qy = py - t * this.ab[1];
    const qz = pz - t * this.ab[2];
    return Math.sqrt(qx * qx + qy * qy + qz * qz) - (this.ra + t * (this.rb - this.ra));
  }
}

export class Intersection implements Shape {
  readonly box: Box;
  private readonly part = newSpan();
  constructor(readonly parts: readonly Shape[]) {
    this.box = parts.map((p) => p.box).reduce(intersectBoxes);
  }
  rowSpan(y: number, z: number, level: number, out: Span): boolean {
    fullSpan(out);
    for (const p of this.parts) {
      if (!p.rowSpan(y, z, level, this.part) || !narrow(out, this.part)) return false;
    }
    return true;
  }
  rowCore(y: number, z: number, level: number, out: Span): boolean {
    fullSpan(out);
    for (const p of this.parts) {
      if (!p.rowCore(y, z, level, this.part) || !narrow(out, this.part)) return false;
    }
    return true;
  }
  sdf(x: number, y: number, z: number): number {
    let d = Number.NEGATIVE_INFINITY;
    for (const p of this.parts) {
      d = Math.max(d, p.sdf(x, y, z));
      if (d > EARLY_EXIT_MM) return d;
    }
    return d;
  }
}

export class Difference implements Shape {
  readonly box: Box;
  private readonly part = newSpan();
  constructor(
    readonly base: Shape,
    readonly cut: Shape,
  ) {
    this.box = base.box;
  }
  rowSpan(y: number, z: number, level: number, out: Span): boolean {
    return this.base.rowSpan(y, z, level, out);
  }
  rowCore(y: number, z: number, level: number, out: Span): boolean {
    if (!this.base.rowCore(y, z, level, out)) return false;
    // Inside the base's core, sdf ≤ −level wherever −cut ≤ −level, i.e. outside the cut's span.
    if (!this.cut.rowSpan(y, z, level, this.part)) return true;
    const leftHi = Math.min(out.hi, this.part.lo);
    const rightLo = Math.max(out.lo, this.part.hi);
    const left = leftHi > out.lo ? leftHi - out.lo : 0;
    const right = out.hi > rightLo ? out.hi - rightLo : 0;
    if (left <= 0 && right <= 0) return false;
    if (left >= right) out.hi = leftHi;
    else out.lo = rightLo;
    return true;
  }
  sdf(x: number, y: number, z: number): number {
    const d = this.base.sdf(x, y, z);
    if (d > EARLY_EXIT_MM) return d;
    return Math.max(d, -this.cut.sdf(x, y, z));
  }
}

/** Union; `smoothness` > 0 blends the parts (polynomial smooth minimum, mm). */
export class Union implements Shape {
  readonly box: Box;
  private readonly part = newSpan();
  constructor(
    readonly parts: readonly Shape[],
    readonly smoothness = 0,
  ) {
    const b = unionBoxes(parts.map((p) => p.box));
    const s = smoothness;
    this.box = { min: [b.min[0] - s, b.min[1] - s, b.min[2] - s], max: [b.max[0] + s, b.max[1] + s, b.max[2] + s] };
  }
  rowSpan(y: number, z: number, level: number, out: Span): boolean {
    // Each smooth blend lowers the running minimum by at most smoothness/4.
    const partLevel = level + (Math.max(0, this.parts.length - 1) * this.smoothness) / 4;
    let any = false;
    for (const p of this.parts) {
      if (!p.rowSpan(y, z, partLevel, this.part)) continue;
      out.lo = any ? Math.min(out.lo, this.part.lo) : this.part.lo;
      out.hi = any ? Math.max(out.hi, this.part.hi) : this.part.hi;
      any = true;
    }
    return any;
  }
  rowCore(y: number, z: number, level: number, out: Span): boolean {
    // The (smooth) union is at most each part: any part's core is a core; keep the widest.
    let any = false;
    for (const p of this.parts) {
      if (!p.rowCore(y, z, level, this.part)) continue;
      if (!any || this.part.hi - this.part.lo > out.hi - out.lo) {
        out.lo = this.part.lo;
        out.hi = this.part.hi;
      }
      any = true;
    }
    return any;
  }
  sdf(x: number, y: number, z: number): number {
    const k = this.smoothness;
    let d = INF;
    for (const p of this.parts) {
      const e = p.sdf(x, y, z);
      if (k > 0 && d !== INF) {
        const h = Math.max(k - Math.abs(d - e), 0) / k;
        d = Math.min(d, e) - (h * h * k) / 4;
      } else if (e < d) d = e;
    }
    return d;
  }
}

/** The shape grown (delta > 0) or shrunk (delta < 0) by delta mm. */
export class Offset implements Shape {
  readonly box: Box;
  constructor(
    readonly inner: Shape,
    readonly delta: number,
  ) {
    const b = inner.box;
    const g = Math.max(delta, 0);
    this.box = { min: [b.min[0] - g, b.min[1] - g, b.min[2] - g], max: [b.max[0] + g, b.max[1] + g, b.max[2] + g] };
  }
  rowSpan(y: number, z: number, level: number, out: Span): boolean {
    return this.inner.rowSpan(y, z, level + this.delta, out);
  }
  rowCore(y: number, z: number, level: number, out: Span): boolean {
    return this.inner.rowCore(y, z, level - this.delta, out);
  }
  sdf(x: number, y: number, z: number): number {
    return this.inner.sdf(x, y, z) - this.delta;
  }
}

/** The shape moved by t mm. */
export class Translated implements Shape {
  readonly box: Box;
  constructor(
    readonly inner: Shape,
    readonly t: Vec3,
  ) {
    const b = inner.box;
    this.box = {
      min: [b.min[0] + t[0], b.min[1] + t[1], b.min[2] + t[2]],
      max: [b.max[0] + t[0], b.max[1] + t[1], b.max[2] + t[2]],
    };
  }
  rowSpan(y: number, z: number, level: number, out: Span): boolean {
    if (!this.inner.rowSpan(y - this.t[1], z - this.t[2], level, out)) return false;
    out.lo += this.t[0];
    out.hi += this.t[0];
    return true;
  }
  rowCore(y: number, z: number, level: number, out: Span): boolean {
    if (!this.inner.rowCore(y - this.t[1], z - this.t[2], level, out)) return false;
    out.lo += this.t[0];
    out.hi += this.t[0];
    return true;
  }
  sdf(x: number, y: number, z: number): number {
    return this.inner.sdf(x - this.t[0], y - this.t[1], z - this.t[2]);
  }
}
