import { describe, expect, it } from 'vitest';
import { type LungRadsCategory, lungRads2022, lungRadsForStudy } from './lungRads.js';

const solid = (d: number, context?: 'baseline' | 'new' | 'growing' | 'stable'): LungRadsCategory =>
  lungRads2022({ type: 'solid', meanDiameterMm: d, ...(context ? { context } : {}) }).category;

describe('lungRads2022 solid', () => {
  it.each([
    [5.9, '2'],
    [6.0, '3'],
    [7.9, '3'],
    [8.0, '4A'],
    [14.9, '4A'],
    [15.0, '4B'],
    [40, '4B'],
  ] as const)('baseline %s mm → %s', (d, cat) => {
    expect(solid(d, 'baseline')).toBe(cat);
  });

  it('rounds the mean diameter to 0.1 mm before categorising', () => {
    expect(lungRads2022({ type: 'solid', meanDiameterMm: 5.95 }).meanDiameterMm).toBe(6);
    expect(solid(5.95)).toBe('3');
    expect(solid(5.94)).toBe('2');
  });

  it.each([
    [3.9, '2'],
    [4.0, '3'],
    [5.9, '3'],
    [6.0, '4A'],
    [7.9, '4A'],
    [8.0, '4B'],
  ] as const)('new %s mm → %s', (d, cat) => {
    expect(solid(d, 'new')).toBe(cat);
  });

  it('growing < 8 mm is 4A, ≥ 8 mm 4B', () => {
    expect(solid(7.9, 'growing')).toBe('4A');
    expect(solid(8.0, 'growing')).toBe('4B');
  });

  it('juxtapleural smooth solid < 10 mm is 2, not when growing', () => {
    expect(lungRads2022({ type: 'solid', meanDiameterMm: 9.9, juxtapleuralSmooth: true }).category).toBe('2');
    expect(lungRads2022({ type: 'solid', meanDiameterMm: 10, juxtapleuralSmooth: true }).category).toBe('4A');
    expect(
      lungRads2022({ type: 'solid', meanDiameterMm: 9, juxtapleuralSmooth: true, context: 'growing' }).category,
    ).toBe('4B');
  });

  it('stable: 3 → 2 and 4A → 3', () => {
    expect(lungRads2022({ type: 'solid', meanDiameterMm: 7, context: 'stable', priorCategory: '3' }).category).toBe(
      '2',
    );
    expect(lungRads2022({ type: 'solid', meanDiameterMm: 9, context: 'stable', priorCategory: '4A' }).category).toBe(
      '3',
    );
  });

  it('suspicious features upgrade 3/4 to 4X but not 2', () => {
    expect(lungRads2022({ type: 'solid', meanDiameterMm: 7, suspiciousFeatures: true }).category).toBe('4X');
    expect(lungRads2022({ type: 'solid', meanDiameterMm: 4, suspiciousFeatures: true }).category).toBe('2');
  });

  it('reports the baseline assumption, management, risk, source and mass flag', () => {
    const r = lungRads2022({ type: 'solid', meanDiameterMm: 31 });
    expect(r.assumed).toContain('context: baseline');
    expect(r.isMass).toBe(true);
    expect(r.management.en).toContain('PET/CT');
    expect(r.malignancyRisk.en).toBe('Probability of malignancy > 15%');
    expect(r.source.version).toBe('v2022');
    const r3 = lungRads2022({ type: 'solid', meanDiameterMm: 6.5, context: 'baseline' });
    expect(r3.assumed).toEqual([]);
    expect(r3.management['zh-CN']).toBe('6个月后低剂量CT复查');
    expect(r3.malignancyRisk.en).toContain('1–2%');
  });
});

describe('lungRads2022 part-solid and ground-glass', () => {
  const ps = (total: number, solidMm: number, context: 'baseline' | 'new' | 'growing' = 'baseline') =>
    lungRads2022({ type: 'part-solid', meanDiameterMm: total, solidComponentMm: solidMm, context }).category;

  it('baseline boundaries', () => {
    expect(ps(5.9, 3)).toBe('2');
    expect(ps(6.0, 3)).toBe('3');
    expect(ps(12, 5.9)).toBe('3');
    expect(ps(12, 6.0)).toBe('4A');
    expect(ps(12, 7.9)).toBe('4A');
    expect(ps(12, 8.0)).toBe('4B');
  });

  it('new and growing', () => {
    expect(ps(5.9, 2, 'new')).toBe('3');
    expect(ps(8, 3.9, 'new')).toBe('4A');
    expect(ps(8, 4.0, 'new')).toBe('4B');
    expect(ps(8, 3.9, 'growing')).toBe('4A');
    expect(ps(8, 4.0, 'growing')).toBe('4B');
  });

  it('missing solid component is taken as the whole nodule and reported', () => {
    const r = lungRads2022({ type: 'part-solid', meanDiameterMm: 9, context: 'baseline' });
    expect(r.category).toBe('4B');
    expect(r.assumed).toContain('solidComponentMm: equal to mean diameter');
  });

  it('ground-glass: < 30 mm → 2, ≥ 30 mm → 3, stable ≥ 30 → 2', () => {
    expect(lungRads2022({ type: 'ground-glass', meanDiameterMm: 29.9 }).category).toBe('2');
    expect(lungRads2022({ type: 'ground-glass', meanDiameterMm: 30 }).category).toBe('3');
    expect(lungRads2022({ type: 'ground-glass', meanDiameterMm: 35, context: 'stable' }).category).toBe('2');
  });

  it('calcified → 1', () => {
    expect(lungRads2022({ type: 'calcified', meanDiameterMm: 12 }).category).toBe('1');
  });
});

describe('lungRadsForStudy', () => {
  it('is 1 with no nodules', () => {
    const r = lungRadsForStudy([]);
    expect(r.category).toBe('1');
    expect(r.decidingIndex).toBe(-1);
    expect(r.management.en).toContain('12 months');
  });

  it('takes the highest category', () => {
    const r = lungRadsForStudy([
      { type: 'solid', meanDiameterMm: 4 },
      { type: 'solid', meanDiameterMm: 9 },
      { type: 'ground-glass', meanDiameterMm: 32 },
    ]);
    expect(r.category).toBe('4A');
    expect(r.decidingIndex).toBe(1);
    expect(r.perNodule.map((p) => p.category)).toEqual(['2', '4A', '3']);
  });

  it('handles a mass > 30 mm as 4B', () => {
    const r = lungRadsForStudy([{ type: 'solid', meanDiameterMm: 45 }]);
    expect(r.category).toBe('4B');
    expect(r.perNodule[0]?.isMass).toBe(true);
  });
});
