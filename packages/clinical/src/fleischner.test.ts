import { describe, expect, it } from 'vitest';
import { fleischner2017 } from './fleischner.js';

describe('fleischner2017', () => {
  const base = { ageYears: 60, multiple: false } as const;

  it('solid single by size and risk', () => {
    expect(fleischner2017({ ...base, type: 'solid', sizeMm: 5.9, risk: 'low' }).recommendation.en).toBe(
      'No routine follow-up',
    );
    expect(fleischner2017({ ...base, type: 'solid', sizeMm: 5.9, risk: 'high' }).recommendation.en).toBe(
      'Optional CT at 12 months',
    );
    const r = fleischner2017({ ...base, type: 'solid', sizeMm: 6, risk: 'low' });
    expect(r.sizeClass).toBe('6-8');
    expect(r.recommendation.en).toBe('CT at 6–12 months, then consider CT at 18–24 months');
    expect(fleischner2017({ ...base, type: 'solid', sizeMm: 8, risk: 'high' }).recommendation.en).toBe(
      'CT at 6–12 months, then CT at 18–24 months',
    );
    expect(fleischner2017({ ...base, type: 'solid', sizeMm: 8.1, risk: 'low' }).recommendation.en).toContain('PET/CT');
  });

  it('solid by volume (100 / 250 mm³)', () => {
    expect(fleischner2017({ ...base, type: 'solid', volumeMm3: 99, risk: 'low' }).sizeClass).toBe('<6');
    expect(fleischner2017({ ...base, type: 'solid', volumeMm3: 100, risk: 'low' }).sizeClass).toBe('6-8');
    expect(fleischner2017({ ...base, type: 'solid', volumeMm3: 251, risk: 'low' }).sizeClass).toBe('>8');
  });

  it('multiple solid', () => {
    expect(fleischner2017({ ...base, multiple: true, type: 'solid', sizeMm: 7, risk: 'low' }).recommendation.en).toBe(
      'CT at 3–6 months, then consider CT at 18–24 months',
    );
    expect(fleischner2017({ ...base, multiple: true, type: 'solid', sizeMm: 12, risk: 'high' }).recommendation.en).toBe(
      'CT at 3–6 months, then CT at 18–24 months',
    );
  });

  it('subsolid', () => {
    expect(fleischner2017({ ...base, type: 'ground-glass', sizeMm: 5, risk: 'low' }).recommendation.en).toBe(
      'No routine follow-up',
    );
    expect(fleischner2017({ ...base, type: 'ground-glass', sizeMm: 6, risk: 'low' }).recommendation.en).toContain(
      'every 2 years',
    );
    expect(fleischner2017({ ...base, type: 'part-solid', sizeMm: 7, risk: 'low' }).recommendation.en).toContain(
      'annual CT for 5 years',
    );
    expect(
      fleischner2017({ ...base, multiple: true, type: 'ground-glass', sizeMm: 4, risk: 'low' }).recommendation.en,
    ).toContain('2 and 4 years');
    expect(
      fleischner2017({ ...base, multiple: true, type: 'part-solid', sizeMm: 9, risk: 'low' }).recommendation.en,
    ).toContain('most suspicious');
  });

  it('not applicable populations', () => {
    expect(fleischner2017({ ...base, ageYears: 34, type: 'solid', sizeMm: 7, risk: 'low' })).toMatchObject({
      applicable: false,
      notApplicableReason: 'age',
    });
    for (const [flag, reason] of [
      ['screening', 'screening'],
      ['knownCancer', 'known-cancer'],
      ['immunosuppressed', 'immunosuppressed'],
    ] as const) {
      const r = fleischner2017({ ...base, [flag]: true, type: 'solid', sizeMm: 7, risk: 'low' });
      expect(r.applicable).toBe(false);
      expect(r.notApplicableReason).toBe(reason);
    }
  });

  it('unknown risk is treated as high and reported', () => {
    const r = fleischner2017({ multiple: false, type: 'solid', sizeMm: 4, risk: 'unknown' });
    expect(r.recommendation.en).toBe('Optional CT at 12 months');
    expect(r.assumed).toEqual(['ageYears: ≥ 35', 'risk: high']);
    expect(r.recommendation['zh-CN']).toBe('可选：12个月CT复查');
  });
});
