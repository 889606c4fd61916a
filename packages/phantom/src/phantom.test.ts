import { describe, expect, it } from 'vitest';
import { Label } from './chest/anatomy.js';
import { buildPhantom } from './phantom.js';
import { Random } from './random.js';
import { type AxialGrid, rasteriseSlice } from './raster.js';
import { Ellipsoid } from './shapes.js';
import type { ChestPhantomSpec, NoduleSpec } from './spec.js';
import { smallChestSpec } from './testing.js';
import { buildTruth } from './truth/build.js';
import { measureLesion } from './truth/measure.js';

function cleanHUAt(ops: Parameters<typeof rasteriseSlice>[0], p: [number, number, number]): number {
  const grid: AxialGrid = { columns: 1, rows: 1, dx: 0.5, dy: 0.5, originX: p[0], originY: p[1] };
  const hu = new Float32Array(1);
  rasteriseSlice(ops, grid, p[2], 0.5, { hu });
  return hu[0]!;
}

describe('Random', () => {
  it('is deterministic per seed and role, and gaussian has unit variance', () => {
    const a = new Random(42, 'x');
    const b = new Random(42, 'x');
    const c = new Random(43, 'x');
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
    const g = new Random(1);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const v = g.gaussian();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(s2 / n).toBeGreaterThan(0.95);
    expect(s2 / n).toBeLessThan(1.05);
  });
});

describe('measureLesion', () => {
  it('measures a sphere and an ellipsoid close to their analytic values', () => {
    const sphere = new Ellipsoid([1, 2, 3], [5, 5, 5]);
    const m = measureLesion(sphere, [{ shape: sphere, hu: 30 }]);
    expect(m.volumeMm3).toBeGreaterThan((4 / 3) * Math.PI * 125 * 0.98);
    expect(m.volumeMm3).toBeLessThan((4 / 3) * Math.PI * 125 * 1.02);
    expect(m.longAxisMm).toBeCloseTo(10, 0);
    expect(m.centerMm[0]).toBeCloseTo(1, 1);
    expect(m.meanHU).toBe(30);
    const ell = new Ellipsoid([0, 0, 0], [8, 4, 3]);
    const e = measureLesion(ell, [{ shape: ell, hu: 0 }]);
    expect(e.longAxisMm).toBeGreaterThan(15.5);
    expect(e.longAxisMm).toBeLessThan(16.5);
    expect(e.shortAxisMm).toBeGreaterThan(7.5);
    expect(e.shortAxisMm).toBeLessThan(8.5);
  });
});

