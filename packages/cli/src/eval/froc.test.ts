import { describe, expect, it } from 'vitest';
import { type FrocScan, frocPoints, operatingPoints, thresholdAtFpRate } from './froc.js';

// Two scans, four nodules. Hits at 0.9, 0.7, 0.4; one missed. FPs at 0.8, 0.6, 0.3, 0.2.
const scans: FrocScan[] = [
  { hitConfidences: [0.9, null], falsePositiveConfidences: [0.8, 0.3] },
  { hitConfidences: [0.7, 0.4], falsePositiveConfidences: [0.6, 0.2] },
];

describe('operatingPoints', () => {
  it('sweeps the thresholds from strict to loose', () => {
    const points = operatingPoints(scans);
    expect(points.map((p) => p.threshold)).toEqual([0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2]);
    expect(points.map((p) => p.falsePositivesPerScan)).toEqual([0, 0.5, 0.5, 1, 1, 1.5, 2]);
    expect(points.map((p) => p.sensitivity)).toEqual([0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 0.75]);
  });
});

describe('frocPoints', () => {
  it('takes the best sensitivity not exceeding each FP rate', () => {
    const f = frocPoints(scans, [0.125, 0.5, 1, 2, 8]);
    expect(f.map((p) => p.sensitivity)).toEqual([0.25, 0.5, 0.75, 0.75, 0.75]);
    expect(f[2]?.threshold).toBe(0.4);
  });

  it('is 0 below the strictest point when that point already has false positives', () => {
    const f = frocPoints([{ hitConfidences: [0.5], falsePositiveConfidences: [0.9, 0.9] }], [0.125, 2]);
    expect(f.map((p) => p.sensitivity)).toEqual([0, 1]);
    expect(f[0]?.threshold).toBeNull();
  });

  it('counts only included nodules', () => {
    const f = frocPoints([{ hitConfidences: [0.9, 0.5], falsePositiveConfidences: [], include: [false, true] }], [1]);
    expect(f[0]?.sensitivity).toBe(1);
    const none = frocPoints([{ hitConfidences: [0.9], falsePositiveConfidences: [], include: [false] }], [1]);
    expect(none[0]?.sensitivity).toBeNull();
  });
});

describe('thresholdAtFpRate', () => {
  it('is the loosest threshold within the FP budget', () => {
    expect(thresholdAtFpRate(scans, 1)).toBe(0.4);
    expect(thresholdAtFpRate(scans, 0.5)).toBe(0.7);
    expect(thresholdAtFpRate([{ hitConfidences: [], falsePositiveConfidences: [0.5, 0.5, 0.5] }], 1)).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(thresholdAtFpRate([], 1)).toBe(0);
  });
});
