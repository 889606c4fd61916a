/**
 * Analytic shapes as signed distance functions (mm, patient LPS), negative inside. Distances are
 * exact or close approximations near the surface, which is what the partial-volume ramp needs.
 */
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
}

const INF = Number.POSITIVE_INFINITY;
/**
 * Intersections and differences stop evaluating once a part is farther than this outside: the
 * value returned is then a lower bound of the distance (still > 0), which is all a rasteriser or an
 * inside test needs. Distances inside and near the surface are unaffected.
 */
const EARLY_EXIT_MM = 3;
export const UNBOUNDED: Box = { min: [-INF, -INF, -INF], max: [INF, INF, INF] };

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

/** Ellipsoid with semi-axes `radii` along the columns of `rotation`. */
export class Ellipsoid implements Shape {
  readonly box: Box;
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

/** The half-space on the side opposite to `normal` (inside where dot(p − point, normal) < 0). */
export class HalfSpace implements Shape {
  readonly box: Box = UNBOUNDED;
  constructor(
    readonly point: Vec3,
    readonly normal: Vec3,
  ) {}
  sdf(x: number, y: number, z: number): number {
    const n = this.normal;
    return (x - this.point[0]) * n[0] + (y - this.point[1]) * n[1] + (z - this.point[2]) * n[2];
  }
}

/** A thin sheet around a plane (fissures). */
export class Sheet implements Shape {
  readonly box: Box = UNBOUNDED;
  constructor(
    readonly point: Vec3,
    readonly normal: Vec3,
    readonly halfThickness: number,
  ) {}
  sdf(x: number, y: number, z: number): number {
    const n = this.normal;
    const d = (x - this.point[0]) * n[0] + (y - this.point[1]) * n[1] + (z - this.point[2]) * n[2];
    return Math.abs(d) - this.halfThickness;
  }
}

export class Intersection implements Shape {
  readonly box: Box;
  constructor(readonly parts: readonly Shape[]) {
    this.box = parts.map((p) => p.box).reduce(intersectBoxes);
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
  constructor(
    readonly base: Shape,
    readonly cut: Shape,
  ) {
    this.box = base.box;
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
  constructor(
    readonly parts: readonly Shape[],
    readonly smoothness = 0,
  ) {
    const b = unionBoxes(parts.map((p) => p.box));
    const s = smoothness;
    this.box = { min: [b.min[0] - s, b.min[1] - s, b.min[2] - s], max: [b.max[0] + s, b.max[1] + s, b.max[2] + s] };
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
  sdf(x: number, y: number, z: number): number {
    return this.inner.sdf(x - this.t[0], y - this.t[1], z - this.t[2]);
  }
}
