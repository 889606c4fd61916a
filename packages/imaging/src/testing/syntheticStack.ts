import type { SliceInput } from '../slice.js';
import { add, cross, normalize, scale, type Vec3 } from '../vec3.js';

export interface SyntheticStackSpec {
  iop: number[];
  firstPosition: Vec3;
  pixelSpacing?: [number, number];
  rows?: number;
  columns?: number;
  /** Offsets along the normal, mm, one per slice. */
  offsets: number[];
  /** In-plane drift per mm along the normal (gantry tilt shear). */
  shearPerMm?: Vec3;
  /** Intensity as a function of the world position of a pixel centre. */
  intensity?: (p: Vec3) => number;
  acquisitionNumber?: number;
  uidPrefix?: string;
}

/** Builds SliceInputs whose pixels sample `intensity` at each pixel's world position (PS3.3 C.7.6.2.1.1). */
export function syntheticStack(spec: SyntheticStackSpec): SliceInput[] {
  const [dr, dc] = spec.pixelSpacing ?? [0.5, 0.7];
  const rows = spec.rows ?? 4;
  const columns = spec.columns ?? 5;
  const r = normalize([spec.iop[0] ?? 0, spec.iop[1] ?? 0, spec.iop[2] ?? 0]);
  const c = normalize([spec.iop[3] ?? 0, spec.iop[4] ?? 0, spec.iop[5] ?? 0]);
  const n = normalize(cross(r, c));
  const f = spec.intensity ?? ((p: Vec3) => p[0] + 10 * p[1] + 100 * p[2]);
  return spec.offsets.map((d, idx) => {
    const ipp = add(add(spec.firstPosition, scale(n, d)), scale(spec.shearPerMm ?? [0, 0, 0], d));
    const pixels = new Float32Array(rows * columns);
    for (let j = 0; j < rows; j++) {
      for (let i = 0; i < columns; i++) {
        pixels[j * columns + i] = f(add(ipp, add(scale(r, i * dc), scale(c, j * dr))));
      }
    }
    const slice: SliceInput = {
      sopInstanceUID: `${spec.uidPrefix ?? '2.25.1'}.${idx + 1}`,
      imagePositionPatient: ipp,
      imageOrientationPatient: spec.iop,
      pixelSpacing: [dr, dc],
      rows,
      columns,
      instanceNumber: idx + 1,
      pixels: () => pixels,
    };
    if (spec.acquisitionNumber !== undefined) slice.acquisitionNumber = spec.acquisitionNumber;
    return slice;
  });
}
