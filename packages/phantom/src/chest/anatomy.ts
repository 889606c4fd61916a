import type { Random } from '../random.js';
import type { PaintOp } from '../raster.js';
import {
  Difference,
  Ellipsoid,
  EllipticCylinder,
  HalfSpace,
  Intersection,
  type Mat3,
  Offset,
  rotationXYZ,
  type Shape,
  Sheet,
  TaperedCapsule,
  type Vec3,
} from '../shapes.js';
import type { Lobe, Side } from '../spec.js';
import { normalize } from '../vec.js';
import { growTree, type TreeSegment } from './trees.js';

/** Labels written into the label map (lesions use LESION_LABEL_BASE + index). */
export const Label = {
  Body: 1,
  Bone: 2,
  Heart: 3,
  Lung: 4,
  Vessel: 5,
  Airway: 6,
  Fissure: 7,
  Emphysema: 20,
  GroundGlass: 21,
  Consolidation: 22,
  Effusion: 23,
  CoronaryCalcium: 30,
  LesionBase: 100,
} as const;

/** Region map values. */
export const Region = { None: 0, RightLung: 1, LeftLung: 2, Effusion: 3 } as const;

export interface Fissure {
  point: Vec3;
  normal: Vec3;
}

export interface ChestAnatomy {
  /** Chest wall, bones, abdomen below the diaphragm, lungs and fissures (painted first). */
  baseOps: PaintOp[];
  /** Mediastinum, heart, great vessels, vessel and airway trees (painted after lung lesions). */
  treeOps: PaintOp[];
  lungs: Record<Side, Shape>;
  oblique: Record<Side, Fissure>;
  horizontal: Fissure;
  vessels: Array<TreeSegment & { side: Side }>;
  heart: { center: Vec3; radii: Vec3; rotation: Mat3 };
  /** Natural scan range of the chest (mm). */
  zRange: [number, number];
  bloodHU: number;
}

const PARENCHYMA_HU = -858;
const PARENCHYMA_HU_PER_MM_Y = 0.3;

export function lobeOf(a: ChestAnatomy, p: Vec3): Lobe {
  const side: Side = p[0] < 0 ? 'right' : 'left';
  const o = a.oblique[side];
  const d = (p[0] - o.point[0]) * o.normal[0] + (p[1] - o.point[1]) * o.normal[1] + (p[2] - o.point[2]) * o.normal[2];
  if (side === 'left') return d > 0 ? 'LLL' : 'LUL';
  if (d > 0) return 'RLL';
  return p[2] > a.horizontal.point[2] ? 'RUL' : 'RML';
}

export function sideOfLobe(lobe: Lobe): Side {
  return lobe.startsWith('R') ? 'right' : 'left';
}

