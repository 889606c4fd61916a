import { describe, expect, it } from 'vitest';
import { createReport, type DraftEdit, saveDraft } from './lifecycle.js';
import type { Report, ReportFinding, ReportInput, ReportOptions } from './model.js';
import { QC_RULES, type QcIssue, runReportQc } from './qc.js';
import { ALL, AT, chestInput, LLL_GGN, RADIOLOGIST, RLL_SMALL, RUL_4A, RUL_GROWING } from './testFixtures.js';

function report(
  input: ReportInput = chestInput(ALL),
  language: 'zh-CN' | 'en' = 'zh-CN',
  options: Partial<ReportOptions> = {},
): Report {
  return createReport({ id: 'r1', templateId: 'chest-ct', language, input, options, author: RADIOLOGIST, at: AT });
}

/** The radiologist edits the text, then QC runs on what they wrote. */
function edited(r: Report, edit: DraftEdit): Report {
  return saveDraft(r, edit, RADIOLOGIST, AT);
}

function codes(r: Report): string[] {
  return runReportQc(r).issues.map((i) => i.code);
}

function only(r: Report, code: QcIssue['code']): QcIssue[] {
  return runReportQc(r).issues.filter((i) => i.code === code);
}

describe('QC of the prefilled drafts', () => {
  it('the templates draft reports that pass every rule (zh-CN, en, Fleischner, no nodules)', () => {
    expect(codes(report())).toEqual([]);
    expect(codes(report(chestInput(ALL), 'en'))).toEqual([]);
    expect(codes(report(chestInput(ALL), 'zh-CN', { followUpGuideline: 'fleischner' }))).toEqual([]);
    expect(codes(report(chestInput([])))).toEqual([]);
    expect(runReportQc(report()).passed).toBe(true);
  });

  it('drafts that compare nodules with the prior pass too (the prior sizes are not new findings)', () => {
    const input = chestInput([RUL_GROWING, LLL_GGN, RLL_SMALL]);
    expect(codes(report(input))).toEqual([]);
    expect(codes(report(input, 'en'))).toEqual([]);
  });

  it('every rule has a severity and a bilingual title', () => {
    for (const rule of Object.values(QC_RULES)) {
      expect(['block', 'warn']).toContain(rule.severity);
      expect(rule.title['zh-CN'].length).toBeGreaterThan(0);
      expect(rule.title.en.length).toBeGreaterThan(0);
    }
  });
});

describe('(a) laterality', () => {
  const base = report();
  const impression = base.sections.impression;

  it('fires when the impression puts a measured nodule on the other side', () => {
    const r = edited(base, { sections: { impression: impression.replace('1. 右肺上叶', '1. 左肺上叶') } });
    const issues = only(r, 'laterality-mismatch');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'block', section: 'impression', findingIds: ['n1'] });
    expect(issues[0]?.reason['zh-CN']).toContain('右肺上叶');
    expect(runReportQc(r).passed).toBe(false);
  });

  it('fires for an unsized statement about a side without nodules', () => {
    const r1 = report(chestInput([RUL_4A]));
    const r = edited(r1, { sections: { impression: '1. 左肺结节，Lung-RADS 4A，建议3个月后复查。' } });
    expect(only(r, 'laterality-mismatch')).toHaveLength(1);
  });

  it('fires in English free text and in the findings section', () => {
    const en = report(chestInput(ALL), 'en');
    const r = edited(en, {
      sections: {
        impression: en.sections.impression.replace('Solid nodule, right upper lobe', 'Solid nodule, left upper lobe'),
      },
    });
    expect(only(r, 'laterality-mismatch').map((i) => i.section)).toEqual(['impression']);
    const f = edited(base, { sections: { findings: base.sections.findings.replace('右肺上叶实性', '左肺上叶实性') } });
    expect(only(f, 'laterality-mismatch').map((i) => i.section)).toEqual(['findings']);
  });

  it('does not fire for correct sides, 双肺 statements, or a nodule the reader added to the findings', () => {
    expect(only(base, 'laterality-mismatch')).toEqual([]);
    const both = edited(base, { sections: { impression: `${impression}\n6. 双肺多发结节，建议随访。` } });
    expect(only(both, 'laterality-mismatch')).toEqual([]);
    const rightOnly = report(chestInput([RUL_4A]));
    const negative = edited(rightOnly, {
      sections: { impression: `${rightOnly.sections.impression}\n2. 左肺未见明确结节。` },
    });
    expect(only(negative, 'laterality-mismatch')).toEqual([]);
    const enNegative = edited(report(chestInput([RUL_4A]), 'en'), {
      sections: {
        impression:
          '1. Solid nodule, right upper lobe, Lung-RADS 4A; LDCT in 3 months.\n2. No nodule in the left lung.',
      },
    });
    expect(codes(enNegative)).toEqual([]);
    const r1 = report(chestInput([RUL_4A]));
    const added = edited(r1, {
      sections: {
        findings: `${r1.sections.findings}\n左肺下叶另见实性结节，大小 5.0×4.0 mm。`,
        impression: `${r1.sections.impression}\n2. 左肺下叶实性结节，大小 5.0×4.0 mm。`,
      },
    });
    expect(only(added, 'laterality-mismatch')).toEqual([]);
  });
});

