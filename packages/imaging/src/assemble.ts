import { LingshuError } from '@lingshu/dicom';
import { planVolume, type StackPlan, sliceStepVector } from './plan.js';
import { resampleSliceInPlane } from './resampleSlice.js';
import type { AssembleOptions, SliceInput, SlicePixels, StackSummary } from './slice.js';
import { dot, norm, normalize, scale, sub, type Vec3, vec3 } from './vec3.js';
import { createVolume, type Volume, type VolumeWarning, type VoxelArray } from './volume.js';

export interface AssemblyResult {
  volume: Volume;
  plan: StackPlan;
  /** Stacks left out of the volume (other orientations or acquisitions). */
  stacks: StackSummary[];
  warnings: VolumeWarning[];
}

async function loadPixels(s: SliceInput, plan: StackPlan, index: number): Promise<SlicePixels> {
  if (!s.pixels) throw new LingshuError('PIXEL_NO_DATA', `Slice ${index} has no pixel source`, { details: { index } });
  const px = await s.pixels();
  if (px.length !== plan.rows * plan.columns) {
    throw new LingshuError('VOLUME_INCONSISTENT_SLICES', 'Pixel count does not match rows × columns', {
      details: { index, expected: plan.rows * plan.columns, actual: px.length },
    });
  }
  return px;
}

function samePixels(a: SlicePixels, b: SlicePixels): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** An Int16 voxel array, in a SharedArrayBuffer when asked (worker threads then read it in place). */
function int16Voxels(length: number, shared: boolean): Int16Array {
  return shared ? new Int16Array(new SharedArrayBuffer(length * Int16Array.BYTES_PER_ELEMENT)) : new Int16Array(length);
}

/** Arrays whose values always fit an Int16 volume. */
const fitsInt16Always = (a: SlicePixels): boolean =>
  a instanceof Int16Array || a instanceof Int8Array || a instanceof Uint8Array;

const isIntegerArray = (a: SlicePixels): boolean => !(a instanceof Float32Array || a instanceof Float64Array);

