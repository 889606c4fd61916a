import { type ErrorCode, isLingshuError } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { addAddendum, createReport, saveDraft, signReport } from './lifecycle.js';
import type { Report } from './model.js';
import { renderReportText } from './render.js';
import { ALL, AT, chestInput, RADIOLOGIST, RESIDENT } from './testFixtures.js';

const later = (minutes: number): Date => new Date(AT.getTime() + minutes * 60_000);

function draft(): Report {
  return createReport({
    id: 'r1',
    templateId: 'chest-ct',
    language: 'zh-CN',
    input: chestInput(ALL),
    author: RESIDENT,
    at: AT,
  });
}

function codeOf(fn: () => unknown): { code: ErrorCode | undefined; details: Record<string, unknown> } {
  try {
    fn();
  } catch (e) {
    if (isLingshuError(e)) return { code: e.code, details: e.details };
    throw e;
  }
  return { code: undefined, details: {} };
}

describe('createReport', () => {
  it('starts a prefilled draft with version 1, keeping only accepted findings', () => {
    const r = draft();
    expect(r.status).toBe('draft');
    expect(r.templateId).toBe('chest-ct');
    expect(r.versions).toHaveLength(1);
    expect(r.versions[0]).toMatchObject({
      number: 1,
      kind: 'draft',
      authorId: 'u-res',
      role: 'resident',
      at: '2026-11-23T10:00:00.000Z',
      sections: r.sections,
      recommendation: r.recommendation,
      addenda: [],
    });
    expect(r.structured.findings.map((f) => f.id)).toEqual(['n1', 'n2', 'n3', 'e1', 'i1']);
    expect(r.structured.lungRads).toBe('4A');
    expect(r.options).toEqual({ followUpGuideline: 'lung-rads', impressionMinNoduleMm: 4, fleischnerRisk: 'unknown' });
  });

  it('rejects an unknown template, language, bad options, bad time or a missing author', () => {
    const args = {
      id: 'r1',
      templateId: 'chest-ct',
      language: 'zh-CN' as const,
      input: chestInput(ALL),
      author: RADIOLOGIST,
      at: AT,
    };
    expect(codeOf(() => createReport({ ...args, templateId: 'knee-mr' })).code).toBe('REPORT_INVALID');
    expect(codeOf(() => createReport({ ...args, language: 'fr' as 'en' })).code).toBe('REPORT_INVALID');
    expect(codeOf(() => createReport({ ...args, options: { impressionMinNoduleMm: -1 } })).details).toEqual({
      field: 'impressionMinNoduleMm',
    });
    expect(codeOf(() => createReport({ ...args, options: { followUpGuideline: 'nccn' as 'fleischner' } })).code).toBe(
      'REPORT_INVALID',
    );
    expect(codeOf(() => createReport({ ...args, at: new Date('nope') })).code).toBe('REPORT_INVALID');
    expect(codeOf(() => createReport({ ...args, author: { id: '', role: 'x', canSign: true } })).code).toBe(
      'REPORT_INVALID',
    );
    expect(codeOf(() => createReport({ ...args, id: '' })).code).toBe('REPORT_INVALID');
  });
});

