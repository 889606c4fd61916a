import { isLingshuError } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { assembleVolume } from './assemble.js';
import { planVolume } from './plan.js';
import type { AssembleOptions, SliceInput } from './slice.js';
import { syntheticStack } from './testing/syntheticStack.js';
import { norm, sub, type Vec3, vec3 } from './vec3.js';
import { type Volume, voxelIndex, voxelToWorld, worldToVoxel } from './volume.js';

const f = (p: Vec3): number => p[0] + 10 * p[1] + 100 * p[2];
const AXIAL = [1, 0, 0, 0, 1, 0];
const CORONAL = [1, 0, 0, 0, 0, -1];
const SAGITTAL = [0, 1, 0, 0, 0, -1];
const c = Math.SQRT1_2;
const OBLIQUE = [c, c, 0, 0, 0, -1];

function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isLingshuError(e) ? e.code : 'OTHER';
  }
  return undefined;
}

/** Every voxel must hold f at its own world position (the synthetic pixels encode their position). */
function expectVoxelsEncodeWorld(v: Volume, tol = 1e-2): void {
  const [nx, ny, nz] = v.dimensions;
  let worst = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const diff = Math.abs((v.voxels[voxelIndex(v, i, j, k)] ?? 0) - f(voxelToWorld(v, [i, j, k])));
        worst = Math.max(worst, diff);
      }
  expect(worst).toBeLessThan(tol);
}

function expectSliceOriginsAtIpp(v: Volume, slices: readonly SliceInput[]): void {
  for (const s of slices) {
    const k = v.metadata.sopInstanceUIDs.indexOf(s.sopInstanceUID);
    expect(k).toBeGreaterThanOrEqual(0);
    const kk = v.metadata.sourceK?.[k] ?? k;
    expect(norm(sub(voxelToWorld(v, [0, 0, kk]), vec3(s.imagePositionPatient)))).toBeLessThan(1e-6);
  }
}

describe('assembleVolume: orientations and order', () => {
  for (const [name, iop] of [
    ['axial', AXIAL],
    ['coronal', CORONAL],
    ['sagittal', SAGITTAL],
    ['oblique', OBLIQUE],
  ] as const) {
    it(`assembles a shuffled ${name} stack with the right geometry`, async () => {
      const slices = syntheticStack({
        iop: [...iop],
        firstPosition: [-20, 30, 40],
        offsets: [0, 2.5, 5, 7.5, 10, 12.5],
      });
      const { volume, warnings } = await assembleVolume(shuffled(slices));
      expect(volume.dimensions).toEqual([5, 4, 6]);
      expect(volume.spacing[0]).toBeCloseTo(0.7, 12);
      expect(volume.spacing[1]).toBeCloseTo(0.5, 12);
      expect(volume.spacing[2]).toBeCloseTo(2.5, 9);
      expect(warnings).toEqual([]);
      expect(volume.metadata.sopInstanceUIDs).toEqual(slices.map((s) => s.sopInstanceUID));
      expectVoxelsEncodeWorld(volume);
      expectSliceOriginsAtIpp(volume, slices);
    });
  }

  it('gives the same volume for reversed (feet-first) input order', async () => {
    const slices = syntheticStack({ iop: AXIAL, firstPosition: [0, 0, 0], offsets: [0, 3, 6, 9] });
    const a = await assembleVolume(slices);
    const b = await assembleVolume([...slices].reverse());
    expect(b.volume.origin).toEqual(a.volume.origin);
    expect(Array.from(b.volume.voxels)).toEqual(Array.from(a.volume.voxels));
    expect(b.volume.direction[2]).toEqual([0, 0, 1]);
  });

  it('stores integer input as Int16 voxels', async () => {
    const slices = syntheticStack({ iop: AXIAL, firstPosition: [0, 0, 0], offsets: [0, 1, 2] }).map((s, k) => ({
      ...s,
      pixels: () => new Int16Array(20).fill(-1000 + k),
    }));
    const { volume } = await assembleVolume(slices);
    expect(volume.voxels).toBeInstanceOf(Int16Array);
    expect(volume.voxels[40]).toBe(-998);
  });

  it('keeps every slice when the kind of values changes after the first slices', async () => {
    const stack = syntheticStack({ iop: AXIAL, firstPosition: [0, 0, 0], offsets: [0, 1, 2, 3] });
    // Int16 slices first (copied into an Int16 volume as they come), then values that need Float32
    // or do not fit Int16: the volume takes the wider type and still holds the first slices.
    const kinds: Array<(k: number) => Int16Array | Float32Array | Uint16Array> = [
      (k) => new Int16Array(20).fill(-1000 + k),
      (k) => (k < 2 ? new Int16Array(20).fill(-1000 + k) : new Float32Array(20).fill(0.5 + k)),
      (k) => (k < 3 ? new Int16Array(20).fill(-1000 + k) : new Uint16Array(20).fill(40000)),
    ];
    const expected = [
      { type: Int16Array, values: [-1000, -999, -998, -997] },
      { type: Float32Array, values: [-1000, -999, 2.5, 3.5] },
      { type: Float32Array, values: [-1000, -999, -998, 40000] },
    ];
    for (const [t, kind] of kinds.entries()) {
      const slices = stack.map((s, k) => ({ ...s, pixels: () => kind(k) }));
      const { volume } = await assembleVolume(slices);
      expect(volume.voxels).toBeInstanceOf(expected[t]!.type);
      expect([0, 1, 2, 3].map((k) => volume.voxels[20 * k + 7])).toEqual(expected[t]!.values);
    }
  });
});

