/**
 * Row spans: for an axial row (fixed y, z) a shape can bound, along x, where its signed distance
 * may be below a level. The rasteriser evaluates distances only inside the outer span and paints
 * the core span as fully inside without evaluating them. All bounds are conservative.
 */
export interface Span {
  lo: number;
  hi: number;
}

export function newSpan(): Span {
  return { lo: 0, hi: 0 };
}

/** The whole row. */
export function fullSpan(out: Span): true {
  out.lo = Number.NEGATIVE_INFINITY;
  out.hi = Number.POSITIVE_INFINITY;
  return true;
}

/** out = {u : a·u² + 2b·u + c < 0} shifted by `origin` (a ≥ 0); false when empty. */
export function quadraticSpan(a: number, b: number, c: number, origin: number, out: Span): boolean {
  if (a <= 0) {
    if (b === 0) return c < 0 ? fullSpan(out) : false;
    const u = origin - c / (2 * b);
    out.lo = b > 0 ? Number.NEGATIVE_INFINITY : u;
    out.hi = b > 0 ? u : Number.POSITIVE_INFINITY;
    return true;
  }
  const disc = b * b - a * c;
  if (disc <= 0) return false;
  // Numerically stable roots: q/a and c/q with q = −(b + sign(b)·√disc).
  const q = b >= 0 ? -(b + Math.sqrt(disc)) : -(b - Math.sqrt(disc));
  const u0 = q / a;
  const u1 = c / q;
  out.lo = origin + Math.min(u0, u1);
  out.hi = origin + Math.max(u0, u1);
  return true;
}

/** Intersects out with {u : lo ≤ slope·u + offset ≤ hi} shifted by origin; false when empty. */
export function clipLinear(slope: number, offset: number, lo: number, hi: number, origin: number, out: Span): boolean {
  if (Math.abs(slope) < 1e-12) return offset >= lo && offset <= hi;
  let u0 = (lo - offset) / slope;
  let u1 = (hi - offset) / slope;
  if (u0 > u1) [u0, u1] = [u1, u0];
  out.lo = Math.max(out.lo, origin + u0);
  out.hi = Math.min(out.hi, origin + u1);
  return out.lo <= out.hi;
}

/**
 * Scale s of the normalised radius for the ellipse-style distance k0(k0−1)/k1 used by Ellipsoid and
 * EllipticCylinder: with rMin ≤ radii ≤ rMax, k0 ≥ s implies d ≥ level (outer), k0 ≤ s implies
 * d ≤ −level (core). From rMin(k0−1) ≤ d ≤ rMax(k0−1) outside and the same with swapped radii inside.
 */
export function ellipseOuterScale(level: number, rMin: number, rMax: number): number {
  return level >= 0 ? 1 + level / rMin : 1 + level / rMax;
}

export function ellipseCoreScale(level: number, rMin: number, rMax: number): number {
  return level >= 0 ? 1 - level / rMin : 1 - level / rMax;
}
