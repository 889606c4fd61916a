import { describe, expect, it } from 'vitest';
import { opposedStumps } from './segment.js';

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
