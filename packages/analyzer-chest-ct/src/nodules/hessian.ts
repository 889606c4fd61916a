/**
 * Hessian of a Gaussian-smoothed image evaluated at one point only (sparse: the candidate search
 * needs it at a few hundred seeds, not over the volume). Used as a "dot" filter: a bright blob has
 * three negative eigenvalues of similar size, a vessel one near zero, a fissure or pleura two.
 */

/** Eigenvalues of a symmetric 3×3 matrix [xx, yy, zz, xy, xz, yz], ascending (trigonometric method). */
export function symmetricEigenvalues3(
  m: readonly [number, number, number, number, number, number],
): [number, number, number] {
  const [a, b, c, d, e, f] = m;
  const p1 = d * d + e * e + f * f;
  if (p1 === 0) {
    const s = [a, b, c].sort((x, y) => x - y);
    return [s[0] ?? 0, s[1] ?? 0, s[2] ?? 0];
  }
  const q = (a + b + c) / 3;
  const p2 = (a - q) ** 2 + (b - q) ** 2 + (c - q) ** 2 + 2 * p1;
  const p = Math.sqrt(p2 / 6);
  // B = (A − qI)/p; r = det(B)/2.
  const ba = (a - q) / p;
  const bb = (b - q) / p;
  const bc = (c - q) / p;
  const bd = d / p;
  const be = e / p;
  const bf = f / p;
  const det = ba * (bb * bc - bf * bf) - bd * (bd * bc - bf * be) + be * (bd * bf - bb * be);
  const r = Math.max(-1, Math.min(1, det / 2));
  const phi = Math.acos(r) / 3;
  const l3 = q + 2 * p * Math.cos(phi);
  const l1 = q + 2 * p * Math.cos(phi + (2 * Math.PI) / 3);
  const l2 = 3 * q - l1 - l3;
  return [l1, l2, l3];
}

/**
 * Blobness of a bright structure at scale `sigmaMm` around grid point (ci, cj, ck): the ratio of
 * the smallest to the largest |eigenvalue| when all are negative, else 0. Per axis the scale is at
 * least 0.7 voxel (thick slices), and each second derivative is scale-normalised (σa·σb) so the
 * eigenvalues of anisotropic scales stay comparable. `values` must have the background level
 * subtracted (parenchyma ≈ 0).
 */
export function blobnessAt(
  values: Float32Array,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  ci: number,
  cj: number,
  ck: number,
  sigmaMm: number,
): number {
  const [nx, ny, nz] = dims;
  const sg = [0, 1, 2].map((a) => Math.max(sigmaMm, 0.7 * (spacing[a] ?? 1))) as [number, number, number];
  const r = [0, 1, 2].map((a) => Math.max(1, Math.ceil((3 * sg[a]!) / (spacing[a] ?? 1)))) as [number, number, number];
  const inv = sg.map((s) => 1 / (s * s)) as [number, number, number];
  let hxx = 0;
  let hyy = 0;
  let hzz = 0;
  let hxy = 0;
  let hxz = 0;
  let hyz = 0;
  let wsum = 0;
  for (let dk = -r[2]; dk <= r[2]; dk++) {
    const k = ck + dk;
    if (k < 0 || k >= nz) continue;
    const z = dk * spacing[2];
    const gz = z * z * inv[2];
    for (let dj = -r[1]; dj <= r[1]; dj++) {
      const j = cj + dj;
      if (j < 0 || j >= ny) continue;
      const y = dj * spacing[1];
      const gy = y * y * inv[1];
      const row = nx * (j + ny * k);
      for (let di = -r[0]; di <= r[0]; di++) {
        const i = ci + di;
        if (i < 0 || i >= nx) continue;
        const x = di * spacing[0];
        const g = Math.exp(-0.5 * (x * x * inv[0] + gy + gz));
        wsum += g;
        const v = (values[row + i] ?? 0) * g;
        // Scale-normalised Gaussian second derivatives: σa·σb·∂a∂b G.
        hxx += v * (x * x * inv[0] - 1);
        hyy += v * (gy - 1);
        hzz += v * (gz - 1);
        hxy += v * x * y * Math.sqrt(inv[0] * inv[1]);
        hxz += v * x * z * Math.sqrt(inv[0] * inv[2]);
        hyz += v * y * z * Math.sqrt(inv[1] * inv[2]);
      }
    }
  }
  if (wsum === 0) return 0;
  const [l1, , l3] = symmetricEigenvalues3([hxx, hyy, hzz, hxy, hxz, hyz]);
  return l3 < 0 ? l3 / l1 : 0;
}
