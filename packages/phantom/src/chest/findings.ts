import type { Random } from '../random.js';
import type { PaintOp } from '../raster.js';
import { Ellipsoid, HalfSpace, Intersection, type Shape, Union, type Vec3 } from '../shapes.js';
import type { InfectionPatchSpec, Side } from '../spec.js';
import { add, normalize, scale, sub } from '../vec.js';
import { type ChestAnatomy, Label, lobeOf, Region, sideOfLobe } from './anatomy.js';

export interface CalciumSpot {
  artery: 'LAD' | 'LCX' | 'RCA';
  center: Vec3;
  radii: Vec3;
  peakHU: number;
  shape: Shape;
}

function randomLungPoint(rng: Random, lung: Shape, margin: number, accept: (p: Vec3) => boolean): Vec3 | undefined {
  const b = lung.box;
  for (let attempt = 0; attempt < 3000; attempt++) {
    const p: Vec3 = [rng.uniform(b.min[0], b.max[0]), rng.uniform(b.min[1], b.max[1]), rng.uniform(b.min[2], b.max[2])];
    if (lung.sdf(p[0], p[1], p[2]) < -margin && accept(p)) return p;
  }
  return undefined;
}

/** Centrilobular emphysema: clusters of −950…−1000 HU holes, upper-zone predominant. */
export function emphysemaOps(rng: Random, a: ChestAnatomy, severity: number): PaintOp[] {
  const ops: PaintOp[] = [];
  const count = Math.round(Math.max(0, Math.min(1, severity)) * 500);
  for (let k = 0; k < count; k++) {
    const side: Side = k % 2 === 0 ? 'right' : 'left';
    const lung = a.lungs[side];
    const p = randomLungPoint(rng, lung, 3, (q) => q[2] > -20 || rng.next() < 0.25);
    if (!p) continue;
    const r = rng.uniform(2, 7);
    const hole = new Ellipsoid(p, [r, r * rng.uniform(0.7, 1), r * rng.uniform(0.7, 1)]);
    ops.push({ shape: new Intersection([hole, lung]), hu: rng.uniform(-995, -965), label: Label.Emphysema });
  }
  return ops;
}

/** Ground-glass (−600…−750) or consolidation (−100…+50) patches clipped to the lung. */
export function infectionOps(rng: Random, a: ChestAnatomy, patches: readonly InfectionPatchSpec[]): PaintOp[] {
  const ops: PaintOp[] = [];
  for (const patch of patches) {
    const lung = a.lungs[sideOfLobe(patch.lobe)];
    const r = patch.sizeMm / 2;
    const c = randomLungPoint(rng, lung, Math.min(r * 0.5, 10), (q) => lobeOf(a, q) === patch.lobe);
    if (!c) continue;
    const blobs: Shape[] = [];
    for (let k = 0; k < 6; k++) {
      const d = rng.unitVector();
      const rr = r * rng.uniform(0.35, 0.6);
      blobs.push(new Ellipsoid(add(c, scale(d, r * 0.45)), [rr, rr * rng.uniform(0.7, 1), rr * rng.uniform(0.6, 1)]));
    }
    const isGGO = patch.type === 'ggo';
    ops.push({
      shape: new Intersection([new Union(blobs, r * 0.2), lung]),
      hu: isGGO ? rng.uniform(-720, -630) : rng.uniform(-40, 40),
      label: isGGO ? Label.GroundGlass : Label.Consolidation,
    });
  }
  return ops;
}

/** Dependent pleural fluid (0–20 HU) filling the posterior lung to the given depth. */
export function effusionOps(a: ChestAnatomy, side: Side, depthMm: number): PaintOp[] {
  const lung = a.lungs[side];
  const yLevel = lung.box.max[1] - depthMm;
  const fluid = new Intersection([lung, new HalfSpace([0, yLevel, 0], [0, -1, 0])]);
  return [{ shape: fluid, hu: 12, label: Label.Effusion, region: Region.Effusion }];
}

/** Coronary artery paths on the heart surface (local unit directions, start → end). */
const CORONARY_PATHS: Record<CalciumSpot['artery'], [Vec3, Vec3]> = {
  LAD: [
    [0.25, -0.8, 0.55],
    [0.35, -0.75, -0.55],
  ],
  LCX: [
    [0.55, -0.35, 0.75],
    [0.85, 0.45, 0.1],
  ],
  RCA: [
    [-0.45, -0.65, 0.6],
    [-0.65, 0.3, -0.55],
  ],
};

function coronaryPoint(a: ChestAnatomy, artery: CalciumSpot['artery'], t: number): Vec3 {
  const [u0, u1] = CORONARY_PATHS[artery];
  const u = normalize(add(scale(u0, 1 - t), scale(u1, t)));
  const { center, radii, rotation: m } = a.heart;
  const l: Vec3 = [u[0] * radii[0] * 1.03, u[1] * radii[1] * 1.03, u[2] * radii[2] * 1.03];
  return [
    center[0] + m[0] * l[0] + m[1] * l[1] + m[2] * l[2],
    center[1] + m[3] * l[0] + m[4] * l[1] + m[5] * l[2],
    center[2] + m[6] * l[0] + m[7] * l[1] + m[8] * l[2],
  ];
}

/** Coronary arteries as thin tubes on the epicardium, plus calcified plaques along them. */
export function coronaryOps(rng: Random, a: ChestAnatomy, spots: number): { ops: PaintOp[]; calcium: CalciumSpot[] } {
  const ops: PaintOp[] = [];
  const arteries = Object.keys(CORONARY_PATHS) as Array<CalciumSpot['artery']>;
  for (const artery of arteries) {
    for (let s = 0; s < 10; s++) {
      const p = coronaryPoint(a, artery, s / 10);
      const q = coronaryPoint(a, artery, (s + 1) / 10);
      ops.push({ shape: new Ellipsoid(scale(add(p, q), 0.5), [1.6, 1.6, 1.6]), hu: a.bloodHU });
      ops.push({
        shape: new Union([new Ellipsoid(p, [1.6, 1.6, 1.6]), new Ellipsoid(q, [1.6, 1.6, 1.6])]),
        hu: a.bloodHU,
      });
    }
  }
  const calcium: CalciumSpot[] = [];
  for (let k = 0; k < spots; k++) {
    const artery = rng.pick(arteries);
    const t = rng.uniform(0.05, 0.7);
    const center = coronaryPoint(a, artery, t);
    const along = normalize(sub(coronaryPoint(a, artery, t + 0.02), center));
    const r = rng.uniform(0.9, 2.2);
    const radii: Vec3 = [r, r, r * rng.uniform(1.2, 2)];
    const frame = frameAlong(along);
    const shape = new Ellipsoid(center, radii, frame);
    const peakHU = Math.round(rng.uniform(300, 900));
    calcium.push({ artery, center, radii, peakHU, shape });
    ops.push({ shape, hu: peakHU, label: Label.CoronaryCalcium });
  }
  return { ops, calcium };
}

function frameAlong(axis: Vec3): [number, number, number, number, number, number, number, number, number] {
  const u = normalize(Math.abs(axis[0]) < 0.9 ? [0, -axis[2], axis[1]] : [-axis[2], 0, axis[0]]);
  const v: Vec3 = [axis[1] * u[2] - axis[2] * u[1], axis[2] * u[0] - axis[0] * u[2], axis[0] * u[1] - axis[1] * u[0]];
  return [u[0], v[0], axis[0], u[1], v[1], axis[1], u[2], v[2], axis[2]];
}
