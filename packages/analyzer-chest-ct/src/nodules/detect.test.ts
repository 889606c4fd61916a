import { describe, expect, it } from 'vitest';
import { LungLabel } from '../lungs/types.js';
import { detectNodulesWithStats } from './detect.js';
import { cylinder, finishChest, paint, sphere, syntheticChest } from './testing.js';
import type { NoduleFinding } from './types.js';

type V3 = [number, number, number];

interface Truth {
  name: string;
  center: V3;
  diameterMm: number;
  type: string;
  volumeMm3?: number;
}

/**
 * A 77 × 77 × 50 mm lung box (−850 HU, σ 25 HU noise) in soft tissue with two vessels and five
 * nodules: solid 8 mm, ground-glass 10 mm at −650, part-solid 12 mm with a 5 mm solid core,
 * a 7 mm solid nodule touching the wall and a 7 mm solid nodule touching a vessel.
 */
function buildCase(seed: number): { result: ReturnType<typeof detectNodulesWithStats>; truth: Truth[] } {
  const c = syntheticChest([110, 110, 50], [0.7, 0.7, 1], 5);
  const vesselA = cylinder([20, 60, 0], [0, 0, 1], 1.3);
  const u = Math.hypot(1, 0.1);
  const vesselB = cylinder([0, 15, 40], [1 / u, 0.1 / u, 0], 1.5);
  paint(c, vesselA, 40, { center: [20, 60, 25], radiusMm: 40 });
  paint(c, vesselB, 40, { center: [38, 19, 40], radiusMm: 45 });
  const vol = (d: number): number => (Math.PI / 6) * d ** 3;
  const truth: Truth[] = [
    { name: 'solid', center: [25, 32, 15], diameterMm: 8, type: 'solid', volumeMm3: vol(8) },
    { name: 'ggn', center: [55, 28, 20], diameterMm: 10, type: 'ground-glass', volumeMm3: vol(10) },
    { name: 'part-solid', center: [55, 55, 28], diameterMm: 12, type: 'part-solid', volumeMm3: vol(12) },
    // Wall at x = 3.15 mm (between voxels 4 and 5): centre 0.85 r inside, so it touches the pleura.
    { name: 'juxtapleural', center: [3.15 + 0.85 * 3.5, 45, 35], diameterMm: 7, type: 'solid' },
    // Beside vessel A (x = 20, y = 60, radius 1.3): surface distance 0.85 r − r < 0, i.e. touching.
    {
      name: 'vessel-attached',
      center: [20 + 1.3 + 0.85 * 3.5, 60, 35],
      diameterMm: 7,
      type: 'solid',
      volumeMm3: vol(7),
    },
  ];
  for (const t of truth) {
    const hu = t.type === 'ground-glass' || t.type === 'part-solid' ? -650 : 30;
    paint(c, sphere(t.center, t.diameterMm / 2), hu, { center: t.center, radiusMm: t.diameterMm / 2 + 1 });
  }
  paint(c, sphere(truth[2]!.center, 2.5), 30, { center: truth[2]!.center, radiusMm: 3.5 });
  const { ct, lungs } = finishChest(c, 25, seed);
  return { result: detectNodulesWithStats(ct, lungs, { parameters: {} }), truth };
}

function match(nodules: NoduleFinding[], t: Truth): NoduleFinding | undefined {
  return nodules.find((n) => {
    const w = n.finding.geometry?.centerWorld ?? [0, 0, 0];
    return Math.hypot(w[0] - t.center[0], w[1] - t.center[1], w[2] - t.center[2]) <= Math.max(3, t.diameterMm / 2);
  });
}

/** The findings whose centre lies within `mm` of point `p` (world mm). */
function within(found: readonly NoduleFinding[], p: readonly number[], mm: number): NoduleFinding[] {
  return found.filter((n) => {
    const w = n.finding.geometry?.centerWorld ?? [0, 0, 0];
    return Math.hypot(w[0] - (p[0] ?? 0), w[1] - (p[1] ?? 0), w[2] - (p[2] ?? 0)) <= mm;
  });
}