describe('(b) measured nodule missing from the impression', () => {
  const base = report();

  it('warns (does not block) when a nodule ≥ 4 mm is deleted from the impression', () => {
    const lines = base.sections.impression.split('\n').filter((l) => !l.includes('左肺下叶'));
    const r = edited(base, { sections: { impression: lines.join('\n') } });
    const issues = only(r, 'nodule-missing-from-impression');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'warn', findingIds: ['n2'] });
    expect(issues[0]?.reason['zh-CN']).toBe('左肺下叶结节（平均径 6.0 mm）未在诊断意见中提及');
    expect(runReportQc(r).passed).toBe(true);
  });

  it('accepts a mention by lobe (short form too) or by size, and ignores nodules under the threshold', () => {
    const byLobe = edited(base, {
      sections: { impression: '1. 右上叶结节，Lung-RADS 4A，建议3个月后复查。\n2. 左肺下叶磨玻璃小结节。' },
    });
    expect(only(byLobe, 'nodule-missing-from-impression')).toEqual([]);
    const bySize = edited(base, {
      sections: { impression: '1. 实性结节 9.2×7.4 mm，Lung-RADS 4A。\n2. 磨玻璃结节 7.0×5.0 mm。' },
    });
    expect(only(bySize, 'nodule-missing-from-impression')).toEqual([]);
    // RLL_SMALL (3.0 mm) is not mentioned in either edit and is below the 4 mm default.
  });

  it('follows the configured threshold', () => {
    const r = report(chestInput([RUL_4A, LLL_GGN, RLL_SMALL]), 'zh-CN', { impressionMinNoduleMm: 2 });
    const e = edited(r, { sections: { impression: '1. 右肺上叶实性结节，Lung-RADS 4A，建议3个月后复查。' } });
    expect(only(e, 'nodule-missing-from-impression').map((i) => i.findingIds[0])).toEqual(['n2', 'n3']);
    const high = report(chestInput([RUL_4A, LLL_GGN]), 'zh-CN', { impressionMinNoduleMm: 10 });
    const e2 = edited(high, { sections: { impression: '1. 双肺未见明显异常。' } });
    expect(only(e2, 'nodule-missing-from-impression')).toEqual([]);
  });
});

describe('(c) empty section', () => {
  const base = report();
  it('fires for an empty, blank or numbering-only section', () => {
    expect(only(edited(base, { sections: { impression: '' } }), 'empty-section').map((i) => i.section)).toEqual([
      'impression',
    ]);
    const r = edited(base, { sections: { method: '  \n', findings: '1. 。' } });
    const issues = only(r, 'empty-section');
    expect(issues.map((i) => i.section)).toEqual(['method', 'findings']);
    expect(issues[0]?.reason).toEqual({ 'zh-CN': '“检查方法”为空', en: 'The Technique section is empty' });
    expect(runReportQc(r).passed).toBe(false);
  });
  it('does not fire on written sections', () => {
    expect(only(edited(base, { sections: { method: '胸部CT平扫。' } }), 'empty-section')).toEqual([]);
  });
});