describe('assembleVolume: duplicates, gaps, spacing', () => {
  const base = (): SliceInput[] => syntheticStack({ iop: AXIAL, firstPosition: [0, 0, 0], offsets: [0, 2, 4, 6, 8] });

  it('keeps one of two slices with identical pixels at one position, with a warning', async () => {
    const slices = base();
    const dup = { ...slices[2]!, sopInstanceUID: '2.25.99' };
    const { volume, warnings } = await assembleVolume([...slices, dup]);
    expect(volume.dimensions[2]).toBe(5);
    expect(warnings.map((w) => w.code)).toContain('DUPLICATE_POSITION');
  });

  it('rejects two slices at one position with different pixels', async () => {
    const slices = base();
    const dup = { ...slices[2]!, sopInstanceUID: '2.25.99', pixels: () => new Float32Array(20) };
    expect(await codeOf(assembleVolume([...slices, dup]))).toBe('VOLUME_DUPLICATE_POSITION');
  });

  it('splits repeated positions by AcquisitionNumber', async () => {
    const a = syntheticStack({ iop: AXIAL, firstPosition: [0, 0, 0], offsets: [0, 2, 4, 6], acquisitionNumber: 1 });
    const b = syntheticStack({
      iop: AXIAL,
      firstPosition: [0, 0, 0],
      offsets: [0, 2, 4],
      acquisitionNumber: 2,
      uidPrefix: '2.25.2',
    });
    const { volume, stacks, warnings } = await assembleVolume(shuffled([...a, ...b]));
    expect(volume.dimensions[2]).toBe(4);
    expect(stacks).toHaveLength(1);
    expect(stacks[0]?.reason).toBe('acquisition');
    expect(stacks[0]?.slices).toHaveLength(3);
    expect(warnings.map((w) => w.code)).toContain('ACQUISITION_SPLIT');
  });

  it('rejects a gap unless allowed, then resamples onto the median step', async () => {
    const slices = syntheticStack({ iop: AXIAL, firstPosition: [1, 2, 3], offsets: [0, 2, 4, 8, 10, 12] });
    expect(await codeOf(assembleVolume(slices))).toBe('VOLUME_GAP');
    const { volume, warnings } = await assembleVolume(slices, { allowGaps: true });
    expect(volume.dimensions[2]).toBe(7);
    expect(volume.spacing[2]).toBeCloseTo(2, 9);
    expect(warnings.map((w) => w.code)).toContain('GAP_RESAMPLED');
    expect(volume.metadata.sourceK).toEqual([0, 1, 2, 4, 5, 6]);
    expectVoxelsEncodeWorld(volume);
    expectSliceOriginsAtIpp(volume, slices);
  });

  it('warns about non-uniform spacing with details and takes the median step', async () => {
    const slices = syntheticStack({ iop: AXIAL, firstPosition: [0, 0, 0], offsets: [0, 2, 4.3, 6, 8] });
    const plan = planVolume(slices);
    const w = plan.warnings.find((x) => x.code === 'NONUNIFORM_SPACING');
    expect(w?.details?.maxStepMm).toBeCloseTo(2.3, 9);
    expect(plan.sliceStep).toBeCloseTo(2, 9);
    const strict = planVolume(slices, { spacingTolerance: 0.2 });
    expect(strict.warnings.map((x) => x.code)).not.toContain('NONUNIFORM_SPACING');
  });
});

