import { Label, Region } from '../chest/anatomy.js';
import type { PhantomModel } from '../model.js';
import { rasteriseSlice } from '../raster.js';

export interface LungTruth {
  volumeMl: number;
  /** Percentage of lung voxels below −950 HU (noise-free), LAA-950. */
  laa950Percent: number;
  ggoVolumeMl: number;
  consolidationVolumeMl: number;
  infectionVolumeMl: number;
  infectionPercent: number;
}

export interface RegionTruth {
  gridSpacingMm: number;
  right: LungTruth;
  left: LungTruth;
  effusionVolumeMl: number;
}

/** Lung volumes, LAA-950 and infection burden from the noise-free model on an isotropic grid. */
export function measureRegions(model: PhantomModel, spacingMm: number): RegionTruth | undefined {
  const box = model.regionBox;
  if (!box) return undefined;
  const t = model.translation;
  const margin = 2 * spacingMm;
  const originX = box.min[0] + t[0] - margin;
  const originY = box.min[1] + t[1] - margin;
  const columns = Math.ceil((box.max[0] - box.min[0] + 2 * margin) / spacingMm) + 1;
  const rows = Math.ceil((box.max[1] - box.min[1] + 2 * margin) / spacingMm) + 1;
  const grid = { columns, rows, dx: spacingMm, dy: spacingMm, originX, originY };
  const n = columns * rows;
  const buffers = { hu: new Float32Array(n), label: new Uint8Array(n), region: new Uint8Array(n) };
  const counts = [Region.RightLung, Region.LeftLung].map(() => ({ lung: 0, laa: 0, ggo: 0, cons: 0 }));
  let effusion = 0;
  for (let z = box.min[2] + t[2] - margin; z <= box.max[2] + t[2] + margin; z += spacingMm) {
    rasteriseSlice(model.ops, grid, z, spacingMm, buffers);
    for (let i = 0; i < n; i++) {
      const r = buffers.region[i]!;
      if (r === Region.Effusion) effusion++;
      if (r !== Region.RightLung && r !== Region.LeftLung) continue;
      const c = counts[r - 1]!;
      c.lung++;
      if (buffers.hu[i]! < -950) c.laa++;
      const l = buffers.label[i];
      if (l === Label.GroundGlass) c.ggo++;
      else if (l === Label.Consolidation) c.cons++;
    }
  }
  const ml = spacingMm ** 3 / 1000;
  const r1 = (v: number): number => Math.round(v * 10) / 10;
  const lung = (c: { lung: number; laa: number; ggo: number; cons: number }): LungTruth => ({
    volumeMl: r1(c.lung * ml),
    laa950Percent: r1(c.lung ? (100 * c.laa) / c.lung : 0),
    ggoVolumeMl: r1(c.ggo * ml),
    consolidationVolumeMl: r1(c.cons * ml),
    infectionVolumeMl: r1((c.ggo + c.cons) * ml),
    infectionPercent: r1(c.lung ? (100 * (c.ggo + c.cons)) / c.lung : 0),
  });
  return {
    gridSpacingMm: spacingMm,
    right: lung(counts[0]!),
    left: lung(counts[1]!),
    effusionVolumeMl: r1(effusion * ml),
  };
}
