import { describe, expect, it } from 'vitest';
import { truthNodule } from '../testing/truthNodules.js';
import type { Detection, TruthNodule } from './match.js';
import { computeMetrics, type ScanOutcome, sizeBand } from './metrics.js';

function nodule(id: string, x: number, diameter: number, type: string, volumeMm3?: number): TruthNodule {
  return truthNodule(id, x, diameter, type, volumeMm3 !== undefined ? { volumeMm3 } : {});
}

function scan(
  seed: number,
  truth: TruthNodule[],
  detections: Detection[],
  extra: Partial<ScanOutcome> = {},
): ScanOutcome {
  return {
    seed,
    acquisition: { sliceThicknessMm: 1, dose: 'low', kernel: 'lung', matrix: 128 },
    status: 'ok',
    truth,
    detections,
    truthLungRads: truth.map(() => null),
    laa950: null,
    infectionPercent: null,
    runtimeMs: 1000,
    ...extra,
  };
}

describe('sizeBand', () => {
  it('bands by mean diameter, low edge inclusive', () => {
    expect([4.9, 5, 5.9, 6, 8, 14.9, 15, 29.9, 30, 42].map(sizeBand)).toEqual([
      '<5',
      '5-6',
      '5-6',
      '6-8',
      '8-15',
      '8-15',
      '15-30',
      '15-30',
      '>=30',
      '>=30',
    ]);
  });
});

describe('computeMetrics', () => {
  const a = scan(
    1,
    [nodule('s8', 0, 8, 'solid', 268), nodule('g10', 100, 10, 'ground-glass', 524), nodule('s4', 200, 4, 'solid')],
    [
      { id: 'd1', centerMm: [1, 0, 0], confidence: 0.9, volumeMm3: 295, meanDiameterMm: 8.5, lungRads: '4A' },
      { id: 'd2', centerMm: [100, 2, 0], confidence: 0.6, volumeMm3: 472, meanDiameterMm: 9.4, lungRads: '2' },
      { id: 'fp', centerMm: [300, 0, 0], confidence: 0.7 },
    ],
    { truthLungRads: ['4A', '2', '2'], laa950: { truth: 10, measured: 10.4 }, runtimeMs: 2000 },
  );
  const b = scan(2, [nodule('p12', 0, 12, 'part-solid')], [{ id: 'fp2', centerMm: [50, 50, 50], confidence: 0.2 }], {
    laa950: { truth: 2, measured: 1.5 },
    runtimeMs: 4000,
  });
  const refused = scan(3, [nodule('x', 0, 7, 'solid')], [], { status: 'coverage', reason: 'too short' });
  const m = computeMetrics([a, b, refused]);

  it('counts sensitivity overall, by type and by size band; refused scans count as missed', () => {
    expect(m.scans).toBe(3);
    expect(m.analysed).toBe(2);
    expect(m.notAnalysed).toEqual([{ seed: 3, status: 'coverage', reason: 'too short' }]);
    expect(m.nodules).toBe(5);
    expect(m.sensitivity).toEqual({ hits: 2, total: 5, value: 0.4 });
    expect(m.sensitivityByType.solid).toEqual({ hits: 1, total: 3, value: 1 / 3 });
    expect(m.sensitivityByType['ground-glass']?.hits).toBe(1);
    expect(m.sensitivityByType['part-solid']?.hits).toBe(0);
    expect(Object.keys(m.sensitivityBySize)).toEqual(['<5', '6-8', '8-15']);
    expect(m.sensitivityBySize['8-15']).toEqual({ hits: 2, total: 3, value: 2 / 3 });
  });

  it('false positives per scan over all scans, and the ≤ 1 FP/scan operating point', () => {
    expect(m.falsePositivesPerScan).toBeCloseTo(2 / 3, 9);
    expect(m.atOneFpPerScan.threshold).toBe(0.2);
    expect(m.atOneFpPerScan.solidOrPartSolidAtLeast5mm).toEqual({ hits: 1, total: 3, value: 1 / 3 });
    expect(m.atOneFpPerScan.groundGlassAtLeast6mm).toEqual({ hits: 1, total: 1, value: 1 });
    expect(m.froc.find((p) => p.falsePositivesPerScan === 0.125)?.sensitivity).toBeCloseTo(0.2, 9);
  });

  it('volume and diameter errors for nodules ≥ 6 mm, Lung-RADS agreement, LAA-950 error', () => {
    expect(m.volumeErrorPercent.n).toBe(2);
    // +10.07 % and −9.92 %
    expect(m.volumeErrorPercent.medianAbs).toBeCloseTo((100 * (27 / 268) + (100 * 52) / 524) / 2, 6);
    expect(m.diameterErrorMm.medianSigned).toBeCloseTo(-0.05, 9);
    expect(m.lungRadsAgreement).toEqual({ hits: 2, total: 2, value: 1 });
    expect(m.laa950ErrorPp.n).toBe(2);
    expect(m.laa950ErrorPp.maxAbs).toBeCloseTo(0.5, 9);
    expect(m.infectionPercentErrorPp.n).toBe(0);
    expect(m.runtimeMs).toEqual({ median: 3000, max: 4000 });
  });
});

describe('computeMetrics: why target nodules were missed at ≤ 1 FP/scan', () => {
  const fp = (x: number, confidence: number): Detection => ({ id: `fp${x}`, centerMm: [x, 0, 0], confidence });
  const outcomes = [
    scan(
      1,
      [
        nodule('found', 0, 8, 'solid'),
        nodule('low', 100, 7, 'part-solid'),
        nodule('noblob', 200, 6, 'solid'),
        nodule('ggn', 300, 8, 'ground-glass'),
        nodule('small', 400, 4, 'solid'),
      ],
      [
        { id: 'd1', centerMm: [0, 0, 0], confidence: 0.9 },
        { id: 'd2', centerMm: [100, 0, 0], confidence: 0.2 },
        fp(1000, 0.5),
        fp(1100, 0.4),
      ],
      { missReasons: [null, null, 'not-blob', 'no-seed', 'extends-beyond-crop'] },
    ),
    scan(2, [nodule('refused', 0, 9, 'solid')], [], { status: 'not-applicable' }),
    scan(3, [nodule('untraced', 0, 5.5, 'solid')], [fp(1000, 0.3), fp(1100, 0.25)]),
  ];
  const m = computeMetrics(outcomes);

  it('names the reason of each: below the threshold, the detector’s reason, not analysed, unknown', () => {
    // Three scans allow three false positives: the threshold is the third highest, 0.3.
    expect(m.atOneFpPerScan.threshold).toBe(0.3);
    expect(m.atOneFpPerScan.solidOrPartSolidAtLeast5mm).toMatchObject({ hits: 1, total: 5 });
    expect(m.atOneFpPerScan.missedBecause.solidOrPartSolidAtLeast5mm).toEqual({
      'below-threshold': 1,
      'not-analysed': 1,
      'not-blob': 1,
      unknown: 1,
    });
    expect(m.atOneFpPerScan.missedBecause.groundGlassAtLeast6mm).toEqual({ 'no-seed': 1 });
  });
});
