/** Small 3-vector and 3×3 helpers for patient-space geometry (millimetres, LPS as DICOM). */

export type Vec3 = [number, number, number];

/** A 3×3 matrix stored as its three columns (each a Vec3). */
export type Mat3 = [Vec3, Vec3, Vec3];

export function vec3(values: readonly number[], offset = 0): Vec3 {
  return [values[offset] ?? Number.NaN, values[offset + 1] ?? Number.NaN, values[offset + 2] ?? Number.NaN];
}

export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

export function scale(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function norm(a: Vec3): number {
  return Math.hypot(a[0], a[1], a[2]);
}

export function normalize(a: Vec3): Vec3 {
  const n = norm(a);
  return n === 0 ? [0, 0, 0] : [a[0] / n, a[1] / n, a[2] / n];
}

/** Angle between two vectors in degrees (0 when either is zero). */
export function angleDeg(a: Vec3, b: Vec3): number {
  const na = norm(a);
  const nb = norm(b);
  if (na === 0 || nb === 0) return 0;
  const c = Math.min(1, Math.max(-1, dot(a, b) / (na * nb)));
  return (Math.acos(c) * 180) / Math.PI;
}

/** M · v for a matrix given by columns. */
export function mulMat3Vec3(m: Mat3, v: Vec3): Vec3 {
  const [c0, c1, c2] = m;
  return [
    c0[0] * v[0] + c1[0] * v[1] + c2[0] * v[2],
    c0[1] * v[0] + c1[1] * v[1] + c2[1] * v[2],
    c0[2] * v[0] + c1[2] * v[1] + c2[2] * v[2],
  ];
}

export function determinant3(m: Mat3): number {
  return dot(m[0], cross(m[1], m[2]));
}

/**
 * General inverse of a 3×3 matrix (columns in, columns out). Works for non-orthogonal (sheared)
 * direction matrices; returns undefined when the matrix is singular.
 */
export function invert3(m: Mat3): Mat3 | undefined {
  const det = determinant3(m);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return undefined;
  // Rows of the inverse are the cross products of the columns divided by the determinant.
  const r0 = scale(cross(m[1], m[2]), 1 / det);
  const r1 = scale(cross(m[2], m[0]), 1 / det);
  const r2 = scale(cross(m[0], m[1]), 1 / det);
  return [
    [r0[0], r1[0], r2[0]],
    [r0[1], r1[1], r2[1]],
    [r0[2], r1[2], r2[2]],
  ];
}