describe('assembleVolume: gantry tilt', () => {
  const tan15 = Math.tan((15 * Math.PI) / 180);
  const tilted = (): SliceInput[] =>
    syntheticStack({
      iop: AXIAL,
      firstPosition: [-5, -3, 10],
      rows: 24,
      columns: 6,
      offsets: [0, 1, 2, 3, 4],
      shearPerMm: [0, tan15, 0],
    }).map((s) => ({ ...s, gantryDetectorTilt: 15 }));

  it("'report' keeps a sheared k axis: slice origins hit their IPP and world↔voxel round-trips", async () => {
    const slices = tilted();
    const { volume, warnings, plan } = await assembleVolume(shuffled(slices));
    expect(plan.tilt.detected).toBe(true);
    expect(plan.tilt.angleDeg).toBeCloseTo(15, 6);
    expect(warnings.map((w) => w.code)).toContain('GANTRY_TILT');
    expectSliceOriginsAtIpp(volume, slices);
    for (const ijk of [
      [0, 0, 0],
      [5, 23, 4],
      [2.5, 7.25, 1.5],
    ]) {
      const back = worldToVoxel(volume, voxelToWorld(volume, ijk));
      back.forEach((x, a) => {
        expect(Math.abs(x - (ijk[a] ?? 0))).toBeLessThan(1e-9);
      });
    }
    expectVoxelsEncodeWorld(volume);
  });

  it("'reject' fails with VOLUME_GANTRY_TILT", async () => {
    expect(await codeOf(assembleVolume(tilted(), { tilt: 'reject' }))).toBe('VOLUME_GANTRY_TILT');
  });

  it("'resample' gives an orthogonal grid that keeps a sloped plane's intensities", async () => {
    const slope = (p: Vec3): number => 3 * p[1] - 2 * p[2];
    const slices = syntheticStack({
      iop: AXIAL,
      firstPosition: [-5, -3, 10],
      rows: 24,
      columns: 6,
      offsets: [0, 1, 2, 3, 4],
      shearPerMm: [0, tan15, 0],
      intensity: slope,
    });
    const options: AssembleOptions = { tilt: 'resample', fillValue: -5000, tiltToleranceDeg: 0.01 };
    const { volume, warnings } = await assembleVolume(slices, options);
    expect(warnings.map((w) => w.code)).toContain('GANTRY_TILT_RESAMPLED');
    expect(volume.direction[2]).toEqual([0, 0, 1]);
    expect(volume.spacing[2]).toBeCloseTo(1, 12);
    let checked = 0;
    let filled = 0;
    for (let k = 0; k < 5; k++)
      for (let j = 0; j < 24; j++)
        for (let i = 0; i < 6; i++) {
          const value = volume.voxels[voxelIndex(volume, i, j, k)] ?? 0;
          // Slice k's rows moved by k·tan15/0.5 pixels; rows shifted in from outside hold the fill value.
          if (j < k * tan15 * 2 - 1e-9) {
            expect(value).toBe(-5000);
            filled++;
          } else {
            expect(value).toBeCloseTo(slope(voxelToWorld(volume, [i, j, k])), 3);
            checked++;
          }
        }
    expect(checked).toBeGreaterThan(500);
    expect(filled).toBeGreaterThan(0);
  });
});

describe('assembleVolume: localizers and orientations', () => {
  it('drops localizers and a single slice of another orientation, with warnings', async () => {
    const axial = syntheticStack({ iop: AXIAL, firstPosition: [0, 0, 0], offsets: [0, 2, 4, 6] });
    const scout = {
      ...syntheticStack({ iop: CORONAL, firstPosition: [0, 0, 0], offsets: [0] })[0]!,
      sopInstanceUID: '2.25.5',
    };
    const tagged = {
      ...axial[0]!,
      sopInstanceUID: '2.25.6',
      imagePositionPatient: [0, 0, 3],
      imageType: ['ORIGINAL', 'PRIMARY', 'LOCALIZER'],
    };
    const { volume, warnings, stacks } = await assembleVolume([...axial, scout, tagged]);
    expect(volume.dimensions[2]).toBe(4);
    expect(stacks).toEqual([]);
    expect(warnings.filter((w) => w.code === 'LOCALIZER_DROPPED')).toHaveLength(2);
  });

  it('splits mixed orientations (largest stack first) or rejects them', async () => {
    const axial = syntheticStack({ iop: AXIAL, firstPosition: [0, 0, 0], offsets: [0, 2, 4, 6, 8] });
    const coronal = syntheticStack({ iop: CORONAL, firstPosition: [0, 0, 0], offsets: [0, 2, 4], uidPrefix: '2.25.3' });
    const { volume, stacks, warnings } = await assembleVolume(shuffled([...coronal, ...axial]));
    expect(volume.dimensions[2]).toBe(5);
    expect(volume.direction[2]).toEqual([0, 0, 1]);
    expect(stacks).toHaveLength(1);
    expect(stacks[0]?.imageOrientationPatient).toEqual(CORONAL);
    expect(warnings.map((w) => w.code)).toContain('MIXED_ORIENTATION_SPLIT');
    expect(await codeOf(assembleVolume([...axial, ...coronal], { mixed: 'reject' }))).toBe('VOLUME_MIXED_ORIENTATION');
  });

  it('reports missing geometry and inconsistent slices', async () => {
    const slices = syntheticStack({ iop: AXIAL, firstPosition: [0, 0, 0], offsets: [0, 2, 4] });
    const noIpp = [...slices.slice(1), { ...slices[0]!, imagePositionPatient: [] }];
    expect(await codeOf(assembleVolume(noIpp))).toBe('VOLUME_MISSING_GEOMETRY');
    const wide = [...slices.slice(1), { ...slices[0]!, columns: 6 }];
    expect(await codeOf(assembleVolume(wide))).toBe('VOLUME_INCONSISTENT_SLICES');
    expect(await codeOf(assembleVolume([]))).toBe('VOLUME_EMPTY');
  });
});
