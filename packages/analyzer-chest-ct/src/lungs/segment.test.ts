import { downsampleMean, worldToVoxel } from '@lingshu/imaging';
import { describe, expect, it } from 'vitest';
import { syntheticChest } from '../testing/syntheticChest.js';
import { closeSide, type SideClosingJob } from './closeSide.js';
import { blockMeansAsHelper, segmentLungs, segmentLungsSharing } from './segment.js';
import { LungLabel, type LungSegmentation } from './types.js';

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

describe('segmentLungsSharing: block means with a helper', () => {
  const { ct: plain } = syntheticChest({ voxelMm: 2, sliceMm: 2.5, juxtapleuralRadiusMm: 7 });
  const voxels = new Int16Array(new SharedArrayBuffer(2 * plain.voxels.length));
  voxels.set(plain.voxels);
  const ct = { ...plain, voxels };
  const alone = segmentLungs(ct, { sharedMemory: true });
  const closeHere = async (job: SideClosingJob) => closeSide(job);
  const bytes = (a: ArrayBufferView | undefined): Buffer =>
    a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength) : Buffer.alloc(0);
  const same = (seg: LungSegmentation): void => {
    expect(seg.workGrid?.hu.length).toBeGreaterThan(0);
    expect(bytes(seg.workGrid?.hu).equals(bytes(alone.workGrid?.hu))).toBe(true);
    expect(bytes(seg.labels).equals(bytes(alone.labels))).toBe(true);
  };

  it('gives the same grid and labels when the helper takes every slice first', async () => {
    let asked = 0;
    same(
      await segmentLungsSharing(ct, { sharedMemory: true }, closeHere, async (job) => {
        asked++;
        blockMeansAsHelper(job);
      }),
    );
    expect(asked).toBe(1);
  });

  it('does not wait for a helper that never starts', async () => {
    same(await segmentLungsSharing(ct, { sharedMemory: true }, closeHere, () => new Promise<void>(() => {})));
  });

  it('fails when the helper fails while holding a slice (no unwritten slice goes on)', async () => {
    const failing = segmentLungsSharing(ct, { sharedMemory: true }, closeHere, (job) => {
      // Voxel reads fail: the helper has taken its first slice when it throws.
      const values = new Proxy(job.values, {
        get: (target, key) => {
          if (typeof key === 'string' && /^\d+$/.test(key)) throw new RangeError('read failed');
          return Reflect.get(target, key);
        },
      });
      const broken = { ...job, values };
      try {
        blockMeansAsHelper(broken);
      } catch (error) {
        return Promise.reject(error);
      }
      return Promise.resolve();
    });
    await expect(failing).rejects.toThrow(RangeError);
  });

  it('waits for a slice the helper still holds', async () => {
    const seg = await segmentLungsSharing(ct, { sharedMemory: true }, closeHere, (job) => {
      // The helper takes one slice now and writes it later.
      Atomics.add(job.busy, 0, 1);
      const mine = Atomics.add(job.next, 0, 1);
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          const order = [mine];
          downsampleMean(job.values, job.dims, job.f, job.into, () => order.shift() ?? Number.MAX_SAFE_INTEGER);
          Atomics.sub(job.busy, 0, 1);
          resolve();
        }, 50),
      );
    });
    same(seg);
  });
});
