import { isLingshuError } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { sampleNearest, sampleTrilinear } from './sample.js';
import { type Mat3, normalize } from './vec3.js';
import { createVolume, getVoxel, setVoxel, voxelIndex, voxelToWorld, worldToVoxel } from './volume.js';

const sheared: Mat3 = [[1, 0, 0], [0, 1, 0], normalize([0, Math.tan((15 * Math.PI) / 180), 1])];

function linearVolume(): ReturnType<typeof createVolume> {
  const dims = [4, 3, 5];
  const voxels = new Float32Array(60);
  for (let k = 0; k < 5; k++)
    for (let j = 0; j < 3; j++) for (let i = 0; i < 4; i++) voxels[i + 4 * (j + 3 * k)] = i + 2 * j - 3 * k;
  return createVolume({ voxels, dimensions: dims, spacing: [0.7, 0.5, 2.5], origin: [-10, 20, 5], direction: sheared });
}

describe('Volume geometry', () => {
  it('maps voxel to world by origin + direction · spacing · index', () => {
    const v = linearVolume();
    const w = voxelToWorld(v, [2, 1, 3]);
    const kAxis = sheared[2];
    expect(w[0]).toBeCloseTo(-10 + 2 * 0.7 + 3 * 2.5 * kAxis[0], 12);
    expect(w[1]).toBeCloseTo(20 + 1 * 0.5 + 3 * 2.5 * kAxis[1], 12);
    expect(w[2]).toBeCloseTo(5 + 3 * 2.5 * kAxis[2], 12);
  });

  it('worldToVoxel is the exact inverse for a sheared (non-orthogonal) direction', () => {
    const v = linearVolume();
    for (const ijk of [
      [0, 0, 0],
      [3.25, 1.5, 4],
      [-2, 7, 11.5],
    ]) {
      const back = worldToVoxel(v, voxelToWorld(v, ijk));
      back.forEach((x, a) => {
        expect(x).toBeCloseTo(ijk[a] ?? 0, 9);
      });
    }
  });

  it('indexes x fastest and gets/sets voxels with bounds', () => {
    const v = linearVolume();
    expect(voxelIndex(v, 1, 2, 3)).toBe(1 + 4 * (2 + 3 * 3));
    expect(getVoxel(v, 1, 2, 3)).toBe(1 + 4 - 9);
    setVoxel(v, 1, 2, 3, 42);
    expect(getVoxel(v, 1, 2, 3)).toBe(42);
    expect(getVoxel(v, 4, 0, 0)).toBeUndefined();
    expect(() => setVoxel(v, 0, -1, 0, 1)).toThrow();
  });

  it('samples nearest and trilinear (exact on a linear field)', () => {
    const v = linearVolume();
    expect(sampleNearest(v, [1.4, 0.6, 2.2])).toBe(1 + 2 - 6);
    expect(sampleTrilinear(v, [1.4, 0.6, 2.2])).toBeCloseTo(1.4 + 1.2 - 6.6, 5);
    expect(sampleTrilinear(v, [3, 2, 4])).toBeCloseTo(3 + 4 - 12, 5);
    expect(sampleTrilinear(v, [3.5, 0, 0], -999)).toBe(-999);
    expect(sampleNearest(v, [0, 0, 9], -1)).toBe(-1);
  });

  it('rejects voxel counts that do not match the dimensions', () => {
    let err: unknown;
    try {
      createVolume({
        voxels: new Int16Array(5),
        dimensions: [2, 2, 2],
        spacing: [1, 1, 1],
        origin: [0, 0, 0],
        direction: sheared,
      });
    } catch (e) {
      err = e;
    }
    expect(isLingshuError(err, 'VOLUME_INCONSISTENT_SLICES')).toBe(true);
  });
});
