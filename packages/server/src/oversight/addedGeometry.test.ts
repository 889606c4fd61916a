import { LingshuError } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { checkAgainstImage, lengthMm, parseAddedGeometry } from './addedGeometry.js';

const valid = {
  referencedSopInstanceUID: '1.2.826.0.1.3680043.8.498.1',
  centerVoxel: [64, 70, 12],
  longAxisWorld: [
    [-10, 5, -100],
    [2, 5, -100],
  ],
  shortAxisWorld: [
    [-4, 1, -100],
    [-4, 9, -100],
  ],
};

function parameterOf(raw: unknown): string | undefined {
  try {
    parseAddedGeometry(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(LingshuError);
    expect((e as LingshuError).code).toBe('HTTP_BAD_PARAMETER');
    return (e as LingshuError).details?.parameter as string;
  }
  return undefined;
}

describe('parseAddedGeometry', () => {
  it('keeps a valid geometry as given', () => {
    const g = parseAddedGeometry(valid);
    expect(g).toEqual(valid);
    expect(lengthMm(g.longAxisWorld)).toBeCloseTo(12, 9);
    const { shortAxisWorld: _, ...longOnly } = valid;
    expect(parseAddedGeometry(longOnly).shortAxisWorld).toBeUndefined();
  });

  it('names the bad field', () => {
    expect(parameterOf(null)).toBe('finding.geometry.');
    expect(parameterOf({ ...valid, referencedSopInstanceUID: '1.2.x' })).toBe(
      'finding.geometry.referencedSopInstanceUID',
    );
    expect(parameterOf({ ...valid, centerVoxel: [1, 2] })).toBe('finding.geometry.centerVoxel');
    expect(parameterOf({ ...valid, centerVoxel: [1, -2, 3] })).toBe('finding.geometry.centerVoxel');
    expect(parameterOf({ ...valid, centerVoxel: [1, 2, 3.5] })).toBe('finding.geometry.centerVoxel');
    expect(
      parameterOf({
        ...valid,
        longAxisWorld: [
          [0, 0, Number.NaN],
          [1, 0, 0],
        ],
      }),
    ).toBe('finding.geometry.longAxisWorld[0]');
    // Zero length, and longer than the form's 300 mm.
    expect(
      parameterOf({
        ...valid,
        longAxisWorld: [
          [1, 1, 1],
          [1, 1, 1],
        ],
      }),
    ).toBe('finding.geometry.longAxisWorld');
    expect(
      parameterOf({
        ...valid,
        longAxisWorld: [
          [0, 0, 0],
          [301, 0, 0],
        ],
      }),
    ).toBe('finding.geometry.longAxisWorld');
    expect(parameterOf({ ...valid, extra: 1 })).toBe('finding.geometry.extra');
  });

  it('refuses a short axis longer than the long one or not perpendicular to it', () => {
    expect(
      parameterOf({
        ...valid,
        shortAxisWorld: [
          [0, 0, -100],
          [0, 20, -100],
        ],
      }),
    ).toBe('finding.geometry.shortAxisWorld');
    // 45° to the long axis.
    expect(
      parameterOf({
        ...valid,
        shortAxisWorld: [
          [0, 0, -100],
          [4, 4, -100],
        ],
      }),
    ).toBe('finding.geometry.shortAxisWorld');
  });
});

describe('checkAgainstImage', () => {
  const g = parseAddedGeometry(valid);
  it('accepts a centre inside the image and its series', () => {
    expect(() => checkAgainstImage(g, { rows: 128, columns: 128, seriesImages: 13 })).not.toThrow();
  });
  it('refuses a centre outside the image or past the last frame', () => {
    expect(() => checkAgainstImage(g, { rows: 64, columns: 128, seriesImages: 13 })).toThrow(LingshuError);
    expect(() => checkAgainstImage(g, { rows: 128, columns: 64, seriesImages: 13 })).toThrow(LingshuError);
    expect(() => checkAgainstImage(g, { rows: 128, columns: 128, seriesImages: 12 })).toThrow(LingshuError);
  });
});
