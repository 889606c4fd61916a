/** Grid size [nx, ny, nz]; voxel (i, j, k) lives at index i + nx·(j + ny·k), as in `Volume`. */
export type Dims3 = readonly [number, number, number];

/** Voxel size [sx, sy, sz] in mm. */
export type Spacing3 = readonly [number, number, number];

/** A binary mask: 0 = background, anything else = foreground. */
export type Mask = Uint8Array;

/** Numeric voxel arrays the kernels read. */
export type NumericArray = Int16Array | Uint16Array | Int32Array | Uint8Array | Float32Array | Float64Array;

export function voxelCount(dims: Dims3): number {
  return dims[0] * dims[1] * dims[2];
}
