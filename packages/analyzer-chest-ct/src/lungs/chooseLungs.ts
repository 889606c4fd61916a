import type { Components } from '@lingshu/imaging';
import type { GridInfo } from './grid.js';
import { LungLabel } from './types.js';

export interface LungChoice {
  /** Side label (LungLabel.RightLung / LeftLung) per component label; 0 = not lung. */
  sideOf: Uint8Array;
  /** Component labels split along the midline (both lungs joined at the anterior junction). */
  joined: number[];
  warnings: Array<{ code: string; message: string }>;
}

/**
 * Picks the lung components among the air components inside the body and decides each one's
 * side. Lungs reach higher than any abdominal gas: a component is kept when it is large enough
 * and its cranial end lies above the middle of the largest component's cranio-caudal extent.
 */
export function chooseLungs(comps: Components, grid: GridInfo, midI: number, minVoxels: number): LungChoice {
  const [nx, ny, nz] = grid.dims;
  const plane = nx * ny;
  const n = comps.count + 1;
  const top = new Float64Array(n).fill(-1);
  const bottom = new Float64Array(n).fill(nz);
  const leftMass = new Float64Array(n);
  const sumI = new Float64Array(n);
  const { labels } = comps;
  for (let p = 0; p < labels.length; p++) {
    const l = labels[p]!;
    if (l === 0) continue;
    const k = (p / plane) | 0;
    const s = grid.kSuperior === 1 ? k : nz - 1 - k;
    if (s > top[l]!) top[l] = s;
    if (s < bottom[l]!) bottom[l] = s;
    const i = p % nx;
    sumI[l] = sumI[l]! + i;
    if ((i - midI) * grid.iLeft > 0) leftMass[l] = leftMass[l]! + 1;
  }
  const sideOf = new Uint8Array(n);
  const warnings: LungChoice['warnings'] = [];
  const joined: number[] = [];
  let largest = 0;
  for (let l = 1; l < n; l++) if (comps.sizes[l]! > (comps.sizes[largest] ?? 0)) largest = l;
  if (largest === 0 || comps.sizes[largest]! < minVoxels) {
    warnings.push({ code: 'lungs-not-found', message: 'No aerated lung was found inside the body' });
    return { sideOf, joined, warnings };
  }
  const midHeight = (top[largest]! + bottom[largest]!) / 2;
  for (let l = 1; l < n; l++) {
    const size = comps.sizes[l]!;
    if (size < minVoxels || top[l]! < midHeight) continue;
    const leftFraction = leftMass[l]! / size;
    if (leftFraction > 0.2 && leftFraction < 0.8 && size > 0.25 * comps.sizes[largest]!) {
      joined.push(l);
      continue;
    }
    const meanI = sumI[l]! / size;
    sideOf[l] = (meanI - midI) * grid.iLeft > 0 ? LungLabel.LeftLung : LungLabel.RightLung;
  }
  const sides = new Set(Array.from(sideOf).filter((s) => s !== 0));
  if (joined.length > 0) {
    warnings.push({
      code: 'lungs-joined',
      message: 'The lungs touch across the midline; they were split along the anterior junction',
    });
  } else if (sides.size === 1) {
    warnings.push({ code: 'single-lung', message: 'Aerated lung was found on one side only' });
  }
  return { sideOf, joined, warnings };
}

/**
 * Splits a component that holds both lungs: on each slice, the column near the midline with the
 * fewest lung voxels (the anterior junction line) separates right from left.
 */
export function splitJoined(
  compLabels: Int32Array,
  label: number,
  grid: GridInfo,
  midI: number,
  searchMm: number,
  out: Uint8Array,
): void {
  const [nx, ny, nz] = grid.dims;
  const plane = nx * ny;
  const counts = new Int32Array(nx);
  const w = Math.max(1, Math.round(searchMm / grid.spacing[0]));
  const lo = Math.max(0, Math.floor(midI - w));
  const hi = Math.min(nx - 1, Math.ceil(midI + w));
  for (let k = 0; k < nz; k++) {
    const base = k * plane;
    counts.fill(0);
    let any = false;
    for (let q = 0; q < plane; q++) {
      if (compLabels[base + q] !== label) continue;
      counts[q % nx] = counts[q % nx]! + 1;
      any = true;
    }
    if (!any) continue;
    let split = Math.round(midI);
    let best = Number.POSITIVE_INFINITY;
    for (let i = lo; i <= hi; i++) {
      const c = counts[i]!;
      if (c < best || (c === best && Math.abs(i - midI) < Math.abs(split - midI))) {
        best = c;
        split = i;
      }
    }
    for (let q = 0; q < plane; q++) {
      if (compLabels[base + q] !== label) continue;
      const i = q % nx;
      out[base + q] = (i - split) * grid.iLeft > 0 ? LungLabel.LeftLung : LungLabel.RightLung;
    }
  }
}
