/**
 * Tunable thresholds of the nodule detector. Every figure here is a parameter, not a guideline
 * fact; the analyzer may pass overrides by name through `NoduleDetectionOptions.parameters`.
 */
export interface NoduleParams {
  /** Target voxel size of the candidate grid (mm, in-plane and along k). */
  gridMm: number;
  /** Gaussian smoothing of the candidate grid (mm). */
  smoothingMm: number;
  /** Candidate mask: smoothed HU above parenchyma + max(this, noiseFactor·noise). */
  candidateContrastHu: number;
  noiseFactor: number;
  /** Smallest candidate radius from the distance map (mm). */
  minSeedRadiusMm: number;
  /** Contrast (HU above parenchyma) at which the Hessian input is clipped. */
  hessianClipHu: number;
  /** Hessian blobness: smallest/largest |eigenvalue| at the seed scale must reach this. */
  minBlobness: number;
  /** Radius of the thickest structure cut off next to a candidate, relative to its own radius, above which it is a vessel. */
  maxNeckRatio: number;
  /** The nodule's typical HU (75th percentile) must exceed the parenchyma by this (HU). */
  minContrastHu: number;
  /** A "ground-glass" object whose smoothed maximum exceeds this (HU) is a partial-volumed vessel. */
  maxGgnPeakHu: number;
  /** Seeds at least this large (mm radius: masses) pass a looser blob test; vessels are never this thick in the lung. */
  largeSeedRadiusMm: number;
  minBlobnessLarge: number;
  /**
   * A "ground-glass" object (no solid component) denser than this mean HU is taken for a partial-
   * volumed vessel crossing; pure GGNs are typically −800..−550 HU. Set to −300 to disable.
   */
  ggnMaxMeanHu: number;
  /** Findings smaller than this equivalent diameter are dropped (mm). */
  minDiameterMm: number;
  /** Ratio of the largest to the middle principal extent above which an object is a vessel. */
  maxElongation: number;
  /** Fraction of the object's surface touching non-lung above which it is chest wall, not nodule. */
  maxPleuralContact: number;
  /** Solid tissue threshold (HU) for solid component and type. */
  solidHu: number;
  /** Calcified: this fraction of voxels above `calcifiedHu`. */
  calcifiedHu: number;
  calcifiedFraction: number;
  /** Part-solid needs a solid component of at least this mean diameter (mm). */
  minSolidComponentMm: number;
  /** Nodule mean HU (typical) above which it is solid. */
  solidMeanHu: number;
  /** Juxtapleural: nodule within this distance of the pleura (mm). */
  juxtapleuralMm: number;
  /** Lesions with a mean diameter above this are masses (mm). */
  massMm: number;
  /** Findings below this confidence are dropped. */
  minConfidence: number;
  /** At most this many findings per scan (highest confidence first). */
  maxFindings: number;
}

export const defaultNoduleParams: Readonly<NoduleParams> = Object.freeze({
  gridMm: 1.2,
  smoothingMm: 0.8,
  candidateContrastHu: 90,
  noiseFactor: 4,
  minSeedRadiusMm: 1.4,
  hessianClipHu: 250,
  minBlobness: 0.4,
  maxNeckRatio: 0.8,
  largeSeedRadiusMm: 7,
  minBlobnessLarge: 0.2,
  minContrastHu: 100,
  maxGgnPeakHu: -200,
  ggnMaxMeanHu: -560,
  minDiameterMm: 3,
  maxElongation: 2.6,
  maxPleuralContact: 0.45,
  solidHu: -300,
  calcifiedHu: 200,
  calcifiedFraction: 0.25,
  minSolidComponentMm: 2,
  solidMeanHu: -300,
  juxtapleuralMm: 2,
  massMm: 30,
  minConfidence: 0.3,
  maxFindings: 30,
});

/** Parameter names as the analyzer passes them (`nodule` + capitalised field, e.g. `noduleMinDiameterMm`). */
export const NODULE_PARAMETER_NAMES: readonly string[] = Object.keys(defaultNoduleParams).map(
  (k) => `nodule${k[0]?.toUpperCase()}${k.slice(1)}`,
);

/** Defaults overridden by numeric `noduleXxx` entries of the analyzer parameters. */
export function noduleParams(parameters: Record<string, number | string | boolean> | undefined): NoduleParams {
  const out: NoduleParams = { ...defaultNoduleParams };
  for (const key of Object.keys(out) as Array<keyof NoduleParams>) {
    const v = parameters?.[`nodule${key[0]?.toUpperCase()}${key.slice(1)}`];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
  }
  return out;
}