describe('detectNodules on a synthetic chest', () => {
  const { result, truth } = buildCase(7);
  const nodules = result.nodules;

  it('finds every nodule and reports nothing else (vessels are not nodules)', () => {
    for (const t of truth) expect(match(nodules, t), t.name).toBeDefined();
    expect(nodules.length).toBe(truth.length);
  });

  it('measures diameters within 1 mm and volumes within 15 % (looser beside a vessel)', () => {
    for (const t of truth) {
      const d = match(nodules, t)?.details;
      if (!d) throw new Error(`missing ${t.name}`);
      if (t.name !== 'juxtapleural') {
        expect(
          Math.abs(d.meanDiameterMm - t.diameterMm),
          `${t.name} mean diameter ${d.meanDiameterMm}`,
        ).toBeLessThanOrEqual(1);
        // Known limitation: a vessel running tangent to a nodule leaves a fillet the opening
        // cannot remove, which lengthens the long axis by up to ~2 mm (the mean stays within 1 mm).
        const tolerance = t.name === 'vessel-attached' ? 2 : 1;
        expect(Math.abs(d.longAxisMm - t.diameterMm), `${t.name} long axis ${d.longAxisMm}`).toBeLessThanOrEqual(
          tolerance,
        );
      }
      if (t.volumeMm3 !== undefined) {
        const err = Math.abs(d.volumeMm3 - t.volumeMm3) / t.volumeMm3;
        // The vessel's contact strip counts towards the attached nodule's volume (known limitation).
        const limit = t.name === 'vessel-attached' ? 0.35 : 0.15;
        expect(err, `${t.name} volume ${d.volumeMm3} vs ${t.volumeMm3.toFixed(0)}`).toBeLessThanOrEqual(limit);
      }
      expect(d.shortAxisMm).toBeLessThanOrEqual(d.longAxisMm);
    }
  });

  it('types nodules by attenuation and measures the solid component', () => {
    for (const t of truth) expect(match(nodules, t)?.details?.type, t.name).toBe(t.type);
    const ps = match(nodules, truth[2]!)?.details;
    expect(ps?.solidComponentMm).toBeGreaterThan(3.5);
    expect(ps?.solidComponentMm).toBeLessThan(6.5);
  });

  it('flags the juxtapleural nodule only', () => {
    expect(match(nodules, truth[3]!)?.details?.juxtapleural).toBe(true);
    for (const t of [truth[0]!, truth[1]!, truth[2]!])
      expect(match(nodules, t)?.details?.juxtapleural, t.name).toBe(false);
  });

  it('builds result findings with geometry, measurements, location and guideline categories', () => {
    const f = match(nodules, truth[0]!)?.finding;
    expect(f?.type).toBe('nodule');
    expect(f?.attributes.noduleType).toBe('solid');
    expect(f?.attributes.side).toBe('right');
    expect(f?.measurements.find((m) => m.key === 'meanDiameterMm')?.unit).toBe('mm');
    expect(f?.categories.map((c) => c.system)).toEqual(['lung-rads-2022', 'fleischner-2017', 'brock']);
    // Solid 8 mm at baseline: Lung-RADS 4A (8 ≤ d < 15).
    expect(f?.categories[0]?.value).toBe('4A');
    const g = f?.geometry;
    expect(g?.referencedSopInstanceUID).toMatch(/^2\.25\./);
    const [a, b] = g?.longAxisWorld ?? [
      [0, 0, 0],
      [0, 0, 0],
    ];
    expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])).toBeCloseTo(
      match(nodules, truth[0]!)?.details?.longAxisMm ?? 0,
      0,
    );
    // Segmentation voxels are on the CT grid and lie inside the nodule's box.
    const vox = match(nodules, truth[0]!)?.voxels;
    expect(vox?.length).toBeGreaterThan(100);
  });
});

describe('detectNodules false-positive rules', () => {
  /** Capped cylinder along z (signed distance, mm). */
  const segmentZ =
    (cx: number, cy: number, cz: number, r: number, halfLength: number) =>
    (x: number, y: number, z: number): number =>
      Math.max(Math.hypot(x - cx, y - cy) - r, Math.abs(z - cz) - halfLength);

  it('does not report a bronchus segment (wall ring around air) nor a blob cut by the last slice', () => {
    const c = syntheticChest([110, 110, 40], [0.7, 0.7, 1], 5);
    // Bronchus: 7 mm across, 1.2 mm wall, 10 mm long, in the middle of the lung.
    paint(c, segmentZ(40, 40, 20, 3.5, 5), -300, { center: [40, 40, 20], radiusMm: 7 });
    paint(c, segmentZ(40, 40, 20, 2.3, 5.5), -1000, { center: [40, 40, 20], radiusMm: 7 });
    // A solid blob centred on the last slice (z = 39 mm): its extent is unknown.
    paint(c, sphere([60, 60, 39], 4), 30, { center: [60, 60, 39], radiusMm: 5 });
    // A control nodule the rules must keep.
    paint(c, sphere([25, 65, 15], 4), 30, { center: [25, 65, 15], radiusMm: 5 });
    const { ct, lungs } = finishChest(c, 20, 3);
    const { nodules, stats } = detectNodulesWithStats(ct, lungs, { parameters: {}, trace: true });
    const near = (p: V3): NoduleFinding[] => within(nodules, p, 5);
    expect(near([25, 65, 15])).toHaveLength(1);
    expect(near([40, 40, 20])).toHaveLength(0);
    expect(near([60, 60, 39])).toHaveLength(0);
    expect(stats.rejected['scan-end'] ?? 0).toBeGreaterThanOrEqual(1);
    expect(stats.trace?.length).toBeGreaterThan(0);
  });
});

