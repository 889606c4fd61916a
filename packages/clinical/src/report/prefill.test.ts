import { isLingshuError } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { fleischner2017 } from '../fleischner.js';
import { DEFAULT_REPORT_OPTIONS, type ReportFinding, type ReportOptions } from './model.js';
import { REPORT_TEMPLATES, reportTemplate } from './templates/index.js';
import { methodText } from './templates/method.js';
import { ALL, chestInput, EMPHYSEMA, INFECTION, LLL_GGN, RLL_SMALL, RUL_4A, RUL_GROWING } from './testFixtures.js';

const chest = REPORT_TEMPLATES['chest-ct'];
const opts = (o: Partial<ReportOptions> = {}): ReportOptions => ({ ...DEFAULT_REPORT_OPTIONS, ...o });

describe('chest CT template, zh-CN', () => {
  const d = chest.draft(chestInput(ALL), 'zh-CN', opts());

  it('检查方法 from the series facts', () => {
    expect(d.sections.method).toBe('胸部CT平扫，层厚1.25 mm，B70f算法重建，肺窗及纵隔窗观察。');
  });

  it('影像所见: accepted nodules in anatomical order with size, mean diameter, volume and category', () => {
    expect(d.sections.findings.split('\n')).toEqual([
      '右肺上叶实性结节，大小 9.2×7.4 mm，平均径 8.3 mm，体积 280 mm³，Lung-RADS 4A。',
      '右肺下叶实性结节，大小 3.4×2.6 mm，平均径 3.0 mm，Lung-RADS 2。',
      '左肺下叶磨玻璃结节，大小 7.0×5.0 mm，平均径 6.0 mm，体积 90 mm³，Lung-RADS 2。',
      '肺气肿 LAA-950 12.3%。',
      '感染病灶占全肺 18%，CT严重度评分 9/25。',
    ]);
    // The rejected 20 mm LUL proposal is nowhere in the report.
    expect(d.sections.findings + d.sections.impression).not.toContain('左肺上叶');
  });

  it('诊断意见: numbered, most severe first; small nodules grouped', () => {
    expect(d.sections.impression.split('\n')).toEqual([
      '1. 右肺上叶实性结节，大小 9.2×7.4 mm，Lung-RADS 4A。',
      '2. 肺内感染性病变可能（病灶占全肺 18%，CT严重度评分 9/25）。',
      '3. 肺气肿 LAA-950 12.3%。',
      '4. 左肺下叶磨玻璃结节，大小 7.0×5.0 mm，Lung-RADS 2。',
      '5. 右肺微小结节1枚（平均径 < 4 mm），Lung-RADS 2。',
    ]);
    expect(d.impressionItems.map((i) => i.findingIds)).toEqual([['n1'], ['n2'], ['n3'], ['i1'], ['e1']]);
  });

  it('recommendation: Lung-RADS management of the highest category (PET/CT for solid ≥ 8 mm)', () => {
    expect(d.lungRads).toBe('4A');
    expect(d.recommendation).toBe('Lung-RADS 4A：3个月后低剂量CT复查；可考虑PET/CT');
  });
});

describe('chest CT template, en', () => {
  const d = chest.draft(chestInput(ALL), 'en', opts());

  it('renders the same structure in English', () => {
    expect(d.sections.method).toBe(
      'Non-contrast CT of the chest, 1.25 mm slices, B70f kernel, reviewed in lung and mediastinal windows.',
    );
    expect(d.sections.findings.split('\n')).toEqual([
      'Solid nodule, right upper lobe, 9.2 × 7.4 mm, mean diameter 8.3 mm, volume 280 mm³, Lung-RADS 4A.',
      'Solid nodule, right lower lobe, 3.4 × 2.6 mm, mean diameter 3.0 mm, Lung-RADS 2.',
      'Ground-glass nodule, left lower lobe, 7.0 × 5.0 mm, mean diameter 6.0 mm, volume 90 mm³, Lung-RADS 2.',
      'Emphysema, LAA-950 12.3%.',
      'Infection-like opacities involve 18% of the lungs, CT severity score 9/25.',
    ]);
    expect(d.sections.impression.split('\n')).toEqual([
      '1. Solid nodule, right upper lobe, 9.2 × 7.4 mm, Lung-RADS 4A.',
      '2. Possible pulmonary infection (18% of the lungs, CT severity score 9/25).',
      '3. Emphysema, LAA-950 12.3%.',
      '4. Ground-glass nodule, left lower lobe, 7.0 × 5.0 mm, Lung-RADS 2.',
      '5. 1 small nodule in the right lung (mean diameter < 4 mm), Lung-RADS 2.',
    ]);
    expect(d.recommendation).toBe('Lung-RADS 4A: LDCT in 3 months; PET/CT may be considered');
  });
});