/** Builds the adult chest: outline, layers, bones, heart, great vessels, lungs, fissures, trees. */
export function buildChestAnatomy(rng: Random, contrast: boolean): ChestAnatomy {
  const blood = contrast ? 250 : 40;
  const zLow = -200;
  const zHigh = 230;
  const base: PaintOp[] = [];
  const tree: PaintOp[] = [];
  const paint = (list: PaintOp[], shape: Shape, hu: number, label?: number, region?: number): void => {
    const op: PaintOp = { shape, hu };
    if (label !== undefined) op.label = label;
    if (region !== undefined) op.region = region;
    list.push(op);
  };
  // Body layers: skin, subcutaneous fat, muscle, thoracic cavity (mediastinal fat).
  paint(base, new EllipticCylinder(0, 10, 175, 125, zLow, zHigh), 30, Label.Body);
  paint(base, new EllipticCylinder(0, 10, 172, 122, zLow, zHigh), -100);
  paint(base, new EllipticCylinder(0, 10, 161, 113, zLow, zHigh), 50);
  paint(base, new EllipticCylinder(0, 5, 152, 100, zLow, zHigh), -85);
  // Below the diaphragm: liver (right), spleen/stomach (left).
  const domeR = new Ellipsoid([-80, 0, -128], [95, 110, 100]);
  const domeL = new Ellipsoid([80, 0, -140], [95, 110, 100]);
  paint(base, domeR, 58);
  paint(base, domeL, 45);
  // Heart (with pericardial fat) — it cuts the lungs.
  const heartRotation = rotationXYZ(0.15, -0.35, 0.55);
  const heartCenter: Vec3 = [22 + rng.uniform(-3, 3), -22, -30];
  const heartRadii: Vec3 = [58, 47, 55];
  const heart = new Ellipsoid(heartCenter, heartRadii, heartRotation);
  const pericardium = new Offset(heart, 4);
  // Lungs: ellipsoids minus diaphragm domes minus heart.
  const lungR: Shape = new Difference(
    new Difference(new Ellipsoid([-85, 5, 20], [62, 86, 152]), domeR),
    new Offset(pericardium, 1),
  );
  const lungL: Shape = new Difference(
    new Difference(new Ellipsoid([87, 7, 15], [58, 84, 150]), domeL),
    new Offset(pericardium, 1),
  );
  paint(base, lungR, PARENCHYMA_HU, Label.Lung, Region.RightLung);
  paint(base, lungL, PARENCHYMA_HU, Label.Lung, Region.LeftLung);
  for (const op of base.slice(-2)) {
    op.huPerMmY = PARENCHYMA_HU_PER_MM_Y;
    op.refY = 0;
  }
  // Fissures: oblique both sides (posterior-superior to anterior-inferior), horizontal on the right.
  const obliqueNormal = normalize([0, 0.68, -0.73]);
  const oblique: Record<Side, Fissure> = {
    right: { point: [-85, 15, 5], normal: obliqueNormal },
    left: { point: [87, 15, 0], normal: obliqueNormal },
  };
  const horizontal: Fissure = { point: [-85, 0, 22], normal: [0, 0, 1] };
  const fissureHU = -700;
  const sheet = (f: Fissure): Sheet => new Sheet(f.point, f.normal, 0.5);
  paint(base, new Intersection([sheet(oblique.right), lungR]), fissureHU, Label.Fissure);
  paint(base, new Intersection([sheet(oblique.left), lungL]), fissureHU, Label.Fissure);
  paint(
    base,
    new Intersection([sheet(horizontal), lungR, new HalfSpace(oblique.right.point, obliqueNormal)]),
    fissureHU,
    Label.Fissure,
  );

  // Mediastinum and bones (painted after lung lesions, with the trees).
  paint(tree, pericardium, -90);
  paint(tree, heart, 45, Label.Heart);
  paint(tree, new Offset(heart, -9), blood, Label.Heart);
  const vessel = (a: Vec3, b: Vec3, r: number): void =>
    paint(tree, new TaperedCapsule(a, b, r, r), blood, Label.Vessel);
  vessel([12, -18, -5], [6, -12, 55], 15); // ascending aorta
  vessel([6, -12, 55], [16, 22, 72], 13); // arch
  vessel([16, 22, 72], [24, 52, 55], 12);
  vessel([24, 52, 55], [22, 58, zLow], 12); // descending aorta
  vessel([30, -38, 5], [22, -10, 38], 13); // pulmonary trunk
  vessel([-28, -14, -10], [-26, -8, 95], 10); // superior vena cava
  paint(tree, new TaperedCapsule([4, 58, zHigh], [4, 60, -60], 8, 8), 40); // oesophagus
  // Spine: discs column, vertebral bodies (cortex + trabecular), posterior arch, canal.
  paint(tree, new EllipticCylinder(0, 80, 17, 16, zLow, zHigh), 90, Label.Bone);
  for (let z = zLow; z < zHigh; z += 28) {
    paint(tree, new EllipticCylinder(0, 80, 18, 17, z + 3, z + 25), 700, Label.Bone);
    paint(tree, new EllipticCylinder(0, 80, 16, 15, z + 4.5, z + 23.5), 330 + rng.uniform(-20, 20), Label.Bone);
    paint(tree, new EllipticCylinder(0, 110, 16, 12, z + 4, z + 24), 650, Label.Bone);
    paint(tree, new TaperedCapsule([0, 118, z + 14], [0, 134, z + 6], 4, 3), 650, Label.Bone);
  }
  paint(tree, new EllipticCylinder(0, 108, 8, 7.5, zLow, zHigh), 25); // spinal canal (cord + CSF)
  // Sternum.
  paint(tree, new EllipticCylinder(0, -96, 14, 6, -45, 110), 700, Label.Bone);
  paint(tree, new EllipticCylinder(0, -96, 11.5, 3.8, -43, 108), 260, Label.Bone);
  // Ribs: arcs in the chest wall, sloping down anteriorly; cortex then marrow.
  for (let k = 0; k < 11; k++) {
    const zPost = 165 - 24 * k;
    for (const sign of [-1, 1]) {
      const steps = 14;
      let prev: Vec3 | undefined;
      for (let s = 0; s <= steps; s++) {
        const t = s / steps;
        const theta = 0.3 + t * (Math.PI - 0.75); // from posterior (+y) round to anterior (−y)
        const p: Vec3 = [sign * 157 * Math.sin(theta), 5 + 107 * Math.cos(theta), zPost - 45 * t];
        if (prev) {
          paint(tree, new TaperedCapsule(prev, p, 5, 5), 850, Label.Bone);
          paint(tree, new TaperedCapsule(prev, p, 3.2, 3.2), 220, Label.Bone);
        }
        prev = p;
      }
    }
  }
  // Airways: trachea, main bronchi, branching trees (wall then lumen; lumen leaves the lung region).
  const airway = (a: Vec3, b: Vec3, ra: number, rb: number): void => {
    const wall = Math.max(0.5, 0.18 * ra);
    paint(tree, new TaperedCapsule(a, b, ra, rb), 30, Label.Airway);
    paint(tree, new TaperedCapsule(a, b, ra - wall, rb - wall * (rb / ra)), -1000, Label.Airway, Region.None);
  };
  const carina: Vec3 = [0, 28, 45];
  airway([0, 22, zHigh], carina, 10, 10);
  const bronchusR: Vec3 = [-42, 30, 28];
  const bronchusL: Vec3 = [44, 32, 18];
  airway(carina, bronchusR, 8, 7);
  airway(carina, bronchusL, 7.5, 6.5);
  const hilumR: Vec3 = [-48, 8, 12];
  const hilumL: Vec3 = [48, 10, 8];
  const roots = (hilum: Vec3, sign: number, r: number) => [
    { start: hilum, direction: normalize([sign * 0.4, 0.1, 1]), radius: r },
    { start: hilum, direction: normalize([sign * 1, -0.5, -0.3]), radius: r },
    { start: hilum, direction: normalize([sign * 0.5, 0.5, -1]), radius: r },
  ];
  const vesselOptions = { minRadius: 0.5, maxSegments: 2600, lengthPerRadius: 6 };
  const vessels: Array<TreeSegment & { side: Side }> = [];
  for (const [side, hilum, lung, sign] of [
    ['right', hilumR, lungR, -1],
    ['left', hilumL, lungL, 1],
  ] as const) {
    for (const s of growTree(rng, roots(hilum, sign, 6), new Offset(lung, -1), vesselOptions)) {
      vessels.push({ ...s, side });
      paint(tree, new TaperedCapsule(s.a, s.b, s.ra, s.rb), blood === 250 ? 200 : 40, Label.Vessel);
    }
  }
  for (const [bronchus, lung, sign] of [
    [bronchusR, lungR, -1],
    [bronchusL, lungL, 1],
  ] as const) {
    const airwayOptions = { minRadius: 1.0, maxSegments: 400, lengthPerRadius: 7 };
    for (const s of growTree(rng, roots(bronchus, sign, 5), new Offset(lung, -2), airwayOptions)) {
      airway(s.a, s.b, s.ra, s.rb);
    }
  }
  return {
    baseOps: base,
    treeOps: tree,
    lungs: { right: lungR, left: lungL },
    oblique,
    horizontal,
    vessels,
    heart: { center: heartCenter, radii: heartRadii, rotation: heartRotation },
    zRange: [-125, 180],
    bloodHU: blood,
  };
}