describe('detectNodules on small and calcified nodules', () => {
  it('finds a 5 mm solid nodule and a 5 mm calcified nodule (typed calcified) and nothing else', () => {
    const c = syntheticChest([110, 110, 40], [0.7, 0.7, 1], 5);
    const vessel = cylinder([55, 0, 20], [0, 1, 0], 1.2);
    paint(c, vessel, 40, { center: [55, 38, 20], radiusMm: 45 });
    const solid: V3 = [22, 25, 14];
    const calcified: V3 = [30, 58, 26];
    paint(c, sphere(solid, 2.5), 30, { center: solid, radiusMm: 3.5 });
    paint(c, sphere(calcified, 2.5), 500, { center: calcified, radiusMm: 3.5 });
    const { ct, lungs } = finishChest(c, 25, 11);
    const { nodules } = detectNodulesWithStats(ct, lungs, { parameters: {} });
    const near = (p: V3): NoduleFinding[] => within(nodules, p, 3);
    expect(near(solid)).toHaveLength(1);
    expect(near(calcified)).toHaveLength(1);
    expect(near(solid)[0]?.details?.type).toBe('solid');
    expect(near(calcified)[0]?.details?.type).toBe('calcified');
    expect(Math.abs((near(solid)[0]?.details?.meanDiameterMm ?? 0) - 5)).toBeLessThanOrEqual(1);
    expect(nodules).toHaveLength(2);
  });
});

describe('detectNodules on 5 mm slices', () => {
  it('keeps a 6 mm solid nodule that two slices halve (dense "ground glass"), which 0.11.0 dropped as a vessel piece', () => {
    const c = syntheticChest([110, 110, 12], [0.7, 0.7, 5], 5);
    const vessel = cylinder([55, 0, 30], [0, 1, 0], 1.2);
    paint(c, vessel, 40, { center: [55, 38, 30], radiusMm: 45 });
    // Centred between the slices at z = 30 and 35 mm: each shows a partial-volumed section.
    const nodule: V3 = [25, 30, 32.5];
    paint(c, sphere(nodule, 3), 30, { center: nodule, radiusMm: 4 });
    const { ct, lungs } = finishChest(c, 25, 11);
    const near = (found: NoduleFinding[]): NoduleFinding[] => within(found, nodule, 3);
    const { nodules } = detectNodulesWithStats(ct, lungs, { parameters: {} });
    expect(near(nodules)).toHaveLength(1);
    // Partial volume leaves it under the solid level (typed ground glass) but far denser than one.
    expect(near(nodules)[0]?.details?.meanHu).toBeGreaterThan(-560);
    // The vessel is no finding.
    expect(nodules).toHaveLength(1);
    // The vessel-fragment tests as they were (below 10 mm) drop it.
    const before = detectNodulesWithStats(ct, lungs, { parameters: { noduleVesselFragmentMaxDiameterMm: 10 } });
    expect(near(before.nodules)).toHaveLength(0);
    expect(before.stats.rejected['vessel-fragment']).toBeGreaterThanOrEqual(1);
  });
});

describe('detectNodules beside a thick vessel', () => {
  it('keeps an 8 mm nodule touching a vessel nearly as thick (scored, not rejected), not the vessel', () => {
    const c = syntheticChest([110, 110, 50], [0.7, 0.7, 1], 5);
    // Vessel radius 2.8 mm along z, the nodule (radius 4 mm) touching it: the stump cut off beside
    // the nodule is more than 0.8 of its radius, where a hard neck limit of 0.8 rejected it.
    const vesselR = 2.8;
    paint(c, cylinder([30, 40, 0], [0, 0, 1], vesselR), 40, { center: [30, 40, 25], radiusMm: 40 });
    const nodule: V3 = [30 + vesselR + 0.85 * 4, 40, 25];
    paint(c, sphere(nodule, 4), 30, { center: nodule, radiusMm: 5 });
    const { ct, lungs } = finishChest(c, 25, 5);
    const near = (found: NoduleFinding[]): NoduleFinding[] => within(found, nodule, 4);
    const { nodules } = detectNodulesWithStats(ct, lungs, { parameters: {} });
    expect(near(nodules)).toHaveLength(1);
    const shape = near(nodules)[0]?.details?.shape;
    expect(shape?.attachments).toBeGreaterThanOrEqual(1);
    expect(shape?.neckRatio).toBeGreaterThan(0.8);
    // Blob-like once the vessel is left out, less so with the vessel around the seed.
    expect(shape?.coreBlobness).toBeGreaterThan(0.7);
    expect(shape?.coreBlobness).toBeGreaterThan(shape?.blobness ?? 1);
    expect(Math.abs((near(nodules)[0]?.details?.meanDiameterMm ?? 0) - 8)).toBeLessThanOrEqual(1);
    // The vessel itself is no finding.
    expect(nodules).toHaveLength(1);
    // With the neck as a hard limit at 0.8 (analyzer 0.3.0) the nodule was lost.
    const strict = detectNodulesWithStats(ct, lungs, { parameters: { noduleMaxNeckRatio: 0.8 } });
    expect(near(strict.nodules)).toHaveLength(0);
  });
});

