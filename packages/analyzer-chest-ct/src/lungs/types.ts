import type { Volume } from '@lingshu/imaging';
import type { LungRegions } from './regions.js';

/** Labels of the lung label map (one byte per voxel on the analysed volume's grid). */
export const LungLabel = {
  Outside: 0,
  Body: 1,
  RightLung: 2,
  LeftLung: 3,
  Airway: 4,
} as const;

/** Zones per side: thirds of each lung's cranio-caudal extent (approximate lobes). */
export type LungZone = 'upper' | 'middle' | 'lower';
export type Side = 'right' | 'left';

export interface LungSegmentation {
  /** Label map (LungLabel values), same dimensions as the CT volume. */
  labels: Uint8Array;
  /** Per-side volume in mL. */
  volumesMl: { right: number; left: number; total: number; airway: number };
  /**
   * Zone of a voxel (voxel indices i, j, k on the CT grid) for reports and Brock's "upper lobe":
   * returns undefined outside the lungs.
   */
  zoneOf(i: number, j: number, k: number): { side: Side; zone: LungZone; lobe: string } | undefined;
  /** Distance (mm) from a voxel to the nearest pleural surface (lung boundary), for juxtapleural. */
  pleuralDistanceMm(i: number, j: number, k: number): number;
  warnings: Array<{ code: string; message: string }>;
  /** Zone tables of the lungs on the CT grid (lungRegions of the labels), when the segmenter made them. */
  regions?: LungRegions;
  /**
   * The coarse working grid the segmenter used (block means of the CT by `factors`), with its
   * labels: cheap coarse steps downstream (infection opening, candidate search) reuse it.
   * Voxel (i, j, k) of the CT lies in coarse voxel (⌊i/fi⌋, ⌊j/fj⌋, ⌊k/fk⌋).
   */
  workGrid?: {
    factors: readonly [number, number, number];
    dims: readonly [number, number, number];
    spacing: readonly [number, number, number];
    hu: Int16Array;
    labels: Uint8Array;
    /**
     * 1 where a coarse voxel is lung parenchyma for density measures (emphysema, infection): the
     * lung labels minus what the closing added on the medial border (hilum, mediastinum, masses
     * abutting it). Absent: every lung voxel counts.
     */
    parenchyma?: Uint8Array;
  };
}

/** Options of the lung segmenter; every threshold has a default (see lungs/segment.ts). */
export interface LungSegmentationOptions {
  signal?: AbortSignal;
  /** The CT-grid labels in a SharedArrayBuffer (worker threads read them in place). */
  sharedMemory?: boolean;
  /** Body = largest component above this (HU), default −500. */
  bodyHu?: number;
  /** Lung air = below this inside the body (HU), default −400. */
  airHu?: number;
  /** Radius of the per-side closing that pulls juxtapleural lesions and hilar vessels into the mask (mm), default 12. */
  closingRadiusMm?: number;
  /** Smallest air component counted as lung (mL), default 20. */
  minLungMl?: number;
  /** Half-width of the search for the anterior junction when the lungs touch (mm), default 40. */
  junctionSearchMm?: number;
  airway?: Partial<{ airwayHu: number; maxAreaMm2: number; minSeedAreaMm2: number; maxSeedOffsetMm: number }>;
}

/** Signature of the lung segmenter (lungs/segment.ts). */
export type SegmentLungs = (ct: Volume, options?: LungSegmentationOptions) => LungSegmentation;
