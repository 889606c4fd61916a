import { getNumber, Tags } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { truthNodule } from '../testing/truthNodules.js';
import { truthLungFigures, truthNodules } from './extract.js';
import { missReasons, phantomStudyInput } from './harness.js';
import type { TruthNodule } from './match.js';
import { evalStudySpec } from './specs.js';

describe('phantomStudyInput', () => {
  it('turns a phantom study into an analyzer input through DICOM, with its truth', async () => {
    const base = evalStudySpec(1000, { matrix: 64 });
    // A slab of 8 slices keeps the test fast; the truth still covers the whole phantom.
    const spec = { ...base, series: { ...base.series, sliceThicknessMm: 5, zRangeMm: [20, 55] as [number, number] } };
    const { input, truth } = await phantomStudyInput(spec);
    expect(input.series).toHaveLength(1);
    const series = input.series[0]!;
    expect(series.instances.length).toBe(8);
    const ds = series.instances[0]!.dataset;
    expect(getNumber(ds, Tags.Rows)).toBe(64);
    expect(ds.get(Tags.PixelData)?.bytes?.length).toBe(64 * 64 * 2);
    expect(new Set(series.instances.map((i) => i.sopInstanceUID)).size).toBe(8);
    expect(input.studyInstanceUID).toMatch(/^2\.25\./);
    const nodules = truthNodules(truth);
    const specNodules = base.phantom.kind === 'chest' ? (base.phantom.nodules ?? []) : [];
    expect(nodules.map((n) => n.id)).toEqual(specNodules.map((n) => n.id));
    for (const n of nodules) expect(n.volumeMm3).toBeGreaterThan(0);
    const lungs = truthLungFigures(truth);
    expect(lungs?.laa950Percent).toBeGreaterThanOrEqual(0);
    expect(lungs?.infectionPercent).toBeGreaterThanOrEqual(0);
    expect(lungs?.laa950Percent).toBeLessThan(100);
  });
});

describe('missReasons', () => {
  const t = (id: string, x: number, d: number): TruthNodule => truthNodule(id, x, d, 'solid');
  it('gives the nearest traced seed’s outcome within reach, without its figures, or no-seed; null when found', () => {
    const truth = [t('found', 0, 6), t('near', 100, 6), t('far', 200, 8), t('large', 300, 20), t('off', 400, 6)];
    const trace = [
      { centerMm: [0.5, 0, 0], radiusMm: 3, outcome: 'accepted' },
      { centerMm: [103, 0, 0], radiusMm: 3, outcome: 'not-blob 0.12' },
      { centerMm: [101, 0, 0], radiusMm: 3, outcome: 'extends-beyond-crop' },
      // 7 mm off: beyond the 5 mm reach of an 8 mm nodule, within the 10 mm of a 20 mm one.
      { centerMm: [207, 0, 0], radiusMm: 3, outcome: 'not-blob 0.05' },
      { centerMm: [307, 0, 0], radiusMm: 4, outcome: 'low-confidence' },
      // Accepted, but its finding (at 406) is out of the 5 mm reach.
      { centerMm: [404, 0, 0], radiusMm: 3, outcome: 'accepted' },
    ];
    const detections = [
      { id: 'd', centerMm: [0.5, 0, 0] as [number, number, number], confidence: 0.8 },
      { id: 'e', centerMm: [406, 0, 0] as [number, number, number], confidence: 0.6 },
    ];
    expect(missReasons(truth, detections, trace)).toEqual([
      null,
      'extends-beyond-crop',
      'no-seed',
      'low-confidence',
      'off-centre',
    ]);
  });
});
