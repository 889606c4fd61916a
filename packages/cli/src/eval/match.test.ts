import { describe, expect, it } from 'vitest';
import { type Detection, matchDetections, matchRadiusMm, type TruthNodule } from './match.js';

function nodule(id: string, center: [number, number, number], diameter: number, type = 'solid'): TruthNodule {
  return {
    id,
    type,
    centerMm: center,
    meanDiameterMm: diameter,
    longAxisMm: diameter,
    shortAxisMm: diameter,
    volumeMm3: (Math.PI / 6) * diameter ** 3,
  };
}

function det(id: string, center: [number, number, number], confidence: number): Detection {
  return { id, centerMm: center, confidence };
}

describe('matchRadiusMm', () => {
  it('is the radius, but at least 5 mm', () => {
    expect(matchRadiusMm(nodule('a', [0, 0, 0], 4))).toBe(5);
    expect(matchRadiusMm(nodule('a', [0, 0, 0], 10))).toBe(5);
    expect(matchRadiusMm(nodule('a', [0, 0, 0], 24))).toBe(12);
  });
});

describe('matchDetections', () => {
  it('finds hits within reach, misses and false positives', () => {
    const truth = [nodule('small', [0, 0, 0], 4), nodule('big', [100, 0, 0], 20)];
    const dets = [det('d1', [0, 4.9, 0], 0.9), det('d2', [109, 0, 0], 0.5), det('far', [50, 50, 50], 0.7)];
    const m = matchDetections(truth, dets);
    expect(m.pairs.map((p) => [p.truth, p.detection])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(m.pairs[0]?.distanceMm).toBeCloseTo(4.9, 6);
    expect(m.missed).toEqual([]);
    expect(m.falsePositives).toEqual([2]);
    expect(m.duplicates).toEqual([]);
  });

  it('just outside the 5 mm reach is a false positive and a miss', () => {
    const m = matchDetections([nodule('n', [0, 0, 0], 6)], [det('d', [0, 0, 5.01], 0.9)]);
    expect(m.pairs).toEqual([]);
    expect(m.missed).toEqual([0]);
    expect(m.falsePositives).toEqual([0]);
  });

  it('a second detection of a found nodule is a duplicate, not a false positive; the more confident one wins', () => {
    const m = matchDetections([nodule('n', [0, 0, 0], 10)], [det('low', [0, 0, 1], 0.3), det('high', [0, 0, 3], 0.8)]);
    expect(m.pairs).toEqual([{ truth: 0, detection: 1, distanceMm: 3 }]);
    expect(m.duplicates).toEqual([0]);
    expect(m.falsePositives).toEqual([]);
  });

  it('two close nodules: a confident detection takes the nearer one, the next takes what is left', () => {
    const truth = [nodule('a', [0, 0, 0], 8), nodule('b', [6, 0, 0], 8)];
    const dets = [det('d1', [2, 0, 0], 0.9), det('d2', [3.5, 0, 0], 0.6)];
    const m = matchDetections(truth, dets);
    expect(m.pairs.map((p) => [p.truth, p.detection])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(m.missed).toEqual([]);
  });

  it('no truth: every detection is a false positive', () => {
    const m = matchDetections([], [det('a', [0, 0, 0], 0.5), det('b', [1, 1, 1], 0.4)]);
    expect(m.falsePositives).toEqual([0, 1]);
    expect(m.pairs).toEqual([]);
  });
});
