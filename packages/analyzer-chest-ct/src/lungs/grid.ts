import type { Dims3, Factors3, Spacing3, Volume } from '@lingshu/imaging';

/** Orientation facts of an axial CT grid that the lung steps need. */
export interface GridInfo {
  dims: Dims3;
  spacing: Spacing3;
  /** +1 when increasing k goes towards the head (LPS +z), else −1. */
  kSuperior: 1 | -1;
  /** +1 when increasing i goes towards the patient's left (LPS +x), else −1. */
  iLeft: 1 | -1;
  /** +1 when increasing j goes towards the patient's back (LPS +y), else −1. */
  jPosterior: 1 | -1;
}

export function gridInfo(ct: Volume): GridInfo {
  const d = ct.direction;
  return {
    dims: ct.dimensions,
    spacing: ct.spacing,
    kSuperior: d[2][2] >= 0 ? 1 : -1,
    iLeft: d[0][0] >= 0 ? 1 : -1,
    jPosterior: d[1][1] >= 0 ? 1 : -1,
  };
}

/**
 * Block factors for the coarse working grid: about 1.4 mm in-plane and 1.25 mm along k, so
 * every step before the final labelling touches 4–8× fewer voxels on thin-slice scans.
 */
export function coarseFactors(spacing: Spacing3, targetInPlaneMm = 1.4, targetSliceMm = 1.25): Factors3 {
  const f = (s: number, t: number): number => Math.max(1, Math.round(t / s));
  return [f(spacing[0], targetInPlaneMm), f(spacing[1], targetInPlaneMm), f(spacing[2], targetSliceMm)];
}

export function coarseSpacing(spacing: Spacing3, f: Factors3): Spacing3 {
  return [spacing[0] * f[0], spacing[1] * f[1], spacing[2] * f[2]];
}

/** Throws the standard abort reason when the signal has fired (checked between steps). */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}