describe('chest CT template, nodules compared with a prior study', () => {
  const growing = RUL_GROWING;
  const stable: ReportFinding = {
    ...LLL_GGN,
    growth: {
      priorStudyDate: '2026-05-25',
      intervalDays: 182,
      priorMeanDiameterMm: 5.8,
      priorVolumeMm3: 88,
      volumeChangePercent: 2.3,
      volumeDoublingTimeDays: 5600,
      growingLungRads: false,
      growingFleischner: false,
      growingVolume: false,
    },
  };

  it('影像所见 states the change, the doubling time and which growth rules are met', () => {
    const d = chest.draft(chestInput([growing, stable]), 'zh-CN', opts());
    expect(d.sections.findings.split('\n')).toEqual([
      '右肺上叶实性结节，大小 9.2×7.4 mm，平均径 8.3 mm，体积 280 mm³，Lung-RADS 4B；较前（2026-05-25，间隔 182 天）平均径 6.1→8.3 mm，体积 +92%，体积倍增时间约 193 天，符合增长（Lung-RADS、Fleischner、体积标准）。',
      '左肺下叶磨玻璃结节，大小 7.0×5.0 mm，平均径 6.0 mm，体积 90 mm³，Lung-RADS 2；较前（2026-05-25，间隔 182 天）平均径 5.8→6.0 mm，体积 +2%，未达增长标准。',
    ]);
    expect(d.sections.impression.split('\n')[0]).toBe('1. 右肺上叶实性结节，大小 9.2×7.4 mm，Lung-RADS 4B，较前增大。');
    expect(d.sections.impression).not.toContain('左肺下叶磨玻璃结节，大小 7.0×5.0 mm，Lung-RADS 2，较前增大');
    expect(d.lungRads).toBe('4B');
  });

  it('in English', () => {
    const d = chest.draft(chestInput([growing, stable]), 'en', opts());
    expect(d.sections.findings.split('\n')).toEqual([
      'Solid nodule, right upper lobe, 9.2 × 7.4 mm, mean diameter 8.3 mm, volume 280 mm³, Lung-RADS 4B; compared with 2026-05-25 (182 days): mean diameter 6.1 → 8.3 mm, volume +92 %, volume doubling time about 193 days; growing by the Lung-RADS, Fleischner and volume criteria.',
      'Ground-glass nodule, left lower lobe, 7.0 × 5.0 mm, mean diameter 6.0 mm, volume 90 mm³, Lung-RADS 2; compared with 2026-05-25 (182 days): mean diameter 5.8 → 6.0 mm, volume +2 %; not growing by the Lung-RADS, Fleischner or volume criteria.',
    ]);
    expect(d.sections.impression.split('\n')[0]).toBe(
      '1. Solid nodule, right upper lobe, 9.2 × 7.4 mm, Lung-RADS 4B, growing since 2026-05-25.',
    );
  });

  it('a growing nodule without a given category is categorised as growing (Lung-RADS v2022)', () => {
    const d = chest.draft(chestInput([{ ...growing, categories: [] }]), 'zh-CN', opts());
    expect(d.lungRads).toBe('4B'); // growing solid ≥ 8 mm; at baseline 8.3 mm would be 4A
  });
});

