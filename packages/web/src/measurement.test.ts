import { describe, expect, it } from 'vitest';
import {
  addedGeometry,
  axesFromAnnotations,
  axesMm,
  type DrawnAnnotation,
  type ImagePlane,
  segmentMm,
  type Vec3,
  worldToPixel,
} from './measurement.js';

/** An axial 512² image, 0.7 mm pixels, at z = −120 (LPS: rows along +x, columns along +y). */
const axial: ImagePlane = {
  origin: [-180, -180, -120],
  rowCosines: [1, 0, 0],
  columnCosines: [0, 1, 0],
  rowSpacingMm: 0.7,
  columnSpacingMm: 0.7,
};

const length = (a: Vec3, b: Vec3): DrawnAnnotation => ({ tool: 'length', points: [a, b] });

describe('axes from what the reader drew', () => {
  it('takes an ellipse as both axes, the longer diameter as the long axis', () => {
    // Cornerstone's handles: bottom, top, left, right (vertical 8 mm, horizontal 12 mm).
    const ellipse: DrawnAnnotation = {
      tool: 'ellipse',
      points: [
        [10, 24, -120],
        [10, 16, -120],
        [4, 20, -120],
        [16, 20, -120],
      ],
    };
    const axes = axesFromAnnotations([ellipse]);
    expect(axes?.longAxisWorld).toEqual([
      [4, 20, -120],
      [16, 20, -120],
    ]);
    expect(axes && axesMm(axes)).toEqual({ longAxisMm: 12, shortAxisMm: 8 });
  });

  it('takes a length as the long axis, and an earlier nearly perpendicular length as the short one', () => {
    const long = length([0, 0, -120], [10.26, 0, -120]);
    expect(
      axesMm(
        axesFromAnnotations([long]) ?? {
          longAxisWorld: [
            [0, 0, 0],
            [0, 0, 0],
          ],
        },
      ),
    ).toEqual({
      longAxisMm: 10.3,
    });
    // Drawn short first, then long: the longer is the long axis whatever the order.
    const short = length([5, -3, -120], [5.5, 3.5, -120]); // ~4.4° off perpendicular
    const both = axesFromAnnotations([short, long]);
    expect(both?.longAxisWorld).toEqual(long.points);
    expect(both?.shortAxisWorld).toEqual(short.points);
    expect(axesFromAnnotations([long, short])?.longAxisWorld).toEqual(long.points);
    // 45°: not a short axis, so the newest length alone.
    const oblique = length([0, 0, -120], [4, 4, -120]);
    expect(axesFromAnnotations([oblique, long])?.shortAxisWorld).toBeUndefined();
  });

  it('has nothing without a usable annotation', () => {
    expect(axesFromAnnotations([])).toBeNull();
    expect(axesFromAnnotations([length([1, 1, 1], [1, 1, 1])])).toBeNull();
  });
});

describe('geometry of the added finding', () => {
  it('converts patient coordinates to pixels on axial and oblique planes', () => {
    expect(worldToPixel(axial, [-180 + 7, -180 + 14, -120])).toEqual([10, 20]);
    // A coronal plane (rows along +x, columns along −z) with anisotropic pixels.
    const coronal: ImagePlane = {
      origin: [0, 50, 0],
      rowCosines: [1, 0, 0],
      columnCosines: [0, 0, -1],
      rowSpacingMm: 2,
      columnSpacingMm: 0.5,
    };
    expect(worldToPixel(coronal, [5, 50, -30])).toEqual([10, 15]);
  });

  it('places the centre voxel in the middle of the axes, on the drawn frame', () => {
    const long: [Vec3, Vec3] = [
      [-180 + 7, -180 + 14, -120],
      [-180 + 21, -180 + 14, -120],
    ];
    const short: [Vec3, Vec3] = [
      [-180 + 14, -180 + 10.5, -120],
      [-180 + 14, -180 + 17.5, -120],
    ];
    const g = addedGeometry(
      { longAxisWorld: long, shortAxisWorld: short },
      { sopInstanceUID: '1.2.3', frameIndex: 42, plane: axial, rows: 512, columns: 512 },
    );
    expect(g).toEqual({
      referencedSopInstanceUID: '1.2.3',
      centerVoxel: [20, 20, 42],
      longAxisWorld: long,
      shortAxisWorld: short,
    });
    expect(segmentMm(long)).toBeCloseTo(14, 9);
    // A centre off the image is clamped into it.
    const off = addedGeometry(
      {
        longAxisWorld: [
          [-200, -200, -120],
          [-190, -200, -120],
        ],
      },
      { sopInstanceUID: '1.2.3', frameIndex: 0, plane: axial, rows: 512, columns: 512 },
    );
    expect(off.centerVoxel).toEqual([0, 0, 0]);
    expect(off.shortAxisWorld).toBeUndefined();
  });
});
