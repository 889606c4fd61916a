import { LingshuError } from '@lingshu/dicom';
import { type AssembleOptions, type SliceInput, type StackSummary, warning } from './slice.js';
import { add, angleDeg, cross, dot, norm, normalize, scale, sub, type Vec3, vec3 } from './vec3.js';
import type { VolumeWarning } from './volume.js';

/** Slices at the same position: the first is kept; pixels are compared when they are loaded. */
export interface DuplicateGroup {
  kept: SliceInput;
  dropped: SliceInput[];
}

/** The geometry of the primary stack, decided before any pixel is decoded. */
export interface StackPlan {
  /** Slices in k order (ascending projection on the normal), duplicates removed. */
  slices: SliceInput[];
  /** Projection of each slice's IPP on the normal, mm (ascending). */
  positions: number[];
  rowCosine: Vec3;
  columnCosine: Vec3;
  /** rowCosine × columnCosine. */
  normal: Vec3;
  rows: number;
  columns: number;
  /** [Δc (between columns, along i), Δr (between rows, along j)], mm. */
  pixelSpacing: [number, number];
  /** Median step between slice positions along the normal, mm. */
  sliceStep: number;
  /** In-plane drift of IPP per mm along the normal (zero vector unless the stack is sheared). */
  shearPerMm: Vec3;
  tilt: { detected: boolean; angleDeg: number; gantryDetectorTilt: number };
  gaps: { afterK: number; stepMm: number }[];
  duplicates: DuplicateGroup[];
  otherStacks: StackSummary[];
  warnings: VolumeWarning[];
}

const finite = (a: readonly number[], n: number): boolean => a.length >= n && a.slice(0, n).every(Number.isFinite);

function isLocalizer(s: SliceInput): boolean {
  return (s.imageType ?? []).some((t) => t.trim().toUpperCase() === 'LOCALIZER');
}

function checkGeometry(s: SliceInput, index: number): void {
  const problems: string[] = [];
  if (!finite(s.imagePositionPatient, 3)) problems.push('ImagePositionPatient');
  if (!finite(s.imageOrientationPatient, 6)) problems.push('ImageOrientationPatient');
  if (!finite(s.pixelSpacing, 2) || !s.pixelSpacing.slice(0, 2).every((v) => v > 0)) problems.push('PixelSpacing');
  if (!(Number.isInteger(s.rows) && s.rows > 0 && Number.isInteger(s.columns) && s.columns > 0)) {
    problems.push('Rows/Columns');
  }
  const iop = s.imageOrientationPatient;
  if (problems.length === 0 && (norm(vec3(iop, 0)) < 1e-6 || norm(vec3(iop, 3)) < 1e-6)) {
    problems.push('ImageOrientationPatient');
  }
  if (problems.length > 0) {
    throw new LingshuError('VOLUME_MISSING_GEOMETRY', `Slice ${index} lacks usable ${problems.join(', ')}`, {
      details: { sliceIndex: index, attributes: problems.join(',') },
    });
  }
}

function sameOrientation(a: readonly number[], b: readonly number[], tol: number): boolean {
  for (let i = 0; i < 6; i++) if (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) > tol) return false;
  return true;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/**
 * Decides the geometry of a series: drops localizers, splits mixed orientations, sorts along
 * the normal, resolves duplicates, measures spacing, gaps and tilt. Throws LingshuError
 * (VOLUME_*) when the series cannot form a volume under the options.
 */
export function planVolume(input: readonly SliceInput[], options: AssembleOptions = {}): StackPlan {
  const warnings: VolumeWarning[] = [];
  const candidates = input.filter((s) => !isLocalizer(s));
  if (candidates.length < input.length) {
    warnings.push(
      warning('LOCALIZER_DROPPED', 'Localizer images were left out of the volume', {
        count: input.length - candidates.length,
      }),
    );
  }
  if (candidates.length === 0) throw new LingshuError('VOLUME_EMPTY', 'No slices to assemble');
  candidates.forEach((s, i) => {
    checkGeometry(s, i);
  });

  const tol = options.orientationTolerance ?? 1e-3;
  const groups: SliceInput[][] = [];
  for (const s of candidates) {
    const g = groups.find((x) => x[0] && sameOrientation(x[0].imageOrientationPatient, s.imageOrientationPatient, tol));
    if (g) g.push(s);
    else groups.push([s]);
  }
  groups.sort((a, b) => b.length - a.length);
  let primary = groups[0] ?? [];
  let others = groups.slice(1);
  if (primary.length > 1) {
    const singles = others.filter((g) => g.length === 1);
    if (singles.length > 0) {
      warnings.push(
        warning('LOCALIZER_DROPPED', 'Single slices with a different orientation were left out as localizers', {
          count: singles.length,
        }),
      );
      others = others.filter((g) => g.length > 1);
    }
  }
  if (others.length > 0) {
    if (options.mixed === 'reject') {
      throw new LingshuError('VOLUME_MIXED_ORIENTATION', 'The series holds stacks with different orientations', {
        details: { stacks: others.length + 1 },
      });
    }
    warnings.push(
      warning('MIXED_ORIENTATION_SPLIT', 'The series holds several orientations; the largest stack was used', {
        stacks: others.length + 1,
        usedSlices: primary.length,
      }),
    );
  }
  const otherStacks: StackSummary[] = others.map((g) => ({
    reason: 'orientation',
    imageOrientationPatient: [...(g[0]?.imageOrientationPatient ?? [])],
    slices: g,
  }));
  primary = [...primary];
  return planStack(primary, options, warnings, otherStacks);
}

