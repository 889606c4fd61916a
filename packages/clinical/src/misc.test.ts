import { describe, expect, it } from 'vitest';
import { emphysemaSummary } from './emphysema.js';
import { isGrowingFleischner, isGrowingLungRads, isGrowingVolume, volumeDoublingTimeDays } from './growth.js';
import { classifyInfectionHu, ctSeverityScore, lobeSeverityScore, validateInfectionHuBands } from './severity.js';

describe('ctSeverityScore', () => {
  it.each([
    [0, 0],
    [0.1, 1],
    [4.9, 1],
    [5, 2],
    [25, 2],
    [26, 3],
    [49, 3],
    [50, 4],
    [75, 4],
    [75.1, 5],
    [100, 5],
  ])('%s %% → %s', (p, s) => {
    expect(lobeSeverityScore(p)).toBe(s);
  });

  it('sums five lobes and reports missing lobes', () => {
    const r = ctSeverityScore({ RUL: 10, RML: 0, RLL: 60, LUL: 30 });
    expect(r.total).toBe(2 + 0 + 4 + 3 + 0);
    expect(r.missing).toEqual(['LLL']);
    expect(ctSeverityScore({ RUL: 100, RML: 100, RLL: 100, LUL: 100, LLL: 100 }).total).toBe(25);
  });

  it('HU bands are configurable', () => {
    expect(classifyInfectionHu(-600)).toBe('ggo');
    expect(classifyInfectionHu(-100)).toBe('consolidation');
    expect(classifyInfectionHu(-900)).toBe('none');
    expect(classifyInfectionHu(-600, { ggoMinHu: -800, ggoMaxHu: -650, consolidationMaxHu: 0 })).toBe('consolidation');
    expect(validateInfectionHuBands({ ggoMinHu: -300, ggoMaxHu: -700, consolidationMaxHu: 0 })).toBeDefined();
  });
});

describe('growth', () => {
  it('volume doubling time', () => {
    expect(volumeDoublingTimeDays(100, 200, 90)).toBeCloseTo(90, 6);
    expect(volumeDoublingTimeDays(268, 524, 365)).toBeCloseTo((365 * Math.LN2) / Math.log(524 / 268), 6);
    expect(volumeDoublingTimeDays(100, 100, 90)).toBe(Number.POSITIVE_INFINITY);
    expect(volumeDoublingTimeDays(100, 50, 90)).toBeLessThan(0);
    expect(volumeDoublingTimeDays(0, 50, 90)).toBeNaN();
  });

  it('Lung-RADS > 1.5 mm within 12 months; Fleischner 2 mm; volume 25 %', () => {
    expect(isGrowingLungRads(6, 7.5, 180)).toBe(false);
    expect(isGrowingLungRads(6, 7.6, 180)).toBe(true);
    expect(isGrowingLungRads(6, 7.6, 500)).toBe(false);
    expect(isGrowingFleischner(6, 7.9)).toBe(false);
    expect(isGrowingFleischner(6, 8)).toBe(true);
    expect(isGrowingVolume(100, 124)).toBe(false);
    expect(isGrowingVolume(100, 125)).toBe(true);
  });
});

describe('emphysemaSummary', () => {
  it('≥ 5 % by default, configurable', () => {
    expect(emphysemaSummary(12.3).text['zh-CN']).toBe('肺气肿 LAA-950 12.3%');
    expect(emphysemaSummary(4.9).present).toBe(false);
    expect(emphysemaSummary(5).present).toBe(true);
    expect(emphysemaSummary(5, { thresholdPercent: 6 }).present).toBe(false);
  });
});
