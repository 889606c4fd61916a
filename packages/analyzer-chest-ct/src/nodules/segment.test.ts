import { describe, expect, it } from 'vitest';
import { clipToSeedSlice, opposedStumps } from './segment.js';

/** A 21³ grid (1 mm) with a 5-voxel core cube in the middle and stumps (labels 1, 2, …) at given offsets. */
function scene(stumps: ReadonlyArray<readonly [number, number, number]>): {
  labels: Int32Array;
  core: Uint8Array;
  dims: [number, number, number];
} {
  const dims: [number, number, number] = [21, 21, 21];
  const at = (i: number, j: number, k: number): number => i + 21 * (j + 21 * k);
  const labels = new Int32Array(21 ** 3);
  const core = new Uint8Array(21 ** 3);
  for (let k = 8; k <= 12; k++) for (let j = 8; j <= 12; j++) for (let i = 8; i <= 12; i++) core[at(i, j, k)] = 1;
  stumps.forEach(([di, dj, dk], s) => {
    for (let t = 0; t < 3; t++)
      labels[at(10 + di + t * Math.sign(di), 10 + dj + t * Math.sign(dj), 10 + dk + t * Math.sign(dk))] = s + 1;
  });
  return { labels, core, dims };
}

describe('opposedStumps', () => {
  it('is 1 for two stumps on opposite sides and 0 for two at a right angle', () => {
    const through = scene([
      [4, 0, 0],
      [-4, 0, 0],
    ]);
    const keep = Uint8Array.from([0, 1, 1]);
    expect(opposedStumps(through.labels, keep, through.core, through.dims, [1, 1, 1])).toBeCloseTo(1, 5);
    const corner = scene([
      [4, 0, 0],
      [0, 4, 0],
    ]);
    expect(opposedStumps(corner.labels, keep, corner.core, corner.dims, [1, 1, 1])).toBeCloseTo(0, 5);
  });

  it('leaves out stumps not kept (spicules) and needs two', () => {
    const { labels, core, dims } = scene([
      [4, 0, 0],
      [-4, 0, 0],
    ]);
    expect(opposedStumps(labels, Uint8Array.from([0, 1, 0]), core, dims, [1, 1, 1])).toBe(0);
  });
});

describe('clipToSeedSlice', () => {
  it('keeps a tapering object and drops a band that joins it on the next slice', () => {
    // 21 × 21 × 5 (1 mm in-plane, 5 mm slices): discs of radius 4 (seed slice 2), 3 (slices 1, 3) and
    // 1 (slices 0, 4); on slice 3 a 4-voxel-wide band along j = 4…7 runs across the whole slice.
    const dims: [number, number, number] = [21, 21, 5];
    const at = (i: number, j: number, k: number): number => i + 21 * (j + 21 * k);
    const mask = new Uint8Array(21 * 21 * 5);
    const radii = [1, 3, 4, 3, 1];
    for (let k = 0; k < 5; k++)
      for (let j = 0; j < 21; j++)
        for (let i = 0; i < 21; i++) if ((i - 10) ** 2 + (j - 10) ** 2 <= radii[k]! ** 2) mask[at(i, j, k)] = 1;
    for (let j = 4; j <= 7; j++) for (let i = 0; i < 21; i++) mask[at(i, j, 3)] = 1;
    const out = clipToSeedSlice(mask, dims, [1, 1, 5], at(10, 10, 2), 1);
    const count = (m: Uint8Array, k: number): number => {
      let n = 0;
      for (let q = k * 441; q < (k + 1) * 441; q++) n += m[q] ?? 0;
      return n;
    };
    // Every slice but the band's keeps all its voxels.
    for (const k of [0, 1, 2, 4]) expect(count(out, k)).toBe(count(mask, k));
    // Slice 3: the disc stays, the band only where it lies under the seed slice's disc (± 1 voxel).
    for (let j = 0; j < 21; j++)
      for (let i = 0; i < 21; i++) {
        const q = at(i, j, 3);
        if ((i - 10) ** 2 + (j - 10) ** 2 <= 9) expect(out[q]).toBe(1);
        if (i < 5 || i > 15) expect(out[q]).toBe(0);
      }
    expect(count(out, 3)).toBeLessThan(count(mask, 3) - 40);
  });

  it('leaves an object on one slice as it is', () => {
    const mask = new Uint8Array(9 * 9 * 3);
    for (let i = 2; i < 7; i++) mask[i + 9 * (4 + 9 * 1)] = 1;
    expect(clipToSeedSlice(mask, [9, 9, 3], [1, 1, 5], 4 + 9 * (4 + 9 * 1), 1)).toEqual(mask);
  });
});
