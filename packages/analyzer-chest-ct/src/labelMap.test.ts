import type { Finding } from '@lingshu/ai';
import { createVolume, upsampleLabels } from '@lingshu/imaging';
import { describe, expect, it } from 'vitest';
import { buildLabelMap, Segment } from './labelMap.js';
import { LungLabel } from './lungs/types.js';
import type { NoduleFinding } from './nodules/types.js';

// CT grid 4 × 4 × 2 from a label grid of 2 × 2 × 1 blocks (2 × 2 × 2 voxels each).
const dims = [4, 4, 2] as const;
const grid = {
  labels: Uint8Array.of(LungLabel.RightLung, LungLabel.LeftLung, LungLabel.Airway, LungLabel.Body),
  dims: [2, 2, 1] as const,
  factors: [2, 2, 2] as const,
};
const ct = createVolume({
  voxels: new Int16Array(32),
  dimensions: dims,
  spacing: [1, 1, 1],
  origin: [0, 0, 0],
  direction: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
});
const voxel = (i: number, j: number, k: number): number => i + 4 * (j + 4 * k);
const nodule = (voxels: number[]): NoduleFinding => ({
  finding: { type: 'nodule', code: { value: '27925004', scheme: 'SCT', meaning: 'Nodule' } } as Finding,
  voxels: Uint32Array.from(voxels),
});

describe('buildLabelMap', () => {
  // GGO over the right lung's block, consolidation over the left lung's.
  const classes = Uint8Array.of(1, 2, 0, 0);

  it('puts infection classes over whole blocks and nodules on top, also in the lung labels’ buffer', () => {
    const nodules = [nodule([voxel(0, 0, 0), voxel(1, 0, 1)])];
    const lungLabels = () => upsampleLabels(grid.labels, grid.dims, grid.factors, dims);
    const fresh = buildLabelMap(ct, lungLabels(), classes, nodules, grid);
    const own = lungLabels();
    const reused = buildLabelMap(ct, own, classes, nodules, grid, { reuseLungLabels: true });
    const map = fresh.volume.voxels;
    expect(map[voxel(0, 0, 0)]).toBe(Segment.FirstNodule);
    expect(map[voxel(1, 0, 1)]).toBe(Segment.FirstNodule);
    expect(map[voxel(1, 1, 0)]).toBe(Segment.GroundGlass);
    expect(map[voxel(3, 1, 1)]).toBe(Segment.Consolidation);
    expect(map[voxel(0, 3, 0)]).toBe(Segment.Airway);
    expect(map[voxel(3, 3, 1)]).toBe(0);
    expect([...reused.volume.voxels]).toEqual([...map]);
    expect(reused.volume.voxels).toBe(own);
    expect(fresh.noduleSegments.get(0)).toBe(Segment.FirstNodule);
  });

  it('gives nodules past the last segment number their lung label, not an infection class', () => {
    // 250 labelled nodules (segments 6…255) elsewhere, then one more inside the GGO block.
    const labelled = Array.from({ length: 256 - Segment.FirstNodule }, () => nodule([voxel(3, 3, 0)]));
    const extra = nodule([voxel(1, 1, 1)]);
    const lungLabels = upsampleLabels(grid.labels, grid.dims, grid.factors, dims);
    const out = buildLabelMap(ct, lungLabels, classes, [...labelled, extra], grid);
    const map = out.volume.voxels;
    expect(map[voxel(3, 3, 0)]).toBe(255);
    expect(map[voxel(1, 1, 1)]).toBe(Segment.RightLung);
    expect(map[voxel(0, 1, 1)]).toBe(Segment.GroundGlass);
    expect(out.noduleSegments.has(labelled.length)).toBe(false);
  });
});
