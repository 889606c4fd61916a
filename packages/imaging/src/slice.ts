import type { VolumeWarning, VoxelArray } from './volume.js';

/** Pixel values of one slice, rows × columns, x (column index) fastest. */
export type SlicePixels = VoxelArray | Float64Array;

/** One image slice with the attributes assembly needs; pixels are loaded lazily. */
export interface SliceInput {
  sopInstanceUID: string;
  /** Image Position (Patient) (0020,0032): centre of the first transmitted pixel, mm. */
  imagePositionPatient: readonly number[];
  /** Image Orientation (Patient) (0020,0037): row cosines then column cosines. */
  imageOrientationPatient: readonly number[];
  /** Pixel Spacing (0028,0030): [between rows (Δr), between columns (Δc)], mm. */
  pixelSpacing: readonly number[];
  rows: number;
  columns: number;
  imageType?: readonly string[];
  instanceNumber?: number;
  acquisitionNumber?: number;
  sliceThickness?: number;
  gantryDetectorTilt?: number;
  pixels?: () => SlicePixels | Promise<SlicePixels>;
}

export type MixedOrientationPolicy = 'split' | 'reject';
export type TiltPolicy = 'reject' | 'report' | 'resample';

export interface AssembleOptions {
  /** Mixed orientations: keep the largest stack and report the others ('split', default) or fail. */
  mixed?: MixedOrientationPolicy;
  /** Largest difference of a direction cosine for two slices to count as parallel (default 1e-3). */
  orientationTolerance?: number;
  /** Relative deviation of a slice step from the median step that is reported (default 0.01). */
  spacingTolerance?: number;
  /** A step at least this many times the median step is a gap (default 1.5). */
  gapFactor?: number;
  /** Resample across gaps onto a uniform grid with the median step instead of failing. */
  allowGaps?: boolean;
  /** Gantry tilt handling (default 'report': sheared k axis, exact world ↔ voxel). */
  tilt?: TiltPolicy;
  /** Angle between stack axis and slice normal above which the stack counts as tilted (default 0.01°). */
  tiltToleranceDeg?: number;
  /** Voxel type of the assembled volume (default 'auto': Int16 when all values are integers that fit). */
  voxelType?: 'auto' | 'int16' | 'float32';
  /**
   * Int16 voxels in a SharedArrayBuffer (worker threads read them without a copy). Only the
   * direct path (no gaps, no tilt resampling) allocates shared memory; check `voxels.buffer`.
   */
  sharedMemory?: boolean;
  /** Value for voxels resampled from outside the acquired slices (default: the smallest input value). */
  fillValue?: number;
  seriesInstanceUID?: string;
  modality?: string;
}

/** Slices that were not used for the primary volume, with the reason. */
export interface StackSummary {
  reason: 'orientation' | 'acquisition';
  imageOrientationPatient: number[];
  acquisitionNumber?: number;
  slices: SliceInput[];
}

export function warning(
  code: string,
  message: string,
  details?: Record<string, string | number | boolean>,
): VolumeWarning {
  return details === undefined ? { code, message } : { code, message, details };
}
