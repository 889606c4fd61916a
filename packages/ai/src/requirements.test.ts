import { Dataset, setNumbers, setString, Tags } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import type { InputRequirements, Progress, SeriesInput } from './contract.js';
import { progressTracker } from './progress.js';
import { checkRequirements } from './requirements.js';
import { seriesFacts } from './seriesFacts.js';

const req: InputRequirements = {
  modalities: ['CT'],
  bodyParts: ['CHEST', '胸'],
  sliceThicknessMm: { min: 0.5, max: 8 },
  minCoverageMm: 150,
  contrast: 'any',
  minSlices: 16,
};

function series(opts: {
  n: number;
  step: number;
  thickness?: number;
  iop?: number[];
  bodyPart?: string;
  modality?: string;
}): SeriesInput {
  const instances: SeriesInput['instances'] = [];
  for (let k = 0; k < opts.n; k++) {
    const ds = new Dataset();
    setString(ds, Tags.Modality, 'CS', opts.modality ?? 'CT');
    if (opts.bodyPart) setString(ds, Tags.BodyPartExamined, 'CS', opts.bodyPart);
    // Shuffled order on purpose: facts must not depend on instance order.
    const z = ((k * 11) % opts.n) * opts.step;
    setNumbers(ds, Tags.ImagePositionPatient, 'DS', [0, 0, -z]);
    setNumbers(ds, Tags.ImageOrientationPatient, 'DS', opts.iop ?? [1, 0, 0, 0, 1, 0]);
    if (opts.thickness !== undefined) setNumbers(ds, Tags.SliceThickness, 'DS', [opts.thickness]);
    instances.push({ dataset: ds, transferSyntaxUID: '1.2.840.10008.1.2.1', sopInstanceUID: `2.25.${k + 1}` });
  }
  return { seriesInstanceUID: '2.25.99', instances };
}

describe('series facts and requirements', () => {
  it('derives thickness, coverage and orientation from the headers', () => {
    const f = seriesFacts(series({ n: 301, step: 1, thickness: 1.25, bodyPart: 'CHEST' }));
    expect(f.sliceCount).toBe(301);
    expect(f.sliceSpacingMm).toBeCloseTo(1);
    expect(f.sliceThicknessMm).toBe(1.25);
    expect(f.coverageMm).toBeCloseTo(301.25);
    expect(f.orientation).toBe('axial');
    expect(checkRequirements(f, req)).toBeUndefined();
    // Without SliceThickness the IPP step stands in.
    expect(seriesFacts(series({ n: 40, step: 5 })).sliceThicknessMm).toBeCloseTo(5);
  });

  it('gives a reason code for each unmet requirement', () => {
    const code = (s: SeriesInput): string | undefined => checkRequirements(seriesFacts(s), req)?.reasonCode;
    expect(code(series({ n: 200, step: 1, modality: 'MR' }))).toBe('modality');
    expect(code(series({ n: 200, step: 1, iop: [1, 0, 0, 0, 0, -1] }))).toBe('orientation');
    expect(code(series({ n: 200, step: 1, bodyPart: 'HEAD' }))).toBe('body-part');
    expect(code(series({ n: 10, step: 5 }))).toBe('too-few-slices');
    expect(code(series({ n: 40, step: 10 }))).toBe('slice-thickness');
    expect(code(series({ n: 100, step: 1 }))).toBe('coverage');
    // 0.625 mm written as 0.62 still passes a 0.625 minimum.
    expect(code(series({ n: 300, step: 0.625, thickness: 0.62 }))).toBeUndefined();
    expect(
      checkRequirements(seriesFacts(series({ n: 100, step: 2 })), { ...req, contrast: 'required' })?.reasonCode,
    ).toBe('contrast');
  });
});

describe('progress tracker', () => {
  it('maps step fractions to one monotone overall fraction', () => {
    const seen: Progress[] = [];
    const t = progressTracker(
      [
        { step: 'a', weight: 1 },
        { step: 'b', weight: 3 },
      ],
      { onProgress: (p) => seen.push(p) },
    );
    t.report('a', 1);
    t.report('b', 0.5);
    t.report('a', 0.5);
    t.report('b', 1);
    expect(seen.map((p) => p.fraction)).toEqual([0.25, 0.625, 1]);
    const c = new AbortController();
    const t2 = progressTracker([], { signal: c.signal });
    t2.checkCancelled();
    c.abort();
    expect(() => t2.checkCancelled()).toThrow(/cancelled/);
  });
});
