import { Random } from '../random.js';
import { Ellipsoid, type Mat3, rotationXYZ, type Shape, TaperedCapsule, Union, type Vec3 } from '../shapes.js';
import type { NoduleSpec, Side } from '../spec.js';
import { add, cross, dot, normalize, perpendicular, scale, sub } from '../vec.js';
import { type ChestAnatomy, lobeOf, sideOfLobe } from './anatomy.js';

/** A lesion as painted layers (outer first) plus the outline used for its truth. */
export interface LesionModel {
  id: string;
  parts: Array<{ shape: Shape; hu: number }>;
  outline: Shape;
  /** Part-solid: the solid component. */
  core?: Shape;
  side: Side;
  flags: { juxtapleural: boolean; perifissural: boolean; vesselAttached: boolean };
}

const TYPE_HU = {
  solid: [15, 50],
  'ground-glass': [-720, -600],
  'part-solid': [-700, -620],
  calcified: [350, 700],
} as const;

function gradient(shape: Shape, p: Vec3): Vec3 {
  const h = 0.5;
  return normalize([
    shape.sdf(p[0] + h, p[1], p[2]) - shape.sdf(p[0] - h, p[1], p[2]),
    shape.sdf(p[0], p[1] + h, p[2]) - shape.sdf(p[0], p[1] - h, p[2]),
    shape.sdf(p[0], p[1], p[2] + h) - shape.sdf(p[0], p[1], p[2] - h),
  ]);
}

/** A random point inside the lobe at least `margin` mm inside the lung. */
function pointInLobe(rng: Random, a: ChestAnatomy, spec: NoduleSpec, margin: number): Vec3 {
  const lung = a.lungs[sideOfLobe(spec.lobe)];
  const b = lung.box;
  for (let attempt = 0; attempt < 5000; attempt++) {
    const p: Vec3 = [rng.uniform(b.min[0], b.max[0]), rng.uniform(b.min[1], b.max[1]), rng.uniform(b.min[2], b.max[2])];
    if (lung.sdf(p[0], p[1], p[2]) < -margin && lobeOf(a, p) === spec.lobe) return p;
  }
  throw new RangeError(`no room for nodule ${spec.id} in ${spec.lobe}`);
}

function frameFromAxis(axis: Vec3): Mat3 {
  const u = perpendicular(axis);
  const v = cross(axis, u);
  // Columns: u, v, axis (local z → axis).
  return [u[0], v[0], axis[0], u[1], v[1], axis[1], u[2], v[2], axis[2]];
}

function noduleShape(rng: Random, spec: NoduleSpec, center: Vec3, r: number, rotation: Mat3, flatten: number): Shape {
  const radii: Vec3 = [r * rng.uniform(0.9, 1.05), r * rng.uniform(0.82, 1), r * flatten * rng.uniform(0.85, 1)];
  const core = new Ellipsoid(center, radii, rotation);
  const bumps = rng.int(4, 7);
  const spikes = rng.int(8, 14);
  const dirs = Array.from({ length: Math.max(bumps, spikes) }, () => rng.unitVector());
  const lengths = dirs.map(() => rng.uniform(0.3, 0.9));
  if (spec.shape === 'ellipsoid') return core;
  if (spec.shape === 'lobulated') {
    const inner = new Ellipsoid(center, scale(radii, 0.82) as Vec3, rotation);
    const lobes = dirs
      .slice(0, bumps)
      .map((d) => new Ellipsoid(add(center, scale(d, r * 0.5)), [r * 0.5, r * 0.5, r * 0.5]));
    return new Union([inner, ...lobes], r * 0.25);
  }
  const spikesShapes = dirs
    .slice(0, spikes)
    .map((d, i) => new TaperedCapsule(center, add(center, scale(d, r + 2 + r * lengths[i]!)), r * 0.22, 0.25));
  return new Union([core, ...spikesShapes], r * 0.15);
}

/**
 * Places and shapes one nodule. The random stream depends only on the anatomy seed and the
 * nodule id, so a follow-up rebuilds the same nodule (grown by its volume change) in the same place.
 */
export function buildNodule(anatomySeed: number, a: ChestAnatomy, spec: NoduleSpec, growth: number): LesionModel {
  const rng = new Random(anatomySeed, `nodule:${spec.id}`);
  const r = (spec.diameterMm / 2) * Math.cbrt(growth);
  const side = sideOfLobe(spec.lobe);
  const lung = a.lungs[side];
  const rotation = rotationXYZ(rng.uniform(0, Math.PI), rng.uniform(0, Math.PI), rng.uniform(0, Math.PI));
  const [huMin, huMax] = TYPE_HU[spec.type];
  const hu = rng.uniform(huMin, huMax);
  const flags = { juxtapleural: false, perifissural: false, vesselAttached: false };
  let center = pointInLobe(rng, a, spec, r + 10);
  let shapeRotation = rotation;
  let flatten = 1;
  if (spec.site === 'juxtapleural') {
    // Walk to the pleura, then back by ~0.85 r so the nodule touches it.
    for (let k = 0; k < 30; k++) {
      const d = lung.sdf(center[0], center[1], center[2]);
      center = sub(center, scale(gradient(lung, center), d + r * 0.85));
    }
    flags.juxtapleural = true;
  } else if (spec.site === 'perifissural') {
    const f = side === 'left' || spec.lobe !== 'RML' ? a.oblique[side] : a.horizontal;
    const d = dot(sub(center, f.point), f.normal);
    const towards = lobeOf(a, add(center, scale(f.normal, -d - r))) === spec.lobe ? -1 : 1;
    center = add(sub(center, scale(f.normal, d)), scale(f.normal, towards * r * 0.55));
    shapeRotation = frameFromAxis(f.normal);
    flatten = 0.55;
    flags.perifissural = true;
  } else if (spec.site === 'vessel-attached') {
    const candidates = a.vessels.filter(
      (v) => v.side === side && v.ra > 1.2 && v.ra < 3.5 && lobeOf(a, v.b) === spec.lobe && lung.sdf(...v.b) < -r - 5,
    );
    const v = candidates.length > 0 ? rng.pick(candidates) : undefined;
    if (v) {
      const mid = scale(add(v.a, v.b), 0.5);
      const out = perpendicular(normalize(sub(v.b, v.a)));
      center = add(mid, scale(out, (v.ra + v.rb) / 2 + r * 0.85));
      flags.vesselAttached = true;
    }
  }
  const outline = noduleShape(rng, spec, center, r, shapeRotation, flatten);
  const model: LesionModel = { id: spec.id, parts: [{ shape: outline, hu }], outline, side, flags };
  if (spec.type === 'part-solid') {
    const coreR = Math.min(((spec.solidCoreMm ?? spec.diameterMm * 0.4) / 2) * Math.cbrt(growth), r * 0.6);
    const core = new Ellipsoid(center, [coreR, coreR * 0.9, coreR * 0.85], rotation);
    model.parts.push({ shape: core, hu: rng.uniform(20, 45) });
    model.core = core;
  }
  return model;
}