describe('chest phantom truth', () => {
  const nodules: NoduleSpec[] = [
    { id: 'S', type: 'solid', shape: 'ellipsoid', site: 'parenchymal', lobe: 'RUL', diameterMm: 10 },
    { id: 'G', type: 'ground-glass', shape: 'lobulated', site: 'parenchymal', lobe: 'LLL', diameterMm: 12 },
    { id: 'C', type: 'calcified', shape: 'ellipsoid', site: 'parenchymal', lobe: 'RLL', diameterMm: 6 },
    {
      id: 'P',
      type: 'part-solid',
      shape: 'ellipsoid',
      site: 'juxtapleural',
      lobe: 'LUL',
      diameterMm: 16,
      solidCoreMm: 6,
    },
    { id: 'X', type: 'solid', shape: 'spiculated', site: 'vessel-attached', lobe: 'RLL', diameterMm: 9 },
  ];
  const phantom: ChestPhantomSpec = { kind: 'chest', nodules };
  const spec = smallChestSpec(11, { phantom });
  const model = buildPhantom(spec);
  const truth = buildTruth(spec, model);

  it('puts each nodule centre in its type HU range and flags its site', () => {
    const ranges = { solid: [0, 60], 'ground-glass': [-750, -600], calcified: [200, 1000], 'part-solid': [0, 60] };
    for (const lesion of truth.lesions) {
      const hu = cleanHUAt(model.ops, lesion.centerMm);
      const [lo, hi] = ranges[lesion.type as keyof typeof ranges];
      expect(hu, lesion.id).toBeGreaterThanOrEqual(lo!);
      expect(hu, lesion.id).toBeLessThanOrEqual(hi!);
    }
    const byId = new Map(truth.lesions.map((l) => [l.id, l]));
    expect(byId.get('G')!.meanHU).toBeLessThan(-550);
    expect(byId.get('S')!.meanHU).toBeGreaterThan(0);
    expect(byId.get('P')!.location.juxtapleural).toBe(true);
    expect(byId.get('X')!.location.vesselAttached).toBe(true);
    expect(byId.get('P')!.solidComponent!.meanDiameterMm).toBeGreaterThan(4);
    expect(byId.get('P')!.solidComponent!.meanDiameterMm).toBeLessThan(byId.get('P')!.meanDiameterMm);
    // Part-solid: mostly ground glass with a solid core.
    expect(byId.get('P')!.meanHU).toBeGreaterThan(-700);
    expect(byId.get('P')!.meanHU).toBeLessThan(-300);
  });

  it('counts nodule voxels at 0.7 mm within 15 % of the truth volume', () => {
    const lesion = truth.lesions.find((l) => l.id === 'S')!;
    const step = 0.7;
    const half = 10;
    const n = Math.round((2 * half) / step);
    const grid: AxialGrid = {
      columns: n,
      rows: n,
      dx: step,
      dy: step,
      originX: lesion.centerMm[0] - half,
      originY: lesion.centerMm[1] - half,
    };
    const hu = new Float32Array(n * n);
    const label = new Uint8Array(n * n);
    let count = 0;
    for (let k = 0; k < n; k++) {
      rasteriseSlice(model.ops, grid, lesion.centerMm[2] - half + k * step, step, { hu, label });
      for (const l of label) if (l === lesion.label) count++;
    }
    const voxelVolume = count * step ** 3;
    expect(lesion.meanDiameterMm).toBeGreaterThan(8);
    expect(lesion.meanDiameterMm).toBeLessThan(11);
    expect(Math.abs(voxelVolume - lesion.volumeMm3) / lesion.volumeMm3).toBeLessThan(0.15);
  });

  it('gives plausible adult lung volumes and a higher LAA-950 with emphysema', () => {
    const lungs = truth.lungs!;
    for (const side of [lungs.left, lungs.right]) {
      expect(side.volumeMl).toBeGreaterThan(2000);
      expect(side.volumeMl).toBeLessThan(4000);
    }
    const emphysema = smallChestSpec(11, { phantom: { kind: 'chest', emphysemaSeverity: 0.6 } });
    const withEmphysema = buildTruth(emphysema, buildPhantom(emphysema)).lungs!;
    expect(withEmphysema.right.laa950Percent).toBeGreaterThan(lungs.right.laa950Percent + 1);
    expect(withEmphysema.left.laa950Percent).toBeGreaterThan(lungs.left.laa950Percent + 1);
  });

  it('reports infection volume and grows nodules in a follow-up', () => {
    const infected = smallChestSpec(11, {
      phantom: { kind: 'chest', infection: [{ type: 'consolidation', lobe: 'RLL', sizeMm: 40 }] },
    });
    const t = buildTruth(infected, buildPhantom(infected)).lungs!;
    expect(t.right.consolidationVolumeMl).toBeGreaterThan(5);
    expect(t.left.infectionVolumeMl).toBe(0);
    const grow: ChestPhantomSpec = { kind: 'chest', nodules: [{ ...nodules[0]!, volumeChange: 2 }] };
    const base = smallChestSpec(11, { phantom: grow, truthGridMm: 8 });
    const follow = {
      ...base,
      seed: 12,
      followUp: { monthsAfterBaseline: 12, translationMm: [2, 0, 3] as [number, number, number] },
    };
    const v0 = buildTruth(base, buildPhantom(base)).lesions[0]!;
    const v1 = buildTruth(follow, buildPhantom(follow)).lesions[0]!;
    expect(v1.volumeMm3 / v0.volumeMm3).toBeGreaterThan(1.9);
    expect(v1.volumeMm3 / v0.volumeMm3).toBeLessThan(2.1);
    expect(v1.centerMm[2] - v0.centerMm[2]).toBeCloseTo(3, 0);
    expect(Label.LesionBase).toBe(v0.label);
  });
});