describe('draft → sign → addendum', () => {
  it('keeps every version; earlier versions and reports never change', () => {
    const v1 = draft();
    const v1Impression = v1.sections.impression;
    const v2 = saveDraft(
      v1,
      { sections: { impression: `${v1Impression}\n6. 纵隔未见肿大淋巴结。` } },
      RESIDENT,
      later(5),
    );
    expect(v2).not.toBe(v1);
    expect(v1.sections.impression).toBe(v1Impression);
    expect(v1.versions).toHaveLength(1);
    expect(v2.versions).toHaveLength(2);
    expect(v2.versions[0]).toBe(v1.versions[0]);
    expect(v2.versions[1]).toMatchObject({ number: 2, kind: 'draft', authorId: 'u-res' });
    expect(v2.versions[1]?.sections.impression).toContain('纵隔未见肿大淋巴结');
    expect(v2.sections.method).toBe(v1.sections.method);

    const signed = signReport(v2, RADIOLOGIST, later(10));
    expect(signed.status).toBe('signed');
    expect(signed.versions.map((v) => v.kind)).toEqual(['draft', 'draft', 'signature']);
    expect(signed.versions[2]).toMatchObject({
      number: 3,
      authorId: 'u-rad',
      role: 'radiologist',
      at: '2026-11-23T10:10:00.000Z',
      qc: { issueCodes: [], blocked: false },
    });

    const a1 = addAddendum(signed, '  补充：右肺上叶结节与2025年CT比较无明显变化。 ', RADIOLOGIST, later(60));
    const a2 = addAddendum(a1, 'Second addendum.', RADIOLOGIST, later(90));
    expect(a2.status).toBe('amended');
    expect(a2.sections).toEqual(signed.sections);
    expect(a2.recommendation).toBe(signed.recommendation);
    expect(a2.addenda.map((a) => [a.number, a.text, a.authorId])).toEqual([
      [1, '补充：右肺上叶结节与2025年CT比较无明显变化。', 'u-rad'],
      [2, 'Second addendum.', 'u-rad'],
    ]);
    expect(a2.versions.map((v) => [v.number, v.kind, v.addenda.length])).toEqual([
      [1, 'draft', 0],
      [2, 'draft', 0],
      [3, 'signature', 0],
      [4, 'addendum', 1],
      [5, 'addendum', 2],
    ]);
    expect(signed.addenda).toEqual([]);
    expect(a2.versions[2]?.sections).toEqual(signed.sections);
  });

  it('reports and versions are deeply frozen: writing to them throws', () => {
    const r = signReport(draft(), RADIOLOGIST, later(1));
    const v = r.versions[0];
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r.versions)).toBe(true);
    expect(() => {
      (r.sections as { impression: string }).impression = 'x';
    }).toThrow(TypeError);
    expect(() => {
      (v?.sections as { findings: string }).findings = 'x';
    }).toThrow(TypeError);
    expect(() => (r.versions as unknown[]).push({})).toThrow(TypeError);
    expect(() => {
      (r.structured.findings[0] as { lobe: string }).lobe = 'LLL';
    }).toThrow(TypeError);
  });

  it('a signed report cannot be signed again or edited; a draft cannot take an addendum', () => {
    const d = draft();
    const signed = signReport(d, RADIOLOGIST, later(1));
    expect(codeOf(() => signReport(signed, RADIOLOGIST, later(2))).code).toBe('REPORT_ALREADY_SIGNED');
    expect(codeOf(() => saveDraft(signed, { recommendation: 'x' }, RADIOLOGIST, later(2))).code).toBe(
      'REPORT_ALREADY_SIGNED',
    );
    const amended = addAddendum(signed, 'x', RADIOLOGIST, later(3));
    expect(codeOf(() => signReport(amended, RADIOLOGIST, later(4))).code).toBe('REPORT_ALREADY_SIGNED');
    expect(codeOf(() => saveDraft(amended, {}, RADIOLOGIST, later(4))).code).toBe('REPORT_ALREADY_SIGNED');
    expect(codeOf(() => addAddendum(d, 'x', RADIOLOGIST, later(2))).code).toBe('REPORT_NOT_SIGNED');
    expect(codeOf(() => addAddendum(signed, '   ', RADIOLOGIST, later(2))).code).toBe('REPORT_INVALID');
  });

  it('signing and addenda need the sign permission', () => {
    const d = draft();
    expect(codeOf(() => signReport(d, RESIDENT, later(1))).code).toBe('AUTH_FORBIDDEN');
    const signed = signReport(d, RADIOLOGIST, later(1));
    expect(codeOf(() => addAddendum(signed, 'x', RESIDENT, later(2))).code).toBe('AUTH_FORBIDDEN');
  });

  it('saveDraft rejects non-text edits', () => {
    const d = draft();
    expect(
      codeOf(() => saveDraft(d, { sections: { findings: 5 as unknown as string } }, RESIDENT, later(1))).details,
    ).toEqual({ field: 'findings' });
  });
});

describe('QC at signature', () => {
  const blocked = (): Report =>
    saveDraft(draft(), { sections: { impression: '' }, recommendation: '' }, RESIDENT, later(1));

  it('a blocking issue refuses the signature with the issue codes', () => {
    const r = blocked();
    const { code, details } = codeOf(() => signReport(r, RADIOLOGIST, later(2)));
    expect(code).toBe('REPORT_QC_BLOCKED');
    expect(details).toEqual({ issues: 'empty-section,follow-up-missing' });
    expect(codeOf(() => signReport(r, RADIOLOGIST, later(2), '   ')).code).toBe('REPORT_QC_BLOCKED');
  });

  it('an explicit override with a reason signs and records the reason and the issues', () => {
    const signed = signReport(blocked(), RADIOLOGIST, later(2), ' 急诊口头报告已沟通，诊断意见稍后补充 ');
    expect(signed.status).toBe('signed');
    expect(signed.versions.at(-1)?.qc).toEqual({
      issueCodes: [
        'empty-section',
        'nodule-missing-from-impression',
        'nodule-missing-from-impression',
        'follow-up-missing',
      ],
      blocked: true,
      overrideReason: '急诊口头报告已沟通，诊断意见稍后补充',
    });
  });

  it('warnings alone do not block and need no reason', () => {
    const d = draft();
    const lines = d.sections.impression.split('\n').filter((l) => !l.includes('左肺下叶'));
    const r = saveDraft(d, { sections: { impression: lines.join('\n') } }, RESIDENT, later(1));
    const signed = signReport(r, RADIOLOGIST, later(2));
    expect(signed.versions.at(-1)?.qc).toEqual({ issueCodes: ['nodule-missing-from-impression'], blocked: false });
  });
});

describe('renderReportText', () => {
  it('renders sections, recommendation and addenda; older versions render as they were', () => {
    const signed = signReport(draft(), RADIOLOGIST, later(1));
    const amended = addAddendum(signed, '补充说明。', RADIOLOGIST, later(2));
    const text = renderReportText(amended);
    expect(text.startsWith('检查方法：\n胸部CT平扫')).toBe(true);
    expect(text).toContain('\n\n影像所见：\n右肺上叶实性结节');
    expect(text).toContain('\n\n诊断意见：\n1. 右肺上叶实性结节');
    expect(text).toContain('\n\n建议：\nLung-RADS 4A：3个月后低剂量CT复查');
    expect(text.endsWith('补充报告 1（2026-11-23T10:02:00.000Z）：\n补充说明。')).toBe(true);
    expect(renderReportText(amended, amended.versions[1])).not.toContain('补充报告');
  });
});
