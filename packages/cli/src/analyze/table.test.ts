import type { AnalysisResult, Finding } from '@lingshu/ai';
import { describe, expect, it } from 'vitest';
import { translator } from '../i18n.js';
import { truthLungRads } from './integrations.js';
import { chestCtSummaryText, summaryInput } from './summary.js';
import { displayWidth, findingsTable, formatTable, studyMeasurementLines } from './table.js';

const nodule: Finding = {
  id: 'F1',
  trackingUid: '2.25.1',
  type: 'nodule',
  code: { value: '427359005', scheme: 'SCT', meaning: 'Solitary nodule of lung' },
  attributes: { noduleType: 'solid', side: 'right', lobe: 'RUL', juxtapleural: false },
  measurements: [
    { key: 'longAxisMm', value: 9.44, unit: 'mm' },
    { key: 'shortAxisMm', value: 7.06, unit: 'mm' },
    { key: 'meanDiameterMm', value: 8.25, unit: 'mm' },
    { key: 'volumeMm3', value: 301, unit: 'mm3' },
  ],
  categories: [{ system: 'lung-rads-2022', value: '4A' }],
  confidence: 0.87,
};

const result: AnalysisResult = {
  status: 'ok',
  findings: [nodule],
  measurements: [
    { key: 'laa950Percent', value: 7.42, unit: '%', region: 'whole' },
    { key: 'laa950Percent', value: 3.1, unit: '%', region: 'right-upper' },
    { key: 'infectionPercent', value: 0, unit: '%', region: 'whole' },
  ],
  warnings: [],
  provenance: {
    analyzerId: 'chest-ct',
    analyzerVersion: '0.1.0',
    parameters: {},
    studyInstanceUID: '2.25.2',
    seriesInstanceUID: '2.25.3',
    inputSopInstanceUIDs: [],
    startedAt: '',
    finishedAt: '',
  },
};

describe('findings table', () => {
  it('lists type, location, size, category and confidence', () => {
    const text = findingsTable(result, translator('en'));
    const [header, , row] = text.split('\n');
    expect(header).toMatch(/^#\s+Finding\s+Location\s+Size\s+Category\s+Confidence$/);
    expect(row).toMatch(/^1\s+nodule \(solid\)\s+RUL\s+9\.4×7\.1 mm \(8\.3\)\s+Lung-RADS 4A\s+0\.87$/);
    expect(findingsTable({ ...result, findings: [] }, translator('en'))).toBe('No findings.');
  });

  it('aligns CJK text by display width', () => {
    expect(displayWidth('右肺上叶')).toBe(8);
    const t = formatTable(['发现', 'x'], [['结节', '1']]).split('\n');
    expect(t[0]!.indexOf('x')).toBe(t[2]!.indexOf('1') - 0);
  });

  it('prints whole-lung and side figures, not zones', () => {
    expect(studyMeasurementLines(result)).toEqual(['laa950Percent [whole]: 7.4 %', 'infectionPercent [whole]: 0.0 %']);
  });
});

describe('findings summary', () => {
  it('maps the result onto the clinical summary (nodules, emphysema; no infection at 0 %)', () => {
    const input = summaryInput(result);
    expect(input.nodules).toEqual([
      {
        type: 'solid',
        lobe: 'RUL',
        side: 'right',
        longAxisMm: 9.44,
        shortAxisMm: 7.06,
        meanDiameterMm: 8.25,
        volumeMm3: 301,
        lungRads: '4A',
      },
    ]);
    expect(input.emphysema).toEqual({ laa950Percent: 7.42 });
    expect(input.infection).toBeUndefined();
    expect(chestCtSummaryText(result, 'zh-CN')).toContain('右肺上叶实性结节');
    expect(chestCtSummaryText(result, 'en')).toContain('Lung-RADS 4A');
  });

  it('leaves nodules out when the detector did not run', () => {
    const input = summaryInput({ ...result, warnings: [{ code: 'nodules-not-analysed', message: '' }] });
    expect(input.nodules).toBeUndefined();
  });
});

describe('truthLungRads', () => {
  const base = {
    id: 'N',
    centerMm: [0, 0, 0] as [number, number, number],
    longAxisMm: 0,
    shortAxisMm: 0,
    volumeMm3: 0,
  };
  it('categorises truth nodules with the clinical engine', () => {
    expect(truthLungRads({ ...base, type: 'solid', meanDiameterMm: 5 })).toBe('2');
    expect(truthLungRads({ ...base, type: 'solid', meanDiameterMm: 7 })).toBe('3');
    expect(truthLungRads({ ...base, type: 'solid', meanDiameterMm: 10 })).toBe('4A');
    expect(truthLungRads({ ...base, type: 'solid', meanDiameterMm: 16 })).toBe('4B');
    expect(truthLungRads({ ...base, type: 'solid', shape: 'ellipsoid', site: 'perifissural', meanDiameterMm: 7 })).toBe(
      '2',
    );
    expect(truthLungRads({ ...base, type: 'unknown', meanDiameterMm: 7 })).toBeNull();
  });
});