function valueRange(arrays: readonly SlicePixels[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/** Planes of the output grid along k: for each, the two source slices and the weight of the second. */
function planesAlongNormal(plan: StackPlan): { a: number; b: number; w: number }[] {
  const p = plan.positions;
  if (plan.gaps.length === 0) return p.map((_, k) => ({ a: k, b: k, w: 0 }));
  const d0 = p[0] ?? 0;
  const count = Math.round(((p[p.length - 1] ?? 0) - d0) / plan.sliceStep) + 1;
  const out: { a: number; b: number; w: number }[] = [];
  let a = 0;
  for (let m = 0; m < count; m++) {
    const d = d0 + m * plan.sliceStep;
    while (a < p.length - 2 && (p[a + 1] ?? 0) <= d) a++;
    const da = p[a] ?? 0;
    const db = p[a + 1] ?? da;
    const w = db > da ? Math.min(1, Math.max(0, (d - da) / (db - da))) : 0;
    out.push({ a, b: Math.min(a + 1, p.length - 1), w });
  }
  return out;
}

/** The voxels of the general path: tilt resampling, planes between slices across gaps, Int16 or Float32. */
function buildVoxels(
  plan: StackPlan,
  input: readonly SlicePixels[],
  options: AssembleOptions,
  first: Vec3,
): VoxelArray {
  let sources = input;
  const [lo, hi] = valueRange(sources);
  const fill = options.fillValue ?? lo;
  const resampleTilt = plan.tilt.detected && options.tilt === 'resample';
  const allInteger = sources.every(isIntegerArray);
  if (resampleTilt) {
    sources = sources.map((px, k) => {
      const offset = sub(vec3(plan.slices[k]!.imagePositionPatient), first);
      const inPlane = sub(offset, scale(plan.normal, dot(offset, plan.normal)));
      const di = dot(inPlane, plan.rowCosine) / plan.pixelSpacing[0];
      const dj = dot(inPlane, plan.columnCosine) / plan.pixelSpacing[1];
      return resampleSliceInPlane(px, plan.columns, plan.rows, di, dj, fill);
    });
  }

  const planes = planesAlongNormal(plan);
  const fitsInt16 = lo >= -32768 && hi <= 32767 && Number.isInteger(fill) && fill >= -32768 && fill <= 32767;
  const wantInt16 =
    options.voxelType === 'auto' || options.voxelType === undefined
      ? allInteger && fitsInt16
      : options.voxelType === 'int16';
  const sliceSize = plan.rows * plan.columns;
  const voxels: VoxelArray = wantInt16
    ? new Int16Array(sliceSize * planes.length)
    : new Float32Array(sliceSize * planes.length);
  planes.forEach((p, m) => {
    const a = sources[p.a]!;
    const b = sources[p.b]!;
    const base = m * sliceSize;
    if (p.w === 0 && (!wantInt16 || isIntegerArray(a))) {
      // A plane that is a source slice: a typed-array copy (integer values fit, see wantInt16).
      voxels.set(a, base);
      return;
    }
    for (let i = 0; i < sliceSize; i++) {
      const v = p.w === 0 ? (a[i] ?? 0) : (a[i] ?? 0) * (1 - p.w) + (b[i] ?? 0) * p.w;
      voxels[base + i] = wantInt16 ? Math.round(v) : v;
    }
  });

  return voxels;
}

/**
 * Assembles the primary stack of a series into a Volume: plans the geometry (see planVolume),
 * loads the pixels, checks duplicates by content, and resamples for gantry tilt
 * (options.tilt = 'resample') or gaps (options.allowGaps) when needed.
 */
export async function assembleVolume(
  input: readonly SliceInput[],
  options: AssembleOptions = {},
): Promise<AssemblyResult> {
  const plan = planVolume(input, options);
  const warnings = [...plan.warnings];
  const resampleTilt = plan.tilt.detected && options.tilt === 'resample';
  const sliceSize = plan.rows * plan.columns;
  // Without gaps or tilt resampling every plane is a source slice: slices of 8- or 16-bit signed
  // values go straight into an Int16 volume as they are decoded (what the copy below would give),
  // so the decoded slices are garbage at once instead of a second copy of the volume.
  let direct: Int16Array | undefined =
    plan.gaps.length === 0 && !resampleTilt && options.voxelType !== 'float32'
      ? int16Voxels(sliceSize * plan.slices.length, options.sharedMemory === true)
      : undefined;
  const sources: SlicePixels[] = [];
  for (const [k, s] of plan.slices.entries()) {
    const px = await loadPixels(s, plan, k);
    if (direct && fitsInt16Always(px)) {
      direct.set(px, k * sliceSize);
      sources.push(direct.subarray(k * sliceSize, (k + 1) * sliceSize));
    } else {
      // Another kind of values: the general path below, with the slices copied so far as views.
      direct = undefined;
      sources.push(px);
    }
  }
  for (const group of plan.duplicates) {
    const k = plan.slices.indexOf(group.kept);
    const kept = sources[k];
    for (const d of group.dropped) {
      if (d.sopInstanceUID === group.kept.sopInstanceUID || !d.pixels || !kept) continue;
      if (!samePixels(kept, await loadPixels(d, plan, k))) {
        throw new LingshuError('VOLUME_DUPLICATE_POSITION', 'Slices at the same position have different pixels', {
          details: { k, positionMm: plan.positions[k] ?? 0 },
        });
      }
    }
  }

  const first = vec3(plan.slices[0]!.imagePositionPatient);
  const voxels = direct ?? buildVoxels(plan, sources, options, first);

  const step = resampleTilt ? scale(plan.normal, plan.sliceStep) : sliceStepVector(plan);
  const kAxis: Vec3 = normalize(step);
  const sopInstanceUIDs = plan.slices.map((s) => s.sopInstanceUID);
  const sourceK = plan.positions.map((d) => (d - (plan.positions[0] ?? 0)) / plan.sliceStep);
  const metadata = {
    sopInstanceUIDs,
    sourceK,
    warnings,
    ...(options.seriesInstanceUID === undefined ? {} : { seriesInstanceUID: options.seriesInstanceUID }),
    ...(options.modality === undefined ? {} : { modality: options.modality }),
  };
  const volume = createVolume({
    voxels,
    dimensions: [plan.columns, plan.rows, voxels.length / sliceSize],
    spacing: [plan.pixelSpacing[0], plan.pixelSpacing[1], norm(step)],
    origin: first,
    direction: [plan.rowCosine, plan.columnCosine, kAxis],
    metadata,
  });
  return { volume, plan, stacks: plan.otherStacks, warnings };
}
