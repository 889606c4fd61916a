import { describe, expect, it } from 'vitest';
import { buildPhantom } from './phantom.js';
import { AIR_HU, type AxialGrid, type PaintOp, rasteriseSlice, type SliceBuffers } from './raster.js';
import type { StudySpec } from './spec.js';
import { smallChestSpec } from './testing.js';

/** The definition: every pixel of every op's bounding box evaluated, no row spans. */
function rasteriseByDefinition(ops: readonly PaintOp[], grid: AxialGrid, z: number, ramp: number, out: SliceBuffers) {
  const { hu, label, region } = out;
  hu.fill(AIR_HU);
  label?.fill(0);
  region?.fill(0);
  const half = ramp / 2;
  for (const op of ops) {
    const b = op.shape.box;
    if (z < b.min[2] - half || z > b.max[2] + half) continue;
    for (let r = 0; r < grid.rows; r++) {
      const y = grid.originY + r * grid.dy;
      if (y < b.min[1] - half || y > b.max[1] + half) continue;
      const v = op.hu + (op.huPerMmY ?? 0) * (y - (op.refY ?? 0));
      for (let c = 0; c < grid.columns; c++) {
        const x = grid.originX + c * grid.dx;
        if (x < b.min[0] - half || x > b.max[0] + half) continue;
        const d = op.shape.sdf(x, y, z);
        if (d >= half) continue;
        const f = d <= -half ? 1 : 0.5 - d / ramp;
        const i = r * grid.columns + c;
        hu[i] = hu[i]! + (v - hu[i]!) * f;
        if (f >= 0.5) {
          if (label && op.label !== undefined) label[i] = op.label;
          if (region && op.region !== undefined) region[i] = op.region;
        }
      }
    }
  }
}

describe('rasteriseSlice', () => {
  it('gives exactly the values of evaluating every pixel (chest with findings, follow-up shift)', () => {
    const base = smallChestSpec(17, {
      phantom: {
        kind: 'chest',
        emphysemaSeverity: 0.3,
        coronaryCalciumSpots: 3,
        infection: [{ type: 'ggo', lobe: 'RLL', sizeMm: 30 }],
        pleuralEffusion: { side: 'left', depthMm: 20 },
        nodules: [
          { id: 'A', type: 'solid', shape: 'spiculated', site: 'vessel-attached', lobe: 'LUL', diameterMm: 12 },
          { id: 'B', type: 'part-solid', shape: 'lobulated', site: 'juxtapleural', lobe: 'RLL', diameterMm: 14 },
        ],
      },
    });
    const spec: StudySpec = { ...base, followUp: { monthsAfterBaseline: 6, translationMm: [2.5, -1.5, 4] } };
    const model = buildPhantom(spec);
    const n = 160;
    const grid: AxialGrid = { columns: n, rows: n, dx: 2.25, dy: 2.25, originX: -179, originY: -179 };
    const fast = { hu: new Float32Array(n * n), label: new Uint8Array(n * n), region: new Uint8Array(n * n) };
    const slow = { hu: new Float32Array(n * n), label: new Uint8Array(n * n), region: new Uint8Array(n * n) };
    let lungPixels = 0;
    for (const [z, ramp] of [
      [-60, 2.25],
      [-10, 1.2],
      [25, 2.25],
      [90, 3],
    ] as const) {
      rasteriseSlice(model.ops, grid, z, ramp, fast);
      rasteriseByDefinition(model.ops, grid, z, ramp, slow);
      expect(fast.hu).toEqual(slow.hu);
      expect(fast.label).toEqual(slow.label);
      expect(fast.region).toEqual(slow.region);
      lungPixels += fast.region.filter((r) => r === 1 || r === 2).length;
    }
    expect(lungPixels).toBeGreaterThan(1000);
  });
});