function checkConsistent(slices: readonly SliceInput[]): void {
  const first = slices[0];
  if (!first) return;
  for (const s of slices) {
    const spacingDiffers =
      Math.abs((s.pixelSpacing[0] ?? 0) - (first.pixelSpacing[0] ?? 0)) > 1e-4 ||
      Math.abs((s.pixelSpacing[1] ?? 0) - (first.pixelSpacing[1] ?? 0)) > 1e-4;
    if (s.rows !== first.rows || s.columns !== first.columns || spacingDiffers) {
      throw new LingshuError('VOLUME_INCONSISTENT_SLICES', 'Slices of one stack differ in matrix size or spacing', {
        details: { rows: s.rows, columns: s.columns, firstRows: first.rows, firstColumns: first.columns },
      });
    }
  }
}

function planStack(
  slices: SliceInput[],
  options: AssembleOptions,
  warnings: VolumeWarning[],
  otherStacks: StackSummary[],
): StackPlan {
  checkConsistent(slices);
  const first = slices[0]!;
  const iop = first.imageOrientationPatient;
  const rowCosine = normalize(vec3(iop, 0));
  const columnCosine = normalize(vec3(iop, 3));
  const normal = normalize(cross(rowCosine, columnCosine));
  const proj = (s: SliceInput): number => dot(vec3(s.imagePositionPatient), normal);
  const sorted = slices
    .map((s, order) => ({ s, d: proj(s), order }))
    .sort((a, b) => a.d - b.d || (a.s.instanceNumber ?? 0) - (b.s.instanceNumber ?? 0) || a.order - b.order);
  const pixelSpacing: [number, number] = [first.pixelSpacing[1] ?? 0, first.pixelSpacing[0] ?? 0];

  const rawSteps: number[] = [];
  for (let k = 1; k < sorted.length; k++) rawSteps.push((sorted[k]?.d ?? 0) - (sorted[k - 1]?.d ?? 0));
  const nonZero = rawSteps.filter((s) => s > 1e-4);
  const dupTol = 1e-3 * (nonZero.length > 0 ? median(nonZero) : Math.min(...pixelSpacing));

  // Group slices that share a position.
  const runs: (typeof sorted)[] = [];
  for (const e of sorted) {
    const last = runs[runs.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && e.d - prev.d < dupTol) last.push(e);
    else runs.push([e]);
  }
  const dupRuns = runs.filter((r) => r.length > 1);
  const duplicates: DuplicateGroup[] = [];
  if (dupRuns.length > 0) {
    const acquisitions = new Set(slices.map((s) => s.acquisitionNumber));
    const acquisitionsDiffer = dupRuns.some((r) => new Set(r.map((e) => e.s.acquisitionNumber)).size > 1);
    if (acquisitionsDiffer && !acquisitions.has(undefined)) {
      const byAcq = [...acquisitions].map((a) => slices.filter((s) => s.acquisitionNumber === a));
      byAcq.sort((a, b) => b.length - a.length);
      const separates = byAcq.every((g) => {
        const ds = g.map(proj).sort((a, b) => a - b);
        return ds.every((d, i) => i === 0 || d - (ds[i - 1] ?? 0) >= dupTol);
      });
      if (separates) {
        warnings.push(
          warning('ACQUISITION_SPLIT', 'Repeated positions belong to different acquisitions; the largest was used', {
            acquisitions: byAcq.length,
          }),
        );
        for (const g of byAcq.slice(1)) {
          const summary: StackSummary = { reason: 'acquisition', imageOrientationPatient: [...iop], slices: g };
          const acq = g[0]?.acquisitionNumber;
          if (acq !== undefined) summary.acquisitionNumber = acq;
          otherStacks.push(summary);
        }
        return planStack(byAcq[0] ?? [], options, warnings, otherStacks);
      }
    }
    for (const r of dupRuns) {
      if (new Set(r.map((e) => e.s.acquisitionNumber)).size > 1) {
        throw new LingshuError('VOLUME_DUPLICATE_POSITION', 'Slices of different acquisitions share a position', {
          details: { positionMm: r[0]?.d ?? 0, count: r.length },
        });
      }
      const [kept, ...dropped] = r.map((e) => e.s);
      if (kept) duplicates.push({ kept, dropped });
    }
    warnings.push(
      warning('DUPLICATE_POSITION', 'Slices at the same position were merged into one', {
        positions: dupRuns.length,
        dropped: dupRuns.reduce((n, r) => n + r.length - 1, 0),
      }),
    );
  }
  const unique = runs.map((r) => r[0]!);
  const positions = unique.map((e) => e.d);
  const steps = positions.slice(1).map((d, k) => d - (positions[k] ?? 0));
  let sliceStep = median(steps);
  if (unique.length === 1) {
    sliceStep = first.sliceThickness && first.sliceThickness > 0 ? first.sliceThickness : Math.min(...pixelSpacing);
    warnings.push(warning('SINGLE_SLICE', 'Only one slice: the slice step is taken from SliceThickness', {}));
  }

  const gapFactor = options.gapFactor ?? 1.5;
  const gaps = steps.flatMap((s, k) => (s >= gapFactor * sliceStep ? [{ afterK: k, stepMm: s }] : []));
  if (gaps.length > 0) {
    const details = {
      gaps: gaps.length,
      largestStepMm: Math.max(...gaps.map((g) => g.stepMm)),
      medianStepMm: sliceStep,
    };
    if (!options.allowGaps) throw new LingshuError('VOLUME_GAP', 'The slice positions have a gap', { details });
    warnings.push(warning('GAP_RESAMPLED', 'Gaps were filled by interpolation onto a uniform grid', details));
  }
  const regular = steps.filter((s) => s < gapFactor * sliceStep);
  const maxDev = Math.max(0, ...regular.map((s) => Math.abs(s - sliceStep) / sliceStep));
  if (maxDev > (options.spacingTolerance ?? 0.01)) {
    warnings.push(
      warning('NONUNIFORM_SPACING', 'Slice steps differ from the median step', {
        medianStepMm: sliceStep,
        minStepMm: Math.min(...regular),
        maxStepMm: Math.max(...regular),
        maxRelativeDeviation: maxDev,
      }),
    );
  }

  // Gantry tilt: the stack axis leaves the normal.
  const firstIpp = vec3(unique[0]!.s.imagePositionPatient);
  const lastIpp = vec3(unique[unique.length - 1]!.s.imagePositionPatient);
  const axis = sub(lastIpp, firstIpp);
  const along = dot(axis, normal);
  const inPlane = sub(axis, scale(normal, along));
  const angle = unique.length > 1 ? angleDeg(axis, normal) : 0;
  const gantryDetectorTilt = unique.find((e) => e.s.gantryDetectorTilt)?.s.gantryDetectorTilt ?? 0;
  const detected = angle > (options.tiltToleranceDeg ?? 0.01) || Math.abs(gantryDetectorTilt) > 1e-6;
  const shearPerMm: Vec3 = unique.length > 1 && along > 0 ? scale(inPlane, 1 / along) : [0, 0, 0];
  if (detected) {
    const details = { angleDeg: angle, gantryDetectorTiltDeg: gantryDetectorTilt };
    const policy = options.tilt ?? 'report';
    if (policy === 'reject') throw new LingshuError('VOLUME_GANTRY_TILT', undefined, { details });
    warnings.push(
      policy === 'resample'
        ? warning('GANTRY_TILT_RESAMPLED', 'Gantry tilt was removed by shifting each slice in-plane', details)
        : warning('GANTRY_TILT', 'Gantry tilt: the volume has a sheared slice axis', details),
    );
  }
  return {
    slices: unique.map((e) => e.s),
    positions,
    rowCosine,
    columnCosine,
    normal,
    rows: first.rows,
    columns: first.columns,
    pixelSpacing,
    sliceStep,
    shearPerMm,
    tilt: { detected, angleDeg: angle, gantryDetectorTilt },
    gaps,
    duplicates,
    otherStacks,
    warnings,
  };
}

/** The world step from one slice to the next (normal plus shear, scaled by the median step). */
export function sliceStepVector(plan: StackPlan): Vec3 {
  return scale(add(plan.normal, plan.shearPerMm), plan.sliceStep);
}