describe('chest CT template, special cases', () => {
  it('no nodules: 双肺未见明确结节, Lung-RADS 1 and annual screening', () => {
    const zh = chest.draft(chestInput([]), 'zh-CN', opts());
    expect(zh.sections.findings).toBe('双肺未见明确结节。');
    expect(zh.sections.impression).toBe('1. 双肺未见明确结节，Lung-RADS 1。');
    expect(zh.recommendation).toBe('Lung-RADS 1：12个月后低剂量CT复查');
    const en = chest.draft(chestInput([]), 'en', opts());
    expect(en.sections.findings).toBe('No definite lung nodules.');
    expect(en.sections.impression).toBe('1. No definite lung nodules, Lung-RADS 1.');
  });

  it('nodule detection not run: nothing said about nodules, no recommendation', () => {
    const d = chest.draft({ ...chestInput([EMPHYSEMA]), nodulesAssessed: false }, 'zh-CN', opts());
    expect(d.sections.findings).toBe('肺气肿 LAA-950 12.3%。');
    expect(d.sections.impression).toBe('1. 肺气肿 LAA-950 12.3%。');
    expect(d.recommendation).toBe('');
    expect(d.lungRads).toBeUndefined();
  });

  it('emphysema below the threshold is described but not an impression', () => {
    const d = chest.draft(chestInput([{ ...EMPHYSEMA, laa950Percent: 2 }]), 'zh-CN', opts());
    expect(d.sections.findings).toContain('未见明显肺气肿 LAA-950 2.0%');
    expect(d.sections.impression).not.toContain('肺气肿');
  });

  it('Fleischner per configuration: no Lung-RADS in the text, the most suspicious nodule guides', () => {
    const d = chest.draft(chestInput([RUL_4A, LLL_GGN]), 'zh-CN', opts({ followUpGuideline: 'fleischner' }));
    expect(d.sections.findings + d.sections.impression).not.toContain('Lung-RADS');
    const expected = fleischner2017({
      type: 'solid',
      sizeMm: 8.3,
      volumeMm3: 280,
      multiple: true,
      risk: 'unknown',
      ageYears: 60,
    });
    expect(d.recommendation).toBe(`Fleischner 2017：${expected.recommendation['zh-CN']}`);
    expect(d.recommendation).toBe('Fleischner 2017：3–6个月CT复查，之后18–24个月复查');
    const young = chest.draft(chestInput([RUL_4A], { ageYears: 30 }), 'en', opts({ followUpGuideline: 'fleischner' }));
    expect(young.recommendation).toBe('Fleischner 2017: Not applicable: age < 35 years');
    const low = chest.draft(
      chestInput([RUL_4A]),
      'en',
      opts({ followUpGuideline: 'fleischner', fleischnerRisk: 'low' }),
    );
    expect(low.recommendation).toBe('Fleischner 2017: Consider CT at 3 months, PET/CT, or tissue sampling');
  });

  it('category computed from type and size when the finding carries none (edited finding)', () => {
    const edited: ReportFinding = {
      ...RUL_4A,
      edited: true,
      longAxisMm: 17,
      shortAxisMm: 15,
      meanDiameterMm: undefined,
      categories: [],
    };
    const d = chest.draft(chestInput([edited]), 'zh-CN', opts());
    expect(d.sections.findings).toBe(
      '右肺上叶实性结节，大小 17.0×15.0 mm，平均径 16.0 mm，体积 280 mm³，Lung-RADS 4B。',
    );
    expect(d.recommendation).toBe('Lung-RADS 4B：诊断性胸部CT；PET/CT；组织取样和/或转诊');
  });

  it('the impression size threshold is configurable', () => {
    const d = chest.draft(chestInput([RUL_4A, LLL_GGN, RLL_SMALL]), 'zh-CN', opts({ impressionMinNoduleMm: 7 }));
    expect(d.sections.impression.split('\n')).toEqual([
      '1. 右肺上叶实性结节，大小 9.2×7.4 mm，Lung-RADS 4A。',
      '2. 双肺微小结节2枚（平均径均 < 7 mm），Lung-RADS 2。',
    ]);
  });

  it('masses (> 30 mm) are called 肿块 and rank by category', () => {
    const mass: ReportFinding = {
      ...RUL_4A,
      id: 'm1',
      kind: 'mass',
      longAxisMm: 42,
      shortAxisMm: 35,
      meanDiameterMm: 38.5,
      categories: [{ system: 'lung-rads-2022', value: '4B' }],
    };
    const d = chest.draft(chestInput([INFECTION, mass]), 'zh-CN', opts());
    expect(d.sections.impression.split('\n')[0]).toBe('1. 右肺上叶实性肿块，大小 42.0×35.0 mm，Lung-RADS 4B。');
  });
});