describe('(d) sex-specific organ mismatch', () => {
  it('fires for 子宫 in a male patient and prostate in a female patient', () => {
    const male = report(chestInput([RUL_4A], { sex: 'M' }));
    const m = edited(male, { sections: { findings: `${male.sections.findings}\n扫描范围内子宫未见异常。` } });
    const issues = only(m, 'sex-organ-mismatch');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'block', section: 'findings' });
    expect(issues[0]?.reason['zh-CN']).toBe('患者性别为男，报告中出现“子宫”');
    const female = report(chestInput([RUL_4A], { sex: 'F' }), 'en');
    const f = edited(female, { recommendation: 'Correlate with prostate MRI.' });
    expect(only(f, 'sex-organ-mismatch').map((i) => i.section)).toEqual(['recommendation']);
    const zhF = edited(report(chestInput([RUL_4A], { sex: 'F' })), { sections: { impression: '1. 前列腺增生。' } });
    expect(only(zhF, 'sex-organ-mismatch')).toHaveLength(1);
  });

  it('does not fire for matching sex, unknown sex, or unrelated words (cervical)', () => {
    const female = report(chestInput([RUL_4A], { sex: 'F' }));
    expect(only(edited(female, { sections: { findings: '子宫切除术后改变。' } }), 'sex-organ-mismatch')).toEqual([]);
    const unknown = report(chestInput([RUL_4A], {}));
    expect(only(edited(unknown, { sections: { findings: '前列腺钙化。' } }), 'sex-organ-mismatch')).toEqual([]);
    const male = report(chestInput([RUL_4A], { sex: 'M' }), 'en');
    expect(
      only(
        edited(male, { sections: { findings: 'No cervical lymphadenopathy. Prostate not imaged.' } }),
        'sex-organ-mismatch',
      ),
    ).toEqual([]);
  });
});

describe('(e) impression category differs from the highest finding category', () => {
  const base = report();
  it('fires when the impression is downgraded below the structured category', () => {
    const r = edited(base, {
      sections: { impression: base.sections.impression.replace('Lung-RADS 4A', 'Lung-RADS 3') },
    });
    const issues = only(r, 'category-mismatch');
    expect(issues).toHaveLength(1);
    expect(issues[0]?.reason['zh-CN']).toBe('诊断意见为 Lung-RADS 3，但影像所见中最高为 Lung-RADS 4A');
  });

  it('fires when the reader raised a finding to 4B in the text but the impression says 4A', () => {
    const r = edited(base, {
      sections: {
        findings: base.sections.findings.replace('体积 280 mm³，Lung-RADS 4A', '体积 280 mm³，Lung-RADS分类：4B'),
      },
      recommendation: '诊断性胸部CT；组织取样和/或转诊',
    });
    expect(only(r, 'category-mismatch')[0]?.reason.en).toBe(
      'The impression says Lung-RADS 4A, but the highest category in the findings is Lung-RADS 4B',
    );
  });

  it('does not fire when the categories agree or the impression states none', () => {
    expect(only(base, 'category-mismatch')).toEqual([]);
    const none = edited(base, {
      sections: { impression: '1. 右肺上叶实性结节，建议3个月后复查。\n2. 左肺下叶磨玻璃结节。' },
    });
    expect(only(none, 'category-mismatch')).toEqual([]);
    const en = report(chestInput(ALL), 'en');
    expect(only(en, 'category-mismatch')).toEqual([]);
  });
});

describe('(f) follow-up recommendation missing for category ≥ 3', () => {
  const base = report();
  it('fires when the recommendation is deleted for a 4A nodule', () => {
    const r = edited(base, { recommendation: '' });
    const issues = only(r, 'follow-up-missing');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'block', section: 'recommendation' });
    // A "CT severity score" is not a follow-up instruction.
    const en = report(chestInput(ALL), 'en');
    expect(only(edited(en, { recommendation: '' }), 'follow-up-missing')).toHaveLength(1);
  });

  it('does not fire for a follow-up in the impression, in English, or for category 2 only', () => {
    const inImpression = edited(base, {
      recommendation: '',
      sections: { impression: `${base.sections.impression}\n6. 建议3个月后低剂量CT复查。` },
    });
    expect(only(inImpression, 'follow-up-missing')).toEqual([]);
    const en = report(chestInput(ALL), 'en');
    expect(only(edited(en, { recommendation: 'LDCT in 3 months' }), 'follow-up-missing')).toEqual([]);
    const low = report(chestInput([LLL_GGN]));
    expect(only(edited(low, { recommendation: '' }), 'follow-up-missing')).toEqual([]);
  });

  it('uses categories the reader wrote: an impression raised to Lung-RADS 3 needs a follow-up', () => {
    const low = report(chestInput([LLL_GGN]));
    const r = edited(low, {
      recommendation: '',
      sections: { impression: '1. 左肺下叶磨玻璃结节，大小 7.0×5.0 mm，Lung-RADS 3。' },
    });
    expect(codes(r)).toEqual(['category-mismatch', 'follow-up-missing']);
  });

  it('unmeasured nodules with a category still count', () => {
    const f: ReportFinding = {
      id: 'x',
      kind: 'nodule',
      accepted: true,
      lobe: 'RML',
      noduleType: 'solid',
      categories: [{ system: 'lung-rads-2022', value: '4B' }],
    };
    const r = edited(report(chestInput([f])), { recommendation: '' });
    expect(codes(r)).toContain('follow-up-missing');
  });
});