describe('detectNodules: a 6 mm nodule beside a thicker vessel', () => {
  it('frees it by erosion where no opening can, and only below the size limit', () => {
    const c = syntheticChest([110, 110, 50], [0.7, 0.7, 1], 5);
    // Vessel radius 3.5 mm, nodule radius 3 mm touching it: every opening that keeps the nodule
    // keeps the vessel too, so the seed's object runs out of the crop.
    const vesselR = 3.5;
    paint(c, cylinder([30, 40, 0], [0, 0, 1], vesselR), 40, { center: [30, 40, 25], radiusMm: 40 });
    const nodule: V3 = [30 + vesselR + 0.85 * 3, 40, 25];
    paint(c, sphere(nodule, 3), 30, { center: nodule, radiusMm: 4 });
    const { ct, lungs } = finishChest(c, 25, 5);
    const { nodules } = detectNodulesWithStats(ct, lungs, { parameters: {} });
    const found = within(nodules, nodule, 3);
    expect(found).toHaveLength(1);
    expect(Math.abs((found[0]?.details?.meanDiameterMm ?? 0) - 6)).toBeLessThanOrEqual(1);
    expect(found[0]?.details?.shape.attachments).toBeGreaterThanOrEqual(1);
    // The vessel itself is no finding.
    expect(nodules).toHaveLength(1);
    // Without the erosion split (analyzer ≤ 0.14.0) the nodule was lost with its vessel.
    const old = detectNodulesWithStats(ct, lungs, { parameters: { noduleErosionSplit: 0 } });
    expect(within(old.nodules, nodule, 3)).toHaveLength(0);
    expect(old.stats.rejected['extends-beyond-crop'] ?? 0).toBeGreaterThanOrEqual(1);
    // Objects deeper than half the size limit are not split.
    const limited = detectNodulesWithStats(ct, lungs, { parameters: { noduleVesselSideMaxDiameterMm: 5 } });
    expect(within(limited.nodules, nodule, 3)).toHaveLength(0);
  });
});

describe('detectNodules: a 7 mm nodule sunk into a vessel as thick', () => {
  it('seeds it from the denser mask, where the candidate mask joins the two into one object', () => {
    const c = syntheticChest([110, 110, 50], [0.7, 0.7, 1], 5);
    // Vessel and nodule radius 3.5 mm, the nodule's centre 0.7 r beyond the vessel's surface: at the
    // candidate mask's low threshold the two blur into one object whose deepest points lie on the vessel.
    const vesselR = 3.5;
    paint(c, cylinder([30, 40, 0], [0, 0, 1], vesselR), 40, { center: [30, 40, 25], radiusMm: 40 });
    const nodule: V3 = [30 + vesselR + 0.7 * 3.5, 40, 25];
    paint(c, sphere(nodule, 3.5), 30, { center: nodule, radiusMm: 4.5 });
    const { ct, lungs } = finishChest(c, 25, 5);
    const { nodules, stats } = detectNodulesWithStats(ct, lungs, { parameters: {}, trace: true });
    const found = within(nodules, nodule, 3);
    expect(found).toHaveLength(1);
    expect(Math.abs((found[0]?.details?.meanDiameterMm ?? 0) - 7)).toBeLessThanOrEqual(1);
    expect(nodules).toHaveLength(1);
    const [i, j, k] = found[0]?.details?.centerVoxel ?? [0, 0, 0];
    const accepted = stats.trace?.filter((t) => t.outcome === 'accepted') ?? [];
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.source).toBe('solid');
    expect(Math.hypot(accepted[0]!.voxel[0] - i, accepted[0]!.voxel[1] - j, accepted[0]!.voxel[2] - k)).toBeLessThan(5);
    // Without the solid seeds (analyzer ≤ 0.14.0) no seed lies on the nodule.
    const old = detectNodulesWithStats(ct, lungs, { parameters: { noduleSolidSeedContrastHu: 0 } });
    expect(within(old.nodules, nodule, 3)).toHaveLength(0);
  });
});

