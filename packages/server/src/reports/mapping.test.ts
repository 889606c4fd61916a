import type { Finding } from '@lingshu/ai';
import { DEFAULT_REPORT_OPTIONS, REPORT_TEMPLATES, type ReportFinding } from '@lingshu/clinical';
import { describe, expect, it } from 'vitest';
import { chestCtResult } from '../worklist/testing.js';
import { addedFinding, applyEdit, toReportFinding } from './mapping.js';

const findings = chestCtResult('1.2.3').findings as Finding[];
const byId = (id: string): Finding => {
  const f = findings.find((x) => x.id === id);
  if (!f) throw new Error(id);
  return f;
};

describe('AI finding → report finding (docs/reports.md "Input mapping")', () => {
  it('maps a nodule: location, type, sizes and categories', () => {
    expect(toReportFinding(byId('nodule-1'), true)).toEqual({
      id: 'nodule-1',
      kind: 'nodule',
      accepted: true,
      side: 'right',
      lobe: 'RUL',
      zone: 'upper',
      noduleType: 'solid',
      longAxisMm: 9.2,
      shortAxisMm: 7.4,
      meanDiameterMm: 8.3,
      volumeMm3: 280,
      categories: [{ system: 'lung-rads-2022', value: '4A' }],
    });
  });

  it('maps study-level measurements of emphysema and infection', () => {
    expect(toReportFinding(byId('emphysema'), true)).toMatchObject({ kind: 'emphysema', laa950Percent: 12.3 });
    expect(toReportFinding(byId('infection'), false)).toMatchObject({
      kind: 'infection',
      accepted: false,
      infectionPercent: 18,
      severityScore: 9,
    });
  });

  it('applies an edit; a new size without a category drops the Lung-RADS category', () => {
    const base = toReportFinding(byId('nodule-1'), true);
    const sized = applyEdit(base, { longAxisMm: 12, meanDiameterMm: '11' });
    expect(sized).toMatchObject({ edited: true, longAxisMm: 12, meanDiameterMm: 11, categories: [] });
    const recat = applyEdit(base, { lungRads: '4b', lobe: 'LUL' });
    expect(recat).toMatchObject({ lobe: 'LUL', side: 'left', categories: [{ system: 'lung-rads-2022', value: '4B' }] });
    expect(applyEdit(base, { type: 'mass' }).kind).toBe('mass');
    expect(applyEdit(base, null)).toBe(base);
    expect(base.longAxisMm).toBe(9.2); // the input is not changed
  });

  it('drops the AI mean diameter and volume when a reader edits the axes', () => {
    const base = toReportFinding(byId('nodule-1'), true);
    const axes = applyEdit(base, { longAxisMm: 10.5, shortAxisMm: 8 });
    expect(axes).toMatchObject({ longAxisMm: 10.5, shortAxisMm: 8 });
    expect(axes.meanDiameterMm).toBeUndefined();
    expect(axes.volumeMm3).toBeUndefined();
    const given = applyEdit(base, { longAxisMm: 10.5, shortAxisMm: 8, meanDiameterMm: 9, volumeMm3: 400 });
    expect(given).toMatchObject({ meanDiameterMm: 9, volumeMm3: 400 });
    const located = applyEdit(base, { lobe: 'RML' });
    expect(located).toMatchObject({ meanDiameterMm: 8.3, volumeMm3: 280 }); // no size edit: sizes stay
  });

  it('drafts the edited size and type and the added finding into the report text (zh-CN and en)', () => {
    const edited = applyEdit(toReportFinding(byId('nodule-2'), true), {
      longAxisMm: 10.5,
      shortAxisMm: 8,
      noduleType: 'part-solid',
    });
    const added = addedFinding('reader-1', {
      type: 'nodule',
      noduleType: 'solid',
      lobe: 'RML',
      longAxisMm: 6,
      shortAxisMm: 5,
    });
    const draft = (lang: 'zh-CN' | 'en', findings: ReportFinding[]) =>
      REPORT_TEMPLATES['chest-ct'].draft(
        { findings, series: { modality: 'CT' }, patient: {} },
        lang,
        DEFAULT_REPORT_OPTIONS,
      ).sections;
    const zh = draft('zh-CN', [edited, added]);
    expect(zh.findings).toContain('左肺下叶部分实性结节，大小 10.5×8.0 mm，平均径 9.3 mm');
    expect(zh.findings).not.toContain('7.0×5.0');
    expect(zh.findings).toContain('右肺中叶实性结节，大小 6.0×5.0 mm');
    expect(zh.impression).toContain('左肺下叶部分实性结节，大小 10.5×8.0 mm');
    const en = draft('en', [edited, added]);
    expect(en.findings).toContain('Part-solid nodule, left lower lobe, 10.5 × 8.0 mm, mean diameter 9.3 mm');
    expect(en.findings).toContain('Solid nodule, right middle lobe, 6.0 × 5.0 mm');
    const mass = applyEdit(toReportFinding(byId('nodule-2'), true), { type: 'mass', longAxisMm: 34, shortAxisMm: 28 });
    expect(draft('en', [mass]).findings).toMatch(/mass/i);
  });

  it('maps a reader-added finding, ignoring values of the wrong type', () => {
    expect(addedFinding('add-1', { type: 'nodule', lobe: 'RML', longAxisMm: 5, shortAxisMm: 'x', side: 'up' })).toEqual(
      {
        id: 'add-1',
        kind: 'nodule',
        accepted: true,
        lobe: 'RML',
        side: 'right',
        longAxisMm: 5,
        categories: [],
      },
    );
    expect(addedFinding('add-2', { type: 'pleural-effusion' })).toMatchObject({
      kind: 'other',
      description: { 'zh-CN': 'pleural-effusion', en: 'pleural-effusion' },
    });
  });
});
