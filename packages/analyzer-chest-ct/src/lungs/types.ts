import type { Volume } from '@lingshu/imaging';

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
   * Zone of a voxel (world or voxel coordinates) for reports and Brock's "upper lobe":
   * returns undefined outside the lungs.
   */
  zoneOf(i: number, j: number, k: number): { side: Side; zone: LungZone; lobe: string } | undefined;
  /** Distance (mm) from a voxel to the nearest pleural surface (lung boundary), for juxtapleural. */
  pleuralDistanceMm(i: number, j: number, k: number): number;
  warnings: Array<{ code: string; message: string }>;
}

/** Signature of the lung segmenter (lungs/segment.ts). */
export type SegmentLungs = (ct: Volume, options?: { signal?: AbortSignal }) => LungSegmentation;