describe('detectNodules: a 14 mm nodule beside a 12 mm vessel', () => {
  it('opens wider for a blob-like seed: the nodule is found, the vessel is not', () => {
    const c = syntheticChest([110, 110, 60], [0.7, 0.7, 1], 5);
    const nodule: V3 = [45, 40, 30];
    // Vessel radius 5.95 mm = 0.85 of the nodule's: an opening of 0.8 r keeps it joined to the
    // nodule, so the object runs out of the crop; 0.95 r takes it off.
    const vesselR = 0.85 * 7;
    const axis: V3 = [nodule[0] - 0.9 * 7 - vesselR, nodule[1], 0];
    paint(c, cylinder(axis, [0, 0, 1], vesselR), 40, { center: [axis[0], axis[1], 30], radiusMm: 60 });
    paint(c, sphere(nodule, 7), 30, { center: nodule, radiusMm: 8 });
    const { ct, lungs } = finishChest(c, 25, 1);
    const { nodules } = detectNodulesWithStats(ct, lungs, { parameters: {} });
    expect(within(nodules, nodule, 4)).toHaveLength(1);
    expect(Math.abs((within(nodules, nodule, 4)[0]?.details?.meanDiameterMm ?? 0) - 14)).toBeLessThanOrEqual(1);
    expect(nodules).toHaveLength(1);
    // Without the wider opening (analyzer ≤ 0.6.0) the nodule was lost with its vessel.
    const old = detectNodulesWithStats(ct, lungs, { parameters: { noduleWideOpeningMinBlobness: 2 } });
    expect(within(old.nodules, nodule, 4)).toHaveLength(0);
    expect(old.stats.rejected['extends-beyond-crop'] ?? 0).toBeGreaterThanOrEqual(1);
  });
});

describe('detectNodules: ground glass beside a vessel as thick as its radius', () => {
  it('finds a 13 mm ground-glass nodule touching an 11 mm vessel whose own seed runs out of the crop', () => {
    const c = syntheticChest([110, 110, 60], [0.7, 0.7, 1], 5);
    const ggn: V3 = [45, 38, 30];
    const vesselR = 5.5;
    // The vessel (along z) touches the nodule: the seed at the nodule's centre takes the vessel
    // into its region and no opening cuts it off; the ground-glass channel's point there is
    // segmented inside the band, where the vessel is not.
    const axis: V3 = [ggn[0] - 6.5 - vesselR, ggn[1], 0];
    paint(c, cylinder(axis, [0, 0, 1], vesselR), 40, { center: [axis[0], axis[1], 30], radiusMm: 45 });
    paint(c, sphere(ggn, 6.5), -650, { center: ggn, radiusMm: 7.5 });
    const { ct, lungs } = finishChest(c, 25, 3);
    const { nodules, stats } = detectNodulesWithStats(ct, lungs, { parameters: {} });
    const found = within(nodules, ggn, 4);
    expect(found).toHaveLength(1);
    expect(found[0]?.details?.type).toBe('ground-glass');
    expect(Math.abs((found[0]?.details?.meanDiameterMm ?? 0) - 13)).toBeLessThanOrEqual(1);
    // One finding: the vessel is none, and the nodule's two seeds give one nodule.
    expect(nodules).toHaveLength(1);
    expect(stats.rejected.duplicate ?? 0).toBeGreaterThanOrEqual(1);
    // Analyzer ≤ 0.6.0 skipped channel points beside a seed that passed the blob test: lost.
    const old = detectNodulesWithStats(ct, lungs, { parameters: { noduleGgnChannelSkipNearSeed: 0.5 } });
    expect(within(old.nodules, ggn, 4)).toHaveLength(0);
    expect(old.stats.rejected['extends-beyond-crop'] ?? 0).toBeGreaterThanOrEqual(1);
  });
});

/** Tapered spike from `a` along unit `u`: radius `r0` at the base, 0 at `length` mm. */
const spike =
  (a: V3, u: V3, length: number, r0: number) =>
  (x: number, y: number, z: number): number => {
    const t = Math.max(0, Math.min(length, (x - a[0]) * u[0] + (y - a[1]) * u[1] + (z - a[2]) * u[2]));
    return Math.hypot(x - a[0] - t * u[0], y - a[1] - t * u[1], z - a[2] - t * u[2]) - r0 * (1 - t / length);
  };

