import { LingshuError } from '@lingshu/dicom';
import { add, invert3, type Mat3, mulMat3Vec3, scale, sub, type Vec3 } from './vec3.js';

/** Voxel storage: x (i) fastest, then y (j), then z (k). */
export type VoxelArray = Int16Array | Uint16Array | Int32Array | Uint8Array | Float32Array;

/** A structured, PHI-free warning that the report and the UI must be able to show. */
export interface VolumeWarning {
  code: string;
  message: string;
  details?: Record<string, string | number | boolean>;
}

export interface VolumeMetadata {
  seriesInstanceUID?: string;
  modality?: string;
  /** SOP Instance UIDs of the source slices, in k order (index = k for assembled stacks). */
  sopInstanceUIDs: string[];
  /** k index (fractional after gap resampling) of each source slice, aligned with sopInstanceUIDs. */
  sourceK?: number[];
  warnings: VolumeWarning[];
}

/**
 * A 3D image with its geometry. World (patient, LPS) coordinates of voxel centre (i, j, k):
 * origin + i·spacing[0]·direction[0] + j·spacing[1]·direction[1] + k·spacing[2]·direction[2].
 * direction[0] is the row direction (ImageOrientationPatient[0..2]), direction[1] the column
 * direction (IOP[3..5]), direction[2] the direction in which slices increase; it is the slice
 * normal for ordinary stacks and may be oblique to it (sheared) for gantry-tilted stacks.
 */
export interface Volume {
  voxels: VoxelArray;
  dimensions: Vec3;
  spacing: Vec3;
  origin: Vec3;
  /** The unit vectors of the i, j and k axes in patient space (the columns of the direction matrix). */
  direction: Mat3;
  metadata: VolumeMetadata;
}

export interface VolumeInit {
  voxels: VoxelArray;
  dimensions: readonly number[];
  spacing: readonly number[];
  origin: readonly number[];
  direction: Mat3;
  metadata?: Partial<VolumeMetadata>;
}

/** Validates and builds a Volume (checks the voxel count, spacing and that the axes are independent). */
export function createVolume(init: VolumeInit): Volume {
  const dimensions: Vec3 = [init.dimensions[0] ?? 0, init.dimensions[1] ?? 0, init.dimensions[2] ?? 0];
  const spacing: Vec3 = [init.spacing[0] ?? 0, init.spacing[1] ?? 0, init.spacing[2] ?? 0];
  const origin: Vec3 = [init.origin[0] ?? 0, init.origin[1] ?? 0, init.origin[2] ?? 0];
  if (!dimensions.every((d) => Number.isInteger(d) && d > 0)) {
    throw new LingshuError('VOLUME_EMPTY', 'Volume dimensions must be positive integers', {
      details: { nx: dimensions[0], ny: dimensions[1], nz: dimensions[2] },
    });
  }
  const count = dimensions[0] * dimensions[1] * dimensions[2];
  if (init.voxels.length !== count) {
    throw new LingshuError('VOLUME_INCONSISTENT_SLICES', 'Voxel count does not match the dimensions', {
      details: { expected: count, actual: init.voxels.length },
    });
  }
  if (!spacing.every((s) => Number.isFinite(s) && s > 0) || !origin.every(Number.isFinite)) {
    throw new LingshuError('VOLUME_MISSING_GEOMETRY', 'Volume spacing must be positive and the origin finite');
  }
  if (!invert3(init.direction)) {
    throw new LingshuError('VOLUME_MISSING_GEOMETRY', 'Volume direction axes are not independent');
  }
  return {
    voxels: init.voxels,
    dimensions,
    spacing,
    origin,
    direction: init.direction,
    metadata: {
      sopInstanceUIDs: [],
      warnings: [],
      ...init.metadata,
    },
  };
}

/** Linear index of voxel (i, j, k); no bounds check. */
export function voxelIndex(v: Volume, i: number, j: number, k: number): number {
  return i + v.dimensions[0] * (j + v.dimensions[1] * k);
}

export function isInside(v: Volume, i: number, j: number, k: number): boolean {
  return i >= 0 && j >= 0 && k >= 0 && i < v.dimensions[0] && j < v.dimensions[1] && k < v.dimensions[2];
}

/** Voxel value at integer (i, j, k); undefined outside the volume. */
export function getVoxel(v: Volume, i: number, j: number, k: number): number | undefined {
  if (!isInside(v, i, j, k)) return undefined;
  return v.voxels[voxelIndex(v, i, j, k)];
}

/** Sets the voxel at integer (i, j, k); throws outside the volume. */
export function setVoxel(v: Volume, i: number, j: number, k: number, value: number): void {
  if (!isInside(v, i, j, k)) {
    throw new LingshuError('VOLUME_EMPTY', 'Voxel index outside the volume', { details: { i, j, k } });
  }
  v.voxels[voxelIndex(v, i, j, k)] = value;
}

/** Matrix mapping a continuous voxel index to a world offset from the origin (direction · diag(spacing)). */
export function indexToWorldMatrix(v: Volume): Mat3 {
  return [
    scale(v.direction[0], v.spacing[0]),
    scale(v.direction[1], v.spacing[1]),
    scale(v.direction[2], v.spacing[2]),
  ];
}

/** Patient coordinates (mm) of the centre of (continuous) voxel index [i, j, k]. */
export function voxelToWorld(v: Volume, ijk: readonly number[]): Vec3 {
  const idx: Vec3 = [ijk[0] ?? 0, ijk[1] ?? 0, ijk[2] ?? 0];
  return add(v.origin, mulMat3Vec3(indexToWorldMatrix(v), idx));
}

/** Continuous voxel index of a patient point; the exact inverse of voxelToWorld (also for sheared axes). */
export function worldToVoxel(v: Volume, xyz: readonly number[]): Vec3 {
  const inv = invert3(indexToWorldMatrix(v));
  if (!inv) throw new LingshuError('VOLUME_MISSING_GEOMETRY', 'Volume direction axes are not independent');
  return mulMat3Vec3(inv, sub([xyz[0] ?? 0, xyz[1] ?? 0, xyz[2] ?? 0], v.origin));
}
