import { describe, expect, it } from 'vitest';
import { Random } from './random.js';
import {
  Difference,
  Ellipsoid,
  EllipticCylinder,
  HalfSpace,
  Intersection,
  Offset,
  rotationXYZ,
  type Shape,
  Sheet,
  TaperedCapsule,
  Translated,
  Union,
} from './shapes.js';
import { newSpan } from './span.js';
import { normalize } from './vec.js';

function shapes(rng: Random): Array<[string, Shape]> {
  const ell = new Ellipsoid([3, -2, 1], [12, 7, 9], rotationXYZ(0.4, -0.7, 1.1));
  const cyl = new EllipticCylinder(-4, 5, 15, 9, -6, 8);
  const tube = new TaperedCapsule([-10, -3, -8], [9, 6, 7], 4, 1.5);
  const flat = new TaperedCapsule([-10, 2, 1], [12, 2, 1], 3, 3);
  const sheet = new Sheet([0, 1, 2], normalize([0, 0.68, -0.73]), 0.5);
  const tilted = new HalfSpace([1, 0, 0], normalize([0.6, 0.3, -0.2]));
  const blobs = Array.from(
    { length: 6 },
    () => new Ellipsoid([rng.uniform(-6, 6), rng.uniform(-6, 6), rng.uniform(-6, 6)], [4, 3, 5]),
  );
  return [
    ['ellipsoid', ell],
    ['cylinder', cyl],
    ['tapered capsule', tube],
    ['capsule along x', flat],
    ['sheet', sheet],
    ['half-space', tilted],
    ['intersection', new Intersection([sheet, ell, new HalfSpace([0, 0, 0], [0, 1, 0])])],
    ['difference', new Difference(new Difference(cyl, ell), new Offset(tube, 1))],
    ['smooth union', new Union([...blobs, tube], 2)],
    ['offset in', new Offset(ell, -3)],
    ['offset out', new Offset(new Union([ell, tube]), 2)],
    ['translated', new Translated(new Intersection([cyl, tilted]), [2.5, -1.5, 4])],
  ];
}

describe('row spans', () => {
  it('are conservative: outside the span sdf ≥ level, inside the core sdf ≤ −level', () => {
    const rng = new Random(99, 'spans');
    const span = newSpan();
    const core = newSpan();
    const violations: string[] = [];
    for (const [name, shape] of shapes(rng)) {
      let sampled = 0;
      let inCore = 0;
      let outside = 0;
      for (let row = 0; row < 300; row++) {
        const y = rng.uniform(-20, 20);
        const z = rng.uniform(-15, 15);
        const level = rng.pick([0.35, 0.75, 1.25, -0.5]);
        const hasSpan = shape.rowSpan(y, z, level, span);
        const hasCore = shape.rowCore(y, z, level, core);
        for (let k = 0; k < 80; k++) {
          const x = rng.uniform(-30, 30);
          const d = shape.sdf(x, y, z);
          sampled++;
          if (!hasSpan || x < span.lo || x > span.hi) {
            outside++;
            if (d < level - 1e-9) violations.push(`${name} outside span at ${x},${y},${z}: ${d} < ${level}`);
          }
          if (hasCore && x >= core.lo && x <= core.hi) {
            inCore++;
            if (d > -level + 1e-9) violations.push(`${name} in core at ${x},${y},${z}: ${d} > ${-level}`);
          }
        }
      }
      // The bounds must also be useful: some samples fall outside spans and some inside cores
      // (except for the sheet, whose normal has no x part, and thin shapes).
      expect(sampled).toBe(24000);
      expect(outside, name).toBeGreaterThan(0);
      if (name !== 'sheet') expect(inCore, name).toBeGreaterThan(0);
    }
    expect(violations.slice(0, 5)).toEqual([]);
  });
});