/** The six axis directions. */
const AXES: readonly V3[] = [
  [1, 0, 0],
  [-1, 0, 0],
  [0, 1, 0],
  [0, -1, 0],
  [0, 0, 1],
  [0, 0, -1],
];

describe('detectNodules: spicules and vessels beside the object', () => {
  const centre: V3 = [38, 38, 30];
  const near = (found: NoduleFinding[]): NoduleFinding[] => within(found, centre, 4);

  it('counts the spicules of a 6 mm spiculated nodule as its own, not as vessels', () => {
    const c = syntheticChest([110, 110, 60], [0.7, 0.7, 1], 5);
    paint(c, sphere(centre, 3), 30, { center: centre, radiusMm: 4 });
    const dirs: V3[] = [...AXES, [0.6, 0.8, 0], [-0.6, 0.8, 0], [0.6, 0, 0.8], [0, -0.6, -0.8]];
    // Spicules 6 mm long, 1 mm thick at the base, ending well inside the nodule's crop.
    for (const u of dirs) {
      const base: V3 = [centre[0] + 2 * u[0], centre[1] + 2 * u[1], centre[2] + 2 * u[2]];
      paint(c, spike(base, u, 6, 1), 30, { center: centre, radiusMm: 10 });
    }
    const { ct, lungs } = finishChest(c, 25, 3);
    const found = near(detectNodulesWithStats(ct, lungs, { parameters: {} }).nodules);
    expect(found).toHaveLength(1);
    const shape = found[0]?.details?.shape;
    // Analyzer 0.4 counted each spicule as an attached vessel (8 here) and took 2.56 off the score.
    expect(shape?.attachments).toBe(0);
    expect(shape?.spicules).toBeGreaterThanOrEqual(5);
    expect(shape?.throughVessel).toBe(0);
    expect(found[0]?.details?.confidence).toBeGreaterThan(0.9);
  });

  it('reports no nodule on a vessel with a fusiform widening (a stretch of one vessel)', () => {
    const c = syntheticChest([110, 110, 60], [0.7, 0.7, 1], 5);
    // A 3.6 mm vessel along i widening to 7.2 mm over one stretch: analyzer 0.4.1 reported it as a
    // 8.6 mm solid nodule at confidence 0.58 (two vessel stumps, neck ratio 0.65 were not enough).
    paint(c, cylinder([0, centre[1], centre[2]], [1, 0, 0], 1.8), 40, { center: centre, radiusMm: 45 });
    paint(c, sphere(centre, 3.6), 40, { center: centre, radiusMm: 4.6 });
    const { ct, lungs } = finishChest(c, 25, 3);
    // With the fusiform rule off: the facts it reads. The ranker alone (analyzer 0.10.0) gave it
    // 0.39, above the floor: the phantoms' vessel trees have no such widenings to learn from.
    const unruled = { noduleMinConfidence: 0, noduleFusiformMinThroughVessel: 1.1 };
    const all = detectNodulesWithStats(ct, lungs, { parameters: unruled }).nodules;
    const shape = near(all)[0]?.details?.shape;
    expect(shape?.attachments).toBe(2);
    expect(shape?.throughVessel).toBeGreaterThan(0.95);
    expect(shape?.neckRatio).toBeGreaterThanOrEqual(0.5);
    const { nodules, stats } = detectNodulesWithStats(ct, lungs, { parameters: {} });
    expect(near(nodules)).toHaveLength(0);
    expect(stats.rejected['fusiform-vessel']).toBeGreaterThanOrEqual(1);
  });
});

/** 0.12.0's volume weighting (level from every interior voxel, spicules left out, interior weighed). */
const VOLUME_0_12 = {
  noduleVolumeLevelClearOfSolidVoxels: 0,
  noduleVolumeSpiculeReachMm: 0,
  noduleVolumeInteriorInFull: 0,
};

/** Volume (mm³) of the region where `sdf` < 0, counted on a 0.1 mm grid within `halfMm` of `centre`. */
function gridVolume(sdf: (x: number, y: number, z: number) => number, centre: V3, halfMm: number): number {
  let inside = 0;
  const n = Math.round((2 * halfMm) / 0.1);
  for (let c = 0; c <= n; c++)
    for (let b = 0; b <= n; b++)
      for (let a = 0; a <= n; a++)
        if (sdf(centre[0] - halfMm + a * 0.1, centre[1] - halfMm + b * 0.1, centre[2] - halfMm + c * 0.1) < 0) inside++;
  return inside * 0.001;
}

