import { describe, expect, it } from 'vitest';
import { locationName, parseLobe } from './anatomy.js';
import { summarizeChestCt, summarizeNodule } from './summary.js';

describe('summarizeNodule', () => {
  const n = { type: 'solid' as const, lobe: 'RUL' as const, longAxisMm: 8.2, shortAxisMm: 6.1, lungRads: '4A' };

  it('zh-CN and en', () => {
    expect(summarizeNodule(n, 'zh-CN')).toBe('右肺上叶实性结节，大小 8.2×6.1 mm，Lung-RADS 4A');
    expect(summarizeNodule(n, 'en')).toBe('Solid nodule, right upper lobe, 8.2 × 6.1 mm, Lung-RADS 4A');
  });

  it('states the mean diameter on request (the report findings do)', () => {
    const m = { ...n, meanDiameterMm: 7.15, volumeMm3: 180.4 };
    expect(summarizeNodule(m, 'zh-CN', { withMeanDiameter: true })).toBe(
      '右肺上叶实性结节，大小 8.2×6.1 mm，平均径 7.2 mm，体积 180 mm³，Lung-RADS 4A',
    );
    expect(summarizeNodule(m, 'en', { withMeanDiameter: true })).toBe(
      'Solid nodule, right upper lobe, 8.2 × 6.1 mm, mean diameter 7.2 mm, volume 180 mm³, Lung-RADS 4A',
    );
    expect(summarizeNodule(m, 'zh-CN')).not.toContain('平均径');
  });

  it('types, masses and zones', () => {
    expect(summarizeNodule({ type: 'ground-glass', lobe: 'LLL', meanDiameterMm: 7 }, 'zh-CN')).toBe(
      '左肺下叶磨玻璃结节，平均径 7.0 mm',
    );
    expect(summarizeNodule({ type: 'part-solid', lobe: 'RML' }, 'zh-CN')).toBe('右肺中叶部分实性结节');
    expect(summarizeNodule({ type: 'calcified', lobe: 'LUL' }, 'zh-CN')).toBe('左肺上叶钙化结节');
    expect(summarizeNodule({ type: 'solid', lobe: 'RLL', longAxisMm: 42, shortAxisMm: 35 }, 'zh-CN')).toBe(
      '右肺下叶实性肿块，大小 42.0×35.0 mm',
    );
    expect(summarizeNodule({ type: 'solid', lobe: 'RLL', longAxisMm: 42, shortAxisMm: 35 }, 'en')).toMatch(
      /^Solid mass/,
    );
    expect(
      summarizeNodule({ type: 'solid', side: 'right', zone: 'upper', longAxisMm: 5, shortAxisMm: 4 }, 'zh-CN'),
    ).toBe('右肺上野实性结节，大小 5.0×4.0 mm');
    expect(locationName({ side: 'left', zone: 'lower' })?.en).toBe('left lower zone');
    expect(parseLobe('right-upper')).toBe('RUL');
    expect(parseLobe('LLL')).toBe('LLL');
    expect(parseLobe('x')).toBeUndefined();
  });
});

describe('summarizeChestCt', () => {
  it('combines nodules, emphysema and infection', () => {
    const s = summarizeChestCt(
      {
        nodules: [{ type: 'solid', lobe: 'RUL', longAxisMm: 8.2, shortAxisMm: 6.1, lungRads: '4A' }],
        lungRads: '4A',
        emphysema: { laa950Percent: 12.34 },
        infection: { percentOfLungs: 18.2, severityScore: 9 },
      },
      'zh-CN',
    );
    expect(s.lines).toEqual([
      '右肺上叶实性结节，大小 8.2×6.1 mm，Lung-RADS 4A',
      '总体 Lung-RADS 4A',
      '肺气肿 LAA-950 12.3%',
      '感染病灶占全肺 18%，CT严重度评分 9/25',
    ]);
    const en = summarizeChestCt({ nodules: [], infection: { percentOfLungs: 3 } }, 'en');
    expect(en.lines).toEqual(['No lung nodules detected', 'Infection-like opacities involve 3% of the lungs']);
    expect(en.text.endsWith('.')).toBe(true);
  });
});
