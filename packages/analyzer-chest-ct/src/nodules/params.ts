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
  /**
   * Hessian blobness: smallest/largest |eigenvalue| at the seed scale must reach this. Analyzer
   * ≤ 0.10.0: 0.3, which dropped seeds right on vessel-attached and juxtapleural nodules at
   * 0.21–0.29 on thin slices.
   */
  minBlobness: number;
  /**
   * On slices at least `thickSliceMinSpacingMm` apart the blob test asks only this much: a nodule
   * beside a vessel, blurred through-plane, looks less like a dot there, and the candidate ranker
   * (ranker.ts) tells the vessels that now pass from nodules. Analyzer ≤ 0.9.0: `minBlobness`.
   */
  minBlobnessThickSlices: number;
  thickSliceMinSpacingMm: number;
  /**
   * Ground-glass channel (ggnChannel.ts): candidate-mask voxels below `ggnChannelMaxHu` (the upper
   * end of the usual −750…−300 HU ground-glass band), their local fraction smoothed with σ (mm);
   * peaks where that fraction is at least `ggnChannelMinLevel` and the candidate mask's distance
   * map at least `ggnChannelMinRadiusMm` become extra seeds when they pass the blob test on it.
   */
  ggnChannelMaxHu: number;
  ggnChannelSigmaMm: number;
  ggnChannelMinLevel: number;
  ggnChannelMinRadiusMm: number;
  /** Blob test of the ground-glass channel (looser than `minBlobness`: a vessel leaves a groove in the band). */
  ggnChannelMinBlobness: number;
  /**
   * Channel points within this fraction of a seed's radius of a seed that passed the blob test are
   * skipped (0: none; analyzer ≤ 0.6.0 used 0.5, which lost ground glass whose seed on a thick vessel
   * failed the segmentation).
   */
  ggnChannelSkipNearSeed: number;
  /**
   * Radius of the thickest structure cut off next to a candidate, relative to its own radius, above
   * which it is a vessel (a thicker stretch of it or a branching point). Below it the candidate stays
   * and the ranker weighs the ratio: a nodule beside a vessel nearly as thick as itself is common.
   */
  maxNeckRatio: number;
  /**
   * Solid seeds: the distance map's local maxima of a second, denser mask (smoothed HU above
   * parenchyma + this; 0: off) are extra seeds, tested like the others. At the candidate mask's
   * low threshold a nodule on the side of a vessel and the vessel blur into one object whose
   * deepest point lies between them; at half a solid nodule's contrast the nodule keeps its own centre.
   */
  solidSeedContrastHu: number;
  /**
   * Segmentation (1: on, analyzer ≥ 0.15.0; 0: off): when no opening frees the object, the region at
   * half its contrast (where a nodule and a passing vessel keep their own outlines) is eroded by
   * 0.4, 0.5 … 0.9 of its depth at the seed until the part there no longer runs out of the crop,
   * and that part grown back by the same radius within the region is the object. An opening keeps a
   * vessel thicker than the ball joined to the nodule; an erosion parts them.
   */
  erosionSplit: number;
  /**
   * Solid seeds and the erosion split are for small nodules beside a thicker vessel: neither is
   * tried for an object deeper than half this (mm), where they free pieces of hilar vessels.
   */
  vesselSideMaxDiameterMm: number;
  /**
   * Segmentation: a seed with at least this blobness also tries a ball opening of
   * `wideOpeningFactor` × its radius when the usual ones (0.45, 0.6, 0.8) leave an object that runs
   * out of the crop (a vessel about as thick as the nodule's radius). Analyzer ≤ 0.6.0: none.
   */
  wideOpeningMinBlobness: number;
  wideOpeningFactor: number;
  /**
   * On slices at least this far apart (mm), the segmented object's section in each slice must lie
   * within the section of the slice before it (towards the seed), widened by `sliceClipMarginMm`
   * (segment.ts `clipToSeedSlice`): the partial-volume band of an oblique pleura or mediastinum then
   * stays off a nodule beside it. Analyzer ≤ 0.7.0: none (a spacing above any, e.g. 99).
   */
  sliceClipMinSpacingMm: number;
  sliceClipMarginMm: number;
  /**
   * On such slices, a part the segmentation leaves out (clipped off, or cut off by the opening) with
   * at least `pleuralBandMinFraction` of its voxels within `pleuralBandMm` in-plane of non-lung lies
   * along the pleura (its partial-volume band): it is not a vessel stump (attachments, neck).
   */
  pleuralBandMm: number;
  pleuralBandMinFraction: number;
  /**
   * On slices at least this far apart (mm) the pleural-contact limit is `maxInPlaneContact` on the
   * object's in-plane outline (measure.ts `inPlaneContact`) instead of `maxPleuralContact` on its
   * surface: there the slice above or below a juxtapleural nodule shows the chest wall millimetres
   * away, which made up most of a small nodule's contact. Analyzer ≤ 0.7.0: none (a spacing above
   * any, e.g. 99).
   */
  contactInPlaneMinSpacingMm: number;
  maxInPlaneContact: number;
  /**
   * An object with exactly two vessel stumps facing each other (`throughVessel` at least
   * `fusiformMinThroughVessel`) whose thicker stump is at least `fusiformMinNeckRatio` of its radius
   * is a stretch of one vessel (a fusiform widening, a crossing) and is dropped. Analyzer ≤ 0.9.0:
   * none (its linear score penalised `throughVessel`); 1.1 switches it off.
   */
  fusiformMinThroughVessel: number;
  fusiformMinNeckRatio: number;
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
  /**
   * The two tests above apply below this mean diameter (mm): a larger ground-glass lesion with a
   * vessel running through it is not a vessel crossing (its peak contrast still counts in the score).
   * 0 (the default since analyzer 0.12.0) turns them off: they also dropped small solid nodules
   * that partial volume shows as dense ground glass, and the ranker (peak and mean contrast) scores
   * vessel pieces low enough on its own.
   */
  vesselFragmentMaxDiameterMm: number;
  /** Findings smaller than this equivalent diameter are dropped (mm). */
  minDiameterMm: number;
  /**
   * Pure ground-glass findings below this mean diameter are dropped (mm): at that size a faint
   * blob is indistinguishable from noise or a vessel cross-section, and Fleischner 2017 recommends
   * no routine follow-up for pure GGNs < 6 mm anyway.
   */
  ggnMinDiameterMm: number;
  /** …unless it is ≥ 90 % of that size and its mean HU at least this far above the parenchyma (a partial-volumed small solid nodule). */
  ggnSmallMinContrastHu: number;
  /**
   * Large "solid" objects (mean diameter ≥ `fatMinDiameterMm`) touching non-lung whose mean HU is
   * below this are mediastinal/apical fat and soft tissue pulled into the lung mask by its
   * closing, not nodules (a solid tumour of that size is ≥ −50 HU away from its rim).
   */
  fatMaxMeanHu: number;
  fatMinDiameterMm: number;
  /**
   * …and touching non-lung over more than this fraction of its surface on slices at least
   * `fatThickSliceMm` apart (pulled-in tissue lies against it broadly, while the partial-volumed end
   * slices of a solid juxtapleural nodule pull its mean below −80 HU too), over more than
   * `fatMinPleuralContactThin` on thinner slices (where a solid nodule's mean stays above −80 HU).
   */
  fatMinPleuralContact: number;
  fatMinPleuralContactThin: number;
  fatThickSliceMm: number;
  /** Air lumen: enclosed voxels at least this far below the parenchyma (negative HU contrast). */
  lumenMaxContrastHu: number;
  /**
   * An object enclosing air (in axial slices) amounting to at least this fraction of its outline
   * voxels is a bronchus cut across (wall ring around its lumen), unless it is larger than
   * `airwayMaxDiameterMm` (cavitating nodules are larger and thick-walled) or calcified.
   */
  lumenMinFraction: number;
  airwayMaxDiameterMm: number;
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
  /**
   * Lesions at least this large (mean diameter, mm) and no more elongated than
   * `largeLesionMaxElongation` get at least `largeLesionConfidence` (irregular patches of
   * consolidation or ground glass are as large but less compact).
   */
  largeLesionMm: number;
  largeLesionConfidence: number;
  largeLesionMaxElongation: number;
  /**
   * Volume (measure.ts `groundGlassVolume`, analyzer ≥ 0.13.0; 0 each for 0.12.0's volumes): the
   * ground-glass level from interior voxels at least this many voxels clear of the solid part.
   */
  volumeLevelClearOfSolidVoxels: number;
  /**
   * The spicules and lobulations the opening cut off (parts reaching no crop face) count towards
   * the volume within this far (mm) plus two radii (its mean diameter) of its centre; 0: not at all.
   */
  volumeSpiculeReachMm: number;
  /** 1: interior voxels of a ground-glass or part-solid object count in full. */
  volumeInteriorInFull: number;
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
  minBlobness: 0.2,
  minBlobnessThickSlices: 0.15,
  thickSliceMinSpacingMm: 2,
  // The ground-glass channel's level/radius/blob values and largeLesionMaxElongation were chosen on
  // tuning seeds 1–40 (`--quick`) only; held-out seeds (≥ 1000) were not looked at. The blob test
  // went from 0.15 to 0.1 in analyzer 0.14.0, on tuning seeds 301–348 (512²).
  ggnChannelMaxHu: -300,
  ggnChannelSigmaMm: 2,
  ggnChannelMinLevel: 0.35,
  ggnChannelMinRadiusMm: 2.4,
  ggnChannelMinBlobness: 0.1,
  ggnChannelSkipNearSeed: 0,
  maxNeckRatio: 1.3,
  solidSeedContrastHu: 400,
  erosionSplit: 1,
  vesselSideMaxDiameterMm: 10,
  wideOpeningMinBlobness: 0.4,
  wideOpeningFactor: 0.95,
  sliceClipMinSpacingMm: 2,
  sliceClipMarginMm: 1,
  pleuralBandMm: 3,
  pleuralBandMinFraction: 0.75,
  contactInPlaneMinSpacingMm: 2,
  maxInPlaneContact: 0.3,
  fusiformMinThroughVessel: 0.95,
  fusiformMinNeckRatio: 0.5,
  largeSeedRadiusMm: 7,
  minBlobnessLarge: 0.2,
  minContrastHu: 100,
  maxGgnPeakHu: -200,
  ggnMaxMeanHu: -560,
  vesselFragmentMaxDiameterMm: 0,
  minDiameterMm: 3,
  ggnMinDiameterMm: 5,
  ggnSmallMinContrastHu: 200,
  fatMaxMeanHu: -80,
  fatMinDiameterMm: 15,
  fatMinPleuralContact: 0.1,
  fatMinPleuralContactThin: 0.02,
  fatThickSliceMm: 2,
  lumenMaxContrastHu: -40,
  lumenMinFraction: 0.085,
  airwayMaxDiameterMm: 12,
  maxElongation: 2.6,
  maxPleuralContact: 0.45,
  solidHu: -300,
  calcifiedHu: 200,
  calcifiedFraction: 0.25,
  minSolidComponentMm: 2,
  solidMeanHu: -300,
  juxtapleuralMm: 2,
  massMm: 30,
  largeLesionMm: 15,
  largeLesionConfidence: 0.6,
  largeLesionMaxElongation: 1.2,
  volumeLevelClearOfSolidVoxels: 2,
  volumeSpiculeReachMm: 2,
  volumeInteriorInFull: 1,
  minConfidence: 0.09,
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
