import type { LesionModel } from '../chest/nodules.js';
import type { LesionEntry, PhantomModel } from '../model.js';
import { Random } from '../random.js';
import type { PaintOp } from '../raster.js';
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
  Union,
  type Vec3,
} from '../shapes.js';
import type { HaemorrhageSpec, HeadPhantomSpec } from '../spec.js';
import { add, normalize, scale } from '../vec.js';

const LESION_LABEL_BASE = 100;

/**
 * Adult head: scalp, skull (outer table, diploë, inner table), CSF space, grey matter
 * (35–40 HU), white matter (25–30 HU), lateral and third ventricles (≈ 5 HU), falx, and
 * acute haemorrhages (50–80 HU): intraparenchymal (lobulated), subdural (crescent along the
 * convexity), epidural (biconvex lens against the inner table).
 */
export function buildHeadModel(spec: HeadPhantomSpec, anatomySeed: number, translation: Vec3): PhantomModel {
  const rng = new Random(anatomySeed, 'head-anatomy');
  const ops: PaintOp[] = [];
  const paint = (shape: Shape, hu: number, label?: number): void => {
    ops.push(label === undefined ? { shape, hu } : { shape, hu, label });
  };
  const floor = new HalfSpace([0, 0, -55], [0, 0, -1]);
  const cut = (s: Shape): Shape => new Intersection([s, floor]);
  paint(new EllipticCylinder(0, 10, 45, 45, -140, -40), 40); // neck
  const outer = new Ellipsoid([0, 0, 0], [74 + rng.uniform(-2, 2), 93 + rng.uniform(-2, 2), 84]);
  paint(cut(new Offset(outer, 5)), 35, 1); // scalp
  paint(cut(outer), 1000, 2); // outer table
  paint(cut(new Offset(outer, -2)), 480, 2); // diploë
  paint(cut(new Offset(outer, -5)), 950, 2); // inner table
  const intracranial = new Intersection([new Offset(outer, -7), new HalfSpace([0, 0, -45], [0, 0, -1])]);
  paint(intracranial, 8); // subarachnoid CSF
  const brain = new Offset(intracranial, -2);
  paint(brain, rng.uniform(35, 40), 3); // grey matter (cortex)
  paint(new Offset(intracranial, -8), rng.uniform(25, 30), 4); // white matter
  paint(new Offset(intracranial, -14), 36, 3); // deep grey nuclei (coarse)
  paint(new Intersection([new Sheet([0, 0, 0], [1, 0, 0], 1.2), brain]), 8); // interhemispheric fissure
  for (const sign of [-1, 1]) {
    paint(new Ellipsoid([sign * 9, 2, 18], [6, 30, 9], rotationXYZ(0, 0, sign * 0.12)), 5, 5); // lateral ventricles
    paint(new Ellipsoid([sign * 16, 22, 8], [4, 8, 10]), 5, 5); // occipital horns
  }
  paint(new Ellipsoid([0, 8, 0], [1.8, 12, 7]), 5, 5); // third ventricle
  const lesions: LesionEntry[] = [];
  for (const h of spec.haemorrhages ?? []) {
    const model = haemorrhage(new Random(anatomySeed, `haemorrhage:${h.id}`), h, outer, intracranial);
    const label = LESION_LABEL_BASE + lesions.length;
    for (const part of model.parts) ops.push({ shape: part.shape, hu: part.hu, label });
    const lobe = model.outline.box.max[1] < -20 ? 'frontal' : model.outline.box.min[1] > 20 ? 'occipital' : 'parietal';
    lesions.push({ label, model, haemorrhage: h, location: `${h.side} ${lobe}` });
  }
  return { kind: 'head', ops, lesions, calcium: [], zRange: [-60, 92], translation };
}

function haemorrhage(rng: Random, h: HaemorrhageSpec, outer: Ellipsoid, intracranial: Shape): LesionModel {
  const sign = h.side === 'left' ? 1 : -1; // LPS: +x is the patient's left
  const hu = rng.uniform(55, 78);
  const flags = { juxtapleural: false, perifissural: false, vesselAttached: false };
  let outline: Shape;
  if (h.type === 'intraparenchymal') {
    const r = h.sizeMm / 2;
    const c: Vec3 = [sign * rng.uniform(25, 35), rng.uniform(-25, 10), rng.uniform(5, 25)];
    const blobs: Shape[] = [new Ellipsoid(c, [r * 0.85, r, r * 0.8], rotationXYZ(0, 0, rng.uniform(0, Math.PI)))];
    for (let k = 0; k < 4; k++)
      blobs.push(new Ellipsoid(add(c, scale(rng.unitVector(), r * 0.45)), [r * 0.5, r * 0.5, r * 0.5]));
    outline = new Union(blobs, r * 0.2);
  } else {
    // A point on the convexity (lateral, slightly anterior or posterior, above the ventricles).
    const dir = normalize([sign * 1, rng.uniform(-0.5, 0.3), rng.uniform(0.2, 0.6)]);
    const t =
      1 / Math.sqrt((dir[0] / outer.radii[0]) ** 2 + (dir[1] / outer.radii[1]) ** 2 + (dir[2] / outer.radii[2]) ** 2);
    const surface = scale(dir, t - 7); // on the inner table
    if (h.type === 'subdural') {
      // Crescent: the shell under the inner table, limited to a cap region.
      const shell = new Difference(intracranial, new Offset(intracranial, -h.sizeMm));
      const cap = new Ellipsoid(surface, [45, 70, 50]);
      outline = new Intersection([shell, cap]);
    } else {
      // Lens: a sphere whose cap enters the intracranial space by sizeMm.
      const R = 30;
      const lensCentre = add(surface, scale(dir, R - h.sizeMm));
      outline = new Intersection([intracranial, new Ellipsoid(lensCentre, [R, R, R])]);
    }
  }
  return { id: h.id, parts: [{ shape: outline, hu }], outline, side: h.side, flags };
}