describe('检查方法', () => {
  const chestMethod = (s: Parameters<typeof methodText>[0], lang: 'zh-CN' | 'en' = 'zh-CN') =>
    methodText(s, lang, { region: { 'zh-CN': '胸部', en: 'chest' }, chestWindows: true });
  it('contrast, low dose, unknown contrast, thickness formatting', () => {
    expect(chestMethod({ contrast: true, sliceThicknessMm: 5 })).toBe('胸部CT增强扫描，层厚5 mm，肺窗及纵隔窗观察。');
    expect(chestMethod({ contrast: false, lowDose: true, sliceThicknessMm: 0.625 })).toBe(
      '胸部低剂量CT平扫，层厚0.63 mm，肺窗及纵隔窗观察。',
    );
    expect(chestMethod({})).toBe('胸部CT扫描，肺窗及纵隔窗观察。');
    expect(chestMethod({ contrast: true, lowDose: true }, 'en')).toBe(
      'Contrast-enhanced low-dose CT of the chest, reviewed in lung and mediastinal windows.',
    );
  });
});

describe('generic template', () => {
  const generic = REPORT_TEMPLATES.generic;
  const other: ReportFinding = {
    id: 'o1',
    kind: 'other',
    accepted: true,
    categories: [],
    description: { 'zh-CN': '左侧基底节区见片状高密度影', en: 'Hyperdense area in the left basal ganglia' },
    impression: { 'zh-CN': '左侧基底节区出血', en: 'Left basal ganglia haemorrhage' },
  };
  const input = {
    findings: [other, { ...other, id: 'o2', accepted: false }],
    series: { modality: 'CT', region: { 'zh-CN': '头颅', en: 'head' }, contrast: false, sliceThicknessMm: 5 },
    patient: {},
  };

  it('drafts from accepted findings only, without chest phrasing', () => {
    const d = generic.draft(input, 'zh-CN', opts());
    expect(d.sections).toEqual({
      method: '头颅CT平扫，层厚5 mm。',
      findings: '左侧基底节区见片状高密度影。',
      impression: '1. 左侧基底节区出血。',
    });
    expect(d.recommendation).toBe('');
    const en = generic.draft(input, 'en', opts());
    expect(en.sections.method).toBe('Non-contrast CT of the head, 5 mm slices.');
    expect(en.sections.impression).toBe('1. Left basal ganglia haemorrhage.');
  });

  it('no findings: the text sections stay empty for the radiologist', () => {
    const d = generic.draft({ findings: [], series: { modality: 'MR' }, patient: {} }, 'zh-CN', opts());
    expect(d.sections).toEqual({ method: 'MR扫描。', findings: '', impression: '' });
  });
});

describe('template descriptors', () => {
  it('sections in the Chinese order with bilingual titles; unknown id is REPORT_INVALID', () => {
    expect(chest.sections.map((s) => s.title['zh-CN'])).toEqual(['检查方法', '影像所见', '诊断意见']);
    expect(chest.sections.map((s) => s.title.en)).toEqual(['Technique', 'Findings', 'Impression']);
    expect(reportTemplate('generic').id).toBe('generic');
    let caught: unknown;
    try {
      reportTemplate('toString');
    } catch (e) {
      caught = e;
    }
    expect(isLingshuError(caught, 'REPORT_INVALID')).toBe(true);
  });
});
