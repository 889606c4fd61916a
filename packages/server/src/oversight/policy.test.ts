import { describe, expect, it } from 'vitest';
import { type Principal, permissionsOf, type Role, SYSTEM_PRINCIPAL } from '../auth/principal.js';
import { loadServerConfig } from '../configLoad.js';
import { criticalOf, DEFAULT_CRITICAL_FINDINGS, parseCriticalFindings } from './critical.js';
import {
  AUTONOMY_MODES,
  type AutonomySetting,
  effectiveMode,
  mayNotify,
  mayPrefill,
  mayReorder,
  shouldRun,
  visibleTo,
} from './policy.js';

const who = (role: Role): Principal => ({
  kind: 'user',
  id: role,
  name: role,
  role,
  institutionPk: '2',
  permissions: permissionsOf(role),
});

describe('autonomy policy', () => {
  const settings: AutonomySetting[] = [
    { analyzerId: '*', institutionPk: null, mode: 'assist' },
    { analyzerId: '*', institutionPk: '3', mode: 'shadow' },
    { analyzerId: 'chest', institutionPk: null, mode: 'triage' },
    { analyzerId: 'chest', institutionPk: '2', mode: 'draft' },
  ];

  it('prefers the institution row, then the analyzer default, then the all-analyzer rows', () => {
    expect(effectiveMode(settings, 'chest', '2')).toBe('draft');
    expect(effectiveMode(settings, 'chest', '3')).toBe('triage');
    expect(effectiveMode(settings, 'chest', null)).toBe('triage');
    expect(effectiveMode(settings, 'head', '3')).toBe('shadow');
    expect(effectiveMode(settings, 'head', '2')).toBe('assist');
    expect(effectiveMode([], 'head', '2')).toBe('assist');
  });

  it('permits exactly what each mode says', () => {
    const table = AUTONOMY_MODES.map((m) => [m, shouldRun(m), mayNotify(m), mayReorder(m), mayPrefill(m)]);
    expect(table).toEqual([
      ['off', false, false, false, false],
      ['shadow', true, false, false, false],
      ['assist', true, false, false, false],
      ['triage', true, true, true, false],
      ['draft', true, true, true, true],
    ]);
  });

  it('shows shadow results to monitoring only, and nothing to anyone when off', () => {
    expect(visibleTo('shadow', who('radiologist'))).toBe(false);
    expect(visibleTo('shadow', who('qc'))).toBe(true);
    expect(visibleTo('shadow', who('admin'))).toBe(true);
    expect(visibleTo('assist', who('radiologist'))).toBe(true);
    expect(visibleTo('assist', who('resident'))).toBe(true);
    expect(visibleTo('assist', who('referring'))).toBe(false);
    expect(visibleTo('draft', who('technician'))).toBe(false);
    expect(visibleTo('off', SYSTEM_PRINCIPAL)).toBe(false);
    expect(visibleTo('assist', undefined)).toBe(false);
  });
});

describe('critical findings', () => {
  const mm = (key: string, value: number) => ({ key, value, unit: 'mm' });
  const finding = (id: string, type: string, size: number) => ({
    id,
    type,
    code: { value: 'x', scheme: 'SCT', meaning: type },
    measurements: [mm('longAxisMm', size)],
  });

  it('flags chest CT masses over 30 mm by default and nothing else', () => {
    const hits = criticalOf(
      {
        analyzerId: 'lingshu-chest-ct',
        findings: [finding('f1', 'mass', 42), finding('f2', 'mass', 30), finding('f3', 'nodule', 50)],
      },
      DEFAULT_CRITICAL_FINDINGS,
    );
    expect(hits.map((h) => [h.findingId, h.sizeMm, h.label.en])).toEqual([['f1', 42, 'Lung mass (> 30 mm)']]);
    expect(
      criticalOf({ analyzerId: 'other', findings: [finding('f1', 'mass', 42)] }, DEFAULT_CRITICAL_FINDINGS),
    ).toEqual([]);
  });

  it('matches by code and falls back to the mean diameter', () => {
    const rules = parseCriticalFindings(
      '[{"analyzerId":"a","code":"123","minSizeMm":10,"label":{"zh-CN":"甲","en":"A"}}]',
      'LINGSHU_CRITICAL_FINDINGS',
    );
    const f = {
      id: 'f',
      type: 't',
      code: { value: '123', scheme: 'SCT', meaning: 'm' },
      measurements: [mm('meanDiameterMm', 11)],
    };
    expect(criticalOf({ analyzerId: 'a', findings: [f] }, rules)).toHaveLength(1);
    expect(criticalOf({ analyzerId: 'a', findings: [{ ...f, measurements: [] }] }, rules)).toHaveLength(0);
  });

  it('is configured through LINGSHU_CRITICAL_FINDINGS, with the default list otherwise', () => {
    expect(loadServerConfig({}, {}, '/tmp').criticalFindings).toEqual(DEFAULT_CRITICAL_FINDINGS);
    const env = {
      LINGSHU_CRITICAL_FINDINGS:
        '[{"analyzerId":"head","findingType":"haemorrhage","label":{"zh-CN":"出血","en":"Bleed"}}]',
    };
    expect(loadServerConfig({}, env, '/tmp').criticalFindings).toEqual([
      { analyzerId: 'head', findingType: 'haemorrhage', label: { 'zh-CN': '出血', en: 'Bleed' } },
    ]);
    expect(() => loadServerConfig({}, { LINGSHU_CRITICAL_FINDINGS: '[{}]' }, '/tmp')).toThrow(
      /LINGSHU_CRITICAL_FINDINGS\[0\]/,
    );
  });

  it('rejects malformed rules naming the setting', () => {
    const bad = [
      'not json',
      '{}',
      '[{"analyzerId":"a","label":{"zh-CN":"x","en":"x"}}]',
      '[{"analyzerId":"a","findingType":"m","label":{"en":"x"}}]',
      '[{"analyzerId":"a","findingType":"m","minSizeMm":-1,"label":{"zh-CN":"x","en":"x"}}]',
      '[{"analyzerId":"a","findingType":"m","colour":"red","label":{"zh-CN":"x","en":"x"}}]',
    ];
    for (const b of bad) expect(() => parseCriticalFindings(b, 'criticalFindings')).toThrow(/criticalFindings/);
  });
});
