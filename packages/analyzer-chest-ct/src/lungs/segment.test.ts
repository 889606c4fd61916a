import { worldToVoxel } from '@lingshu/imaging';
import { describe, expect, it } from 'vitest';
import { syntheticChest } from '../testing/syntheticChest.js';
import { segmentLungs } from './segment.js';
import { LungLabel } from './types.js';

describe('segmentLungs on a synthetic chest', () => {
  const { ct, truth } = syntheticChest({ voxelMm: 2, sliceMm: 2.5, juxtapleuralRadiusMm: 7 });
  const seg = segmentLungs(ct);
  const at = (w: [number, number, number]): number => {
    const [i, j, k] = worldToVoxel(ct, w).map(Math.round) as [number, number, number];
    return seg.labels[i + ct.dimensions[0] * (j + ct.dimensions[1] * k)]!;
  };

  it('finds both lungs with the analytic volume and the right sides', () => {
    expect(seg.warnings).toEqual([]);
    // Juxtapleural nodule and vessels are inside the mask, so each lung is close to the ellipsoid.
    expect(seg.volumesMl.right).toBeGreaterThan(truth.lungMl * 0.97);
    expect(seg.volumesMl.right).toBeLessThan(truth.lungMl * 1.04);
    expect(seg.volumesMl.left).toBeGreaterThan(truth.lungMl * 0.97);
    expect(seg.volumesMl.left).toBeLessThan(truth.lungMl * 1.04);
    // LPS: patient right is −x.
    expect(at([-60, 0, -10])).toBe(LungLabel.RightLung);
    expect(at([60, 0, -10])).toBe(LungLabel.LeftLung);
    expect(at([0, 0, -10])).toBe(LungLabel.Body);
    expect(at([0, -20, 80])).toBe(LungLabel.Airway);
    expect(seg.volumesMl.airway).toBeGreaterThan(5);
  });

  it('keeps vessels and the juxtapleural nodule inside the lung mask', () => {
    expect(at([-25, -15, -10])).toBe(LungLabel.RightLung);
    const c = truth.juxtapleuralCentre;
    // The nodule's half inside the lung ellipsoid (towards the lung centre), where it indents the air.
    expect(ct.voxels[0]).toBe(-1000);
    for (const dx of [3, 5]) expect(at([c[0] + dx, c[1], c[2]])).toBe(LungLabel.RightLung);
    for (const dy of [-3, 3]) expect(at([c[0] + 4, c[1] + dy, c[2]])).toBe(LungLabel.RightLung);
  });

  it('gives zones, approximate lobes and pleural distances', () => {
    const ijk = (w: [number, number, number]): [number, number, number] =>
      worldToVoxel(ct, w).map(Math.round) as [number, number, number];
    expect(seg.zoneOf(...ijk([-60, 0, 40]))).toEqual({ side: 'right', zone: 'upper', lobe: 'RUL' });
    expect(seg.zoneOf(...ijk([60, 0, -60]))).toEqual({ side: 'left', zone: 'lower', lobe: 'LLL' });
    expect(seg.zoneOf(...ijk([-60, -30, -10]))?.lobe).toBe('RML');
    expect(seg.zoneOf(...ijk([0, 0, -10]))).toBeUndefined();
    // Lung centre: 45 mm from the lateral pleura along x (nearest surface of the ellipsoid).
    const d = seg.pleuralDistanceMm(...ijk([-60, 0, -10]));
    expect(d).toBeGreaterThan(38);
    expect(d).toBeLessThan(47);
    expect(seg.pleuralDistanceMm(...ijk([-103, 0, -10]))).toBeLessThan(4);
  });

  it('reports when there is no lung', () => {
    const empty = syntheticChest({ voxelMm: 4, sliceMm: 5 }).ct;
    empty.voxels.fill(40);
    const none = segmentLungs(empty);
    expect(none.volumesMl.total).toBe(0);
    expect(none.warnings.map((w) => w.code)).toContain('lungs-not-found');
  });
});
