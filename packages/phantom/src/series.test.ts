import { getNumber, getString, parseDicom, Tags } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { demoStudies } from './presets.js';
import { generateStudy, hashFiles } from './series.js';
import { smallChestSpec } from './testing.js';

describe('generateStudy', () => {
  it('gives identical bytes for the same seed and different bytes for another seed', async () => {
    const a = await generateStudy(smallChestSpec(5));
    const b = await generateStudy(smallChestSpec(5));
    const c = await generateStudy(smallChestSpec(6));
    expect(a.files.length).toBe(8);
    expect(hashFiles(a.files)).toBe(hashFiles(b.files));
    expect(hashFiles(c.files)).not.toBe(hashFiles(a.files));
    expect(JSON.stringify(a.truth)).toBe(JSON.stringify(b.truth));
  });

  it('writes CT headers, geometry and HU pixels that read back with the parser', async () => {
    const { files } = await generateStudy(smallChestSpec(5));
    const first = parseDicom(files[0]!.bytes).dataset;
    const second = parseDicom(files[1]!.bytes).dataset;
    expect(getString(first, Tags.PatientName)).toBe('Zhang^San=张^三=zhang^san');
    expect(getString(first, Tags.InstitutionName)).toBe('灵枢测试医院');
    expect(getString(first, Tags.Modality)).toBe('CT');
    expect(getString(first, Tags.ConvolutionKernel)).toBe('B40f');
    expect(getNumber(first, Tags.RescaleIntercept)).toBe(-1024);
    expect(getString(first, Tags.StudyInstanceUID)).toMatch(/^2\.25\.\d+$/);
    expect(getString(first, Tags.SOPInstanceUID)).not.toBe(getString(second, Tags.SOPInstanceUID));
    expect(getString(first, Tags.SeriesInstanceUID)).toBe(getString(second, Tags.SeriesInstanceUID));
    const z0 = getNumber(first, Tags.SliceLocation)!;
    const z1 = getNumber(second, Tags.SliceLocation)!;
    expect(z0 - z1).toBeCloseTo(5, 5);
    const px = first.get(Tags.PixelData)!.bytes!;
    const stored = new Uint16Array(px.buffer.slice(px.byteOffset, px.byteOffset + px.byteLength));
    expect(stored.length).toBe(64 * 64);
    // Corner pixel is air outside the body (≈ −1000 HU); the body centre is soft tissue or lung.
    expect(stored[0]! - 1024).toBeLessThan(-900);
    const max = Math.max(...stored) - 1024;
    expect(max).toBeGreaterThan(300); // ribs / spine
  });

  it('round-trips Chinese names in GB18030', async () => {
    const base = smallChestSpec(5);
    const spec = {
      ...base,
      series: { ...base.series, characterSet: 'GB18030' as const, zRangeMm: [40, 40] as [number, number] },
    };
    const { files } = await generateStudy(spec);
    const ds = parseDicom(files[0]!.bytes).dataset;
    expect(getString(ds, Tags.SpecificCharacterSet)).toBe('GB18030');
    expect(getString(ds, Tags.PatientName)).toBe('Zhang^San=张^三=zhang^san');
    expect(getString(ds, Tags.InstitutionName)).toBe('灵枢测试医院');
  });

  it('builds a follow-up of the same patient with new UIDs and a later date', () => {
    const [baseline, followUp, head] = demoStudies(7);
    expect(followUp!.patient.id).toBe(baseline!.patient.id);
    expect(Number(followUp!.studyDate)).toBeGreaterThan(Number(baseline!.studyDate));
    expect(followUp!.seed).not.toBe(baseline!.seed);
    expect(head!.phantom.kind).toBe('head');
  });

  it('renders a head CT with a haemorrhage whose truth volume is reported in mL', async () => {
    const [, , head] = demoStudies(3);
    const spec = {
      ...head!,
      series: { ...head!.series, matrix: 64, zRangeMm: [10, 30] as [number, number] },
    };
    const { files, truth } = await generateStudy(spec);
    expect(files.length).toBe(5);
    expect(truth.lesions.map((l) => l.type)).toEqual(['intraparenchymal', 'subdural']);
    for (const l of truth.lesions) {
      expect(l.volumeMl!).toBeGreaterThan(1);
      expect(l.meanHU).toBeGreaterThanOrEqual(50);
      expect(l.meanHU).toBeLessThanOrEqual(80);
    }
  });
});
