import { getNumber, Tags } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { truthLungFigures, truthNodules } from './extract.js';
import { phantomStudyInput } from './harness.js';
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
