import type { Finding } from '@lingshu/ai';
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
