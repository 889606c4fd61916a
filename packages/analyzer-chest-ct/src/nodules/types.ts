import type { ClinicalContext, Finding } from '@lingshu/ai';
import type { Vec3, Volume } from '@lingshu/imaging';
import type { LungSegmentation, LungZone, Side } from '../lungs/types.js';

/**
 * Contract between the analyzer (analyzer.ts) and the nodule detector (this folder).
 * `detectNodules` (detect.ts) implements `DetectNodules`.
 */
export interface NoduleDetectionOptions {
  signal?: AbortSignal;
  /**
   * Effective analyzer parameters (descriptor defaults merged with request overrides). Names the
   * detector reads are listed in `NODULE_PARAMETER_NAMES` (params.ts); absent ones take defaults.
   */
  parameters: Record<string, number | string | boolean>;
  /** Age, sex, family history… for Brock; absent facts are reported as assumed. */
  clinical?: ClinicalContext;
  /** Record every seed's outcome in the run statistics (tuning only). */
  trace?: boolean;
  /** Reports progress of the nodule step only (0..1). */
  onProgress?: (fraction: number) => void;
}

export type NoduleType = 'solid' | 'part-solid' | 'ground-glass' | 'calcified';

/** Measured facts of one nodule, typed (the `finding` carries the same as measurements/attributes). */
export interface NoduleDetails {
  type: NoduleType;
  centerVoxel: Vec3;
  centerWorld: Vec3;
  /** Inclusive voxel box [i0, j0, k0, i1, j1, k1]. */
  boxVoxel: [number, number, number, number, number, number];
  /** Max Feret diameter on the axial slice of largest area (Lung-RADS long axis), mm. */
  longAxisMm: number;
  /** Largest width perpendicular to the long axis on that slice, mm. */
  shortAxisMm: number;
  /** (long + short) / 2 rounded to 0.1 mm (Lung-RADS v2022). */
  meanDiameterMm: number;
  /** Partial-volume weighted volume, whole mm³. */
  volumeMm3: number;
  meanHu: number;
  /** Maximum of the lightly smoothed HU inside the nodule (robust to single noisy voxels). */
  maxHu: number;
  /** Mean diameter of the solid (> solidHu) component of a part-solid nodule, mm. */
  solidComponentMm?: number;
  side?: Side;
  zone?: LungZone;
  lobe?: string;
  juxtapleural: boolean;
  perifissural: boolean;
  /** > 30 mm: reported as a mass. */
  isMass: boolean;
  confidence: number;
  longAxisWorld: [Vec3, Vec3];
  shortAxisWorld: [Vec3, Vec3];
  /** k index of the axial slice of largest area (the measurement slice). */
  sliceIndex: number;
  referencedSopInstanceUID?: string;
  /** Shape facts used for false-positive rejection (for audit and tuning). */
  shape: {
    elongation: number;
    blobness: number;
    pleuralContact: number;
    /**
     * Fraction of the object's in-plane outline (voxels with an in-plane neighbour outside it)
     * that touches non-lung in-plane: on thick slices the slices above and below lie millimetres off.
     */
    inPlaneContact: number;
    heterogeneity: number;
    /** Structures cut off right beside the object by the segmentation's opening that run on (vessels). */
    attachments: number;
    /** Structures cut off right beside the object that end near it (spicules, lobulations). */
    spicules: number;
    /** How squarely two vessel stumps face each other across the object (segment.ts, 0..1). */
    throughVessel: number;
    /** Thickest structure cut off beside the object, relative to its own radius (segment.ts). */
    neckRatio: number;
    /** Blobness of the segmented object alone (vessels cut off), segment.ts. */
    coreBlobness: number;
    /** Air enclosed by the object in axial slices, relative to its outline voxels (bronchus lumen). */
    lumen: number;
  };
}

export interface NoduleFinding {
  /** The finding as it goes into the result (type `nodule` or `mass`), geometry on the CT grid. */
  finding: Finding;
  /**
   * Linear voxel indices (i + nx·(j + ny·k)) of the segmented nodule on the CT grid; the analyzer
   * writes them into the label map (segment per nodule) and excludes them from infection burden.
   */
  voxels?: Uint32Array;
  /** The typed measurements behind `finding`. */
  details?: NoduleDetails;
}

export type DetectNodules = (ct: Volume, lungs: LungSegmentation, options: NoduleDetectionOptions) => NoduleFinding[];
