import { describe, expect, it } from 'vitest';
import { brockProbability } from './brock.js';

describe('brockProbability', () => {
  it('reference check: 62-year-old man, 4 mm solid, not upper lobe, 4 nodules ≈ 0.11 %', () => {
    const r = brockProbability({
      ageYears: 62,
      sex: 'M',
      familyHistory: false,
      emphysema: false,
      maxDiameterMm: 4,
      type: 'solid',
      upperLobe: false,
      noduleCount: 4,
      spiculation: false,
    });
    expect(r.probability * 100).toBeCloseTo(0.11, 2);
    expect(r.assumed).toEqual([]);
  });

  it('lists assumed inputs', () => {
    const r = brockProbability({ maxDiameterMm: 10, type: 'solid' });
    expect(r.assumed).toEqual([
      'ageYears: 62',
      'sex: M',
      'familyHistory: false',
      'emphysema: false',
      'upperLobe: false',
      'noduleCount: 1',
      'spiculation: false',
    ]);
  });

  it('risk rises with size, spiculation, upper lobe, female sex; falls for non-solid', () => {
    const ref = {
      ageYears: 65,
      sex: 'M' as const,
      familyHistory: false,
      emphysema: false,
      upperLobe: false,
      noduleCount: 1,
      spiculation: false,
    };
    const p = (o: Partial<Parameters<typeof brockProbability>[0]>): number =>
      brockProbability({ ...ref, maxDiameterMm: 8, type: 'solid', ...o }).probability;
    expect(p({ maxDiameterMm: 15 })).toBeGreaterThan(p({}));
    expect(p({ spiculation: true })).toBeGreaterThan(p({}));
    expect(p({ upperLobe: true })).toBeGreaterThan(p({}));
    expect(p({ sex: 'F' })).toBeGreaterThan(p({}));
    expect(p({ type: 'ground-glass' })).toBeLessThan(p({}));
    expect(p({ type: 'part-solid' })).toBeGreaterThan(p({}));
  });
});