describe('detectNodules: volume of a part-solid nodule', () => {
  it('counts its ground glass in full although the solid part sets its typical HU', () => {
    // A 14 mm ground-glass nodule (−650 HU) with a 7 mm solid core (30 HU): with the core's blurred
    // edge, the object's 75th percentile lies well above the ground glass.
    const c = syntheticChest([110, 110, 50], [0.7, 0.7, 1], 5);
    const centre: V3 = [38, 38, 25];
    paint(c, sphere(centre, 7), -650, { center: centre, radiusMm: 8 });
    paint(c, sphere(centre, 3.5), 30, { center: centre, radiusMm: 4.5 });
    const { ct, lungs } = finishChest(c, 20, 21);
    const found = within(detectNodulesWithStats(ct, lungs, { parameters: {} }).nodules, centre, 4);
    expect(found).toHaveLength(1);
    const d = found[0]?.details;
    expect(d?.type).toBe('part-solid');
    const truth = (4 / 3) * Math.PI * 7 ** 3;
    const error = ((d?.volumeMm3 ?? 0) - truth) / truth;
    // Weighed against the 75th percentile (analyzer ≤ 0.8.0) it came out 22 % low; with the level
    // from every interior voxel, the core's blurred edge among them (0.9.0–0.12.0), 6 % low.
    expect(Math.abs(error)).toBeLessThan(0.05);
    const old = within(detectNodulesWithStats(ct, lungs, { parameters: VOLUME_0_12 }).nodules, centre, 4)[0]?.details;
    expect(((old?.volumeMm3 ?? 0) - truth) / truth).toBeLessThan(error - 0.02);
  });
});

describe('detectNodules on 5 mm slices', () => {
  it('keeps a 17 mm solid nodule touching the pleura whose partial-volumed slices pull its mean below −80 HU', () => {
    // 77 × 77 × 60 mm box on 5 mm slices; the wall at x = 3.15 mm. The nodule's centre lies between
    // two slices and 0.8 r from the wall, so it touches the pleura over a small part of its surface.
    const c = syntheticChest([110, 110, 12], [0.7, 0.7, 5], 5);
    const r = 8.5;
    const centre: V3 = [3.15 + 0.8 * r, 40, 27.5];
    paint(c, sphere(centre, r), 30, { center: centre, radiusMm: r + 1 });
    const { ct, lungs } = finishChest(c, 25, 4);
    const onIt = (all: NoduleFinding[]): NoduleFinding[] => within(all, centre, r);
    const found = onIt(detectNodulesWithStats(ct, lungs, { parameters: {} }).nodules);
    expect(found).toHaveLength(1);
    const d = found[0]?.details;
    expect(d?.type).toBe('solid');
    expect(d?.meanDiameterMm).toBeGreaterThan(14);
    expect(d?.meanDiameterMm).toBeLessThan(20);
    // What made analyzer ≤ 0.5.0 drop it as extrapulmonary fat: mean < −80 HU and any contact > 2 %.
    expect(d?.meanHu).toBeLessThan(-80);
    expect(d?.shape.pleuralContact).toBeGreaterThan(0.02);
    expect(d?.shape.pleuralContact).toBeLessThanOrEqual(0.1);
    const old = detectNodulesWithStats(ct, lungs, { parameters: { noduleFatMinPleuralContact: 0.02 } });
    expect(onIt(old.nodules)).toHaveLength(0);
    expect(old.stats.rejected['extrapulmonary-fat']).toBeGreaterThan(0);
  });
});

