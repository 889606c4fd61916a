import type { Random } from '../random.js';
import type { Shape, Vec3 } from '../shapes.js';
import { add, normalize, perpendicular, rotateAbout, scale } from '../vec.js';

/** One branch of a vessel or airway tree: a tapered tube from a (radius ra) to b (radius rb). */
export interface TreeSegment {
  a: Vec3;
  b: Vec3;
  ra: number;
  rb: number;
  generation: number;
}

export interface TreeRoot {
  start: Vec3;
  direction: Vec3;
  radius: number;
}

export interface TreeOptions {
  /** Branches thinner than this radius are pruned (mm). */
  minRadius: number;
  /** Upper bound on the number of segments (breadth-first, so pruning is uniform). */
  maxSegments: number;
  /** Branch length as a multiple of its radius. */
  lengthPerRadius: number;
}

/**
 * Grows a bifurcating tree inside `region` from the roots: each branch splits into two children
 * (radii ≈ 0.79 and 0.7 of the parent, after Murray's law), turned 20–45° about random axes; a child
 * that would leave the region is shortened or dropped.
 */
export function growTree(rng: Random, roots: readonly TreeRoot[], region: Shape, options: TreeOptions): TreeSegment[] {
  const segments: TreeSegment[] = [];
  const queue: Array<TreeRoot & { generation: number }> = roots.map((r) => ({ ...r, generation: 0 }));
  while (queue.length > 0 && segments.length < options.maxSegments) {
    const branch = queue.shift()!;
    const r = branch.radius;
    if (r < options.minRadius) continue;
    let length = Math.min(45, Math.max(3, r * options.lengthPerRadius * rng.uniform(0.8, 1.2)));
    let end = add(branch.start, scale(branch.direction, length));
    while (region.sdf(end[0], end[1], end[2]) > -r - 1 && length > 2) {
      length *= 0.6;
      end = add(branch.start, scale(branch.direction, length));
    }
    if (region.sdf(end[0], end[1], end[2]) > -r) continue;
    const rb = r * 0.93;
    segments.push({ a: branch.start, b: end, ra: r, rb, generation: branch.generation });
    const axis = rotateAbout(perpendicular(branch.direction), branch.direction, rng.uniform(0, 2 * Math.PI));
    const spread = rng.uniform(0.35, 0.75);
    const split = rng.uniform(0.35, 0.6);
    const children: Array<[number, number]> = [
      [rb * 0.79, spread * split],
      [rb * 0.7, -spread * (1 - split)],
    ];
    for (const [radius, angle] of children) {
      const direction = normalize(rotateAbout(branch.direction, axis, angle));
      queue.push({ start: end, direction, radius, generation: branch.generation + 1 });
    }
  }
  return segments;
}