describe('detectNodules beside an oblique chest wall on 5 mm slices', () => {
  /**
   * A 77 × 77 × 60 mm box on 5 mm slices with a chest wall inside it whose surface runs obliquely
   * through the slices (x < 10 + 0.8 (z − 25) mm): each slice shows its partial volume as a band
   * ≈ 4 mm wide, and the lung mask (HU < −400, as the lung step thresholds) keeps the band's fainter
   * part. A 7 mm solid nodule touches the wall on its middle slice; on the slice above, the wall has
   * moved in under it.
   */
  function scene(): {
    ct: ReturnType<typeof finishChest>['ct'];
    lungs: ReturnType<typeof finishChest>['lungs'];
    centre: V3;
  } {
    const c = syntheticChest([110, 110, 12], [0.7, 0.7, 5], 5);
    const wall = (x: number, _y: number, z: number): number => (x - 10 - 1.5 * (z - 25)) / Math.hypot(1, 1.5);
    paint(c, wall, 40, { center: [10, 40, 30], radiusMm: 40 });
    // The lung mask: the wall's own HU (before the nodule) below −400.
    const wallHu = c.hu.slice();
    const r = 3.5;
    const centre: V3 = [10 + 0.85 * r, 40, 25];
    paint(c, sphere(centre, r), 30, { center: centre, radiusMm: r + 1 });
    const { ct, lungs } = finishChest(c, 20, 11);
    for (let p = 0; p < wallHu.length; p++) if ((wallHu[p] ?? 0) >= -400) lungs.labels[p] = LungLabel.Body;
    return { ct, lungs, centre };
  }

  it('finds the juxtapleural nodule, measured without the wall, and reports nothing on the wall', () => {
    const { ct, lungs, centre } = scene();
    const found = detectNodulesWithStats(ct, lungs, { parameters: {} }).nodules;
    expect(found).toHaveLength(1);
    const d = found[0]?.details;
    expect(within(found, centre, 2)).toHaveLength(1);
    expect(d?.type).toBe('solid');
    expect(d?.meanDiameterMm).toBeGreaterThan(6);
    expect(d?.meanDiameterMm).toBeLessThan(8.5);
    // The slice above shows the wall (3-D contact high); in-plane the nodule only touches it.
    expect(d?.shape.pleuralContact).toBeGreaterThan(0.45);
    expect(d?.shape.inPlaneContact).toBeLessThan(0.2); // the limit on thick slices is 0.3
    // The wall's partial-volume band left beside it is not a vessel.
    expect(d?.shape.attachments).toBe(0);
  });

  it('lost it with analyzer 0.7.0 (no slice clip, contact over all six neighbours)', () => {
    const { ct, lungs, centre } = scene();
    const old = detectNodulesWithStats(ct, lungs, {
      parameters: { noduleSliceClipMinSpacingMm: 99, noduleContactInPlaneMinSpacingMm: 99 },
    });
    expect(within(old.nodules, centre, 5)).toHaveLength(0);
    expect(old.stats.rejected['pleural-contact']).toBeGreaterThan(0);
  });

  it('does not report chest wall that the lung mask took in (a notch of tissue in the mask)', () => {
    // The wall at x ≤ 3.15 mm; the mask takes in a 6 mm-radius half ball of it (as a closing can).
    const c = syntheticChest([110, 110, 12], [0.7, 0.7, 5], 5);
    const notch: V3 = [3.15, 40, 25];
    const { ct, lungs } = finishChest(c, 20, 12);
    const [nx, ny] = ct.dimensions;
    for (let k = 0; k < 12; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < 5; i++)
          if (Math.hypot(i * 0.7 - notch[0], j * 0.7 - notch[1], k * 5 - notch[2]) <= 6)
            lungs.labels[i + nx * (j + ny * k)] = LungLabel.RightLung;
    const result = detectNodulesWithStats(ct, lungs, { parameters: {} });
    expect(within(result.nodules, notch, 8)).toHaveLength(0);
    expect(result.stats.rejected['pleural-contact']).toBeGreaterThan(0);
  });
});

describe('detectNodules: volume of a lobulated ground-glass nodule', () => {
  it('counts the lobes the vessel opening cuts off (they end inside the crop) as its own', () => {
    // An 8 mm ground-glass core (−650 HU) with six 5 mm lobes 3 mm off its centre, as the
    // phantom's lobulated nodules are built; the opening that separates vessels cuts lobes off too.
    const c = syntheticChest([110, 110, 60], [0.7, 0.7, 1], 5);
    const centre: V3 = [38, 38, 30];
    const parts = [
      sphere(centre, 4),
      ...AXES.map((u) => sphere([centre[0] + 3 * u[0], centre[1] + 3 * u[1], centre[2] + 3 * u[2]], 2.5)),
    ];
    const union = (x: number, y: number, z: number): number => Math.min(...parts.map((f) => f(x, y, z)));
    paint(c, union, -650, { center: centre, radiusMm: 7 });
    const truth = gridVolume(union, centre, 7);
    const { ct, lungs } = finishChest(c, 20, 3);
    const measured = (parameters: Record<string, number>) => {
      const found = within(detectNodulesWithStats(ct, lungs, { parameters }).nodules, centre, 4);
      expect(found).toHaveLength(1);
      expect(found[0]?.details?.type).toBe('ground-glass');
      // The lobes came off as parts ending inside the crop (spicules), none as a vessel.
      expect(found[0]?.details?.shape.spicules).toBeGreaterThanOrEqual(1);
      expect(found[0]?.details?.shape.attachments).toBe(0);
      return ((found[0]?.details?.volumeMm3 ?? 0) - truth) / truth;
    };
    expect(Math.abs(measured({}))).toBeLessThan(0.1);
    // 0.12.0 left the cut-off lobes out: 18 % low.
    expect(measured(VOLUME_0_12)).toBeLessThan(-0.12);
  });
});
