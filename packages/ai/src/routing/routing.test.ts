import { isLingshuError } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { matchStudy, type StudyFacts } from './match.js';
import { defaultRules, type RoutingRule, validateRules } from './rules.js';

const KNOWN = new Set(['lingshu-chest-ct', 'brain-ct']);

function chestStudy(over: Partial<StudyFacts['series'][number]> = {}, description = ''): StudyFacts {
  return {
    studyInstanceUID: '1.2.3',
    studyDescription: description,
    institutionCode: 'default',
    series: [
      {
        seriesInstanceUID: '1.2.3.1',
        modality: 'CT',
        bodyPart: 'CHEST',
        description: '',
        sliceThicknessMm: 1.25,
        sopClassUIDs: [],
      },
      ...(Object.keys(over).length > 0
        ? [{ seriesInstanceUID: '1.2.3.2', modality: 'CT', bodyPart: '', description: '', sopClassUIDs: [], ...over }]
        : []),
    ],
  };
}

function ruleError(raw: unknown): string {
  try {
    validateRules(raw, KNOWN);
  } catch (e) {
    if (isLingshuError(e, 'RULE_INVALID')) return String(e.details.field);
    throw e;
  }
  throw new Error('expected RULE_INVALID');
}

describe('routing rules: validation', () => {
  it('accepts the default rules and fills defaults', () => {
    const rules = validateRules(defaultRules(), KNOWN);
    expect(rules).toHaveLength(1);
    const [r] = validateRules([{ id: 'x', name: 'X', analyzers: ['brain-ct'] }], KNOWN);
    expect(r).toMatchObject({ enabled: true, priority: 'routine', match: {} });
  });

  it('names the bad field: bad regex, unknown analyzer, bad priority, duplicate id, unknown condition', () => {
    const base = { id: 'r1', name: 'R', analyzers: ['brain-ct'] };
    expect(ruleError([{ ...base, match: { studyDescription: '(' } }])).toBe('rules[0].match.studyDescription');
    expect(ruleError([base, { ...base, id: 'r2', analyzers: ['nope'] }])).toBe('rules[1].analyzers[0]');
    expect(ruleError([{ ...base, priority: 'asap' }])).toBe('rules[0].priority');
    expect(ruleError([base, base])).toBe('rules[1].id');
    expect(ruleError([{ ...base, match: { colour: ['x'] } }])).toBe('rules[0].match.colour');
    expect(ruleError([{ ...base, match: { sliceThicknessMm: { min: 5, max: 1 } } }])).toBe(
      'rules[0].match.sliceThicknessMm',
    );
    expect(ruleError({})).toBe('rules');
  });
});

describe('routing rules: matchStudy', () => {
  const rules = validateRules(defaultRules(), KNOWN);

  it('routes a thin chest CT to the chest CT analyzer, with reasons', () => {
    const d = matchStudy(rules, chestStudy());
    expect(d.analyzers).toEqual([{ analyzerId: 'lingshu-chest-ct', ruleId: 'chest-ct', priority: 'routine' }]);
    expect(d.rules[0]?.conditions.every((c) => c.ok)).toBe(true);
    expect(d.rules[0]?.seriesInstanceUID).toBe('1.2.3.1');
  });

  it('matches on a description keyword when BodyPartExamined is empty (胸部 / lung)', () => {
    const study = chestStudy({}, '胸部平扫');
    study.series[0] = { ...(study.series[0] as StudyFacts['series'][number]), bodyPart: '' };
    expect(matchStudy(rules, study).analyzers).toHaveLength(1);
    study.studyDescription = 'HEAD';
    const d = matchStudy(rules, study);
    expect(d.analyzers).toHaveLength(0);
    expect(d.rules[0]?.conditions.find((c) => !c.ok)?.condition).toBe('bodyPart');
  });

  it('refuses thick slices, other modalities and disabled rules, saying which condition failed', () => {
    const thick = chestStudy();
    thick.series[0] = { ...(thick.series[0] as StudyFacts['series'][number]), sliceThicknessMm: 10 };
    const d = matchStudy(rules, thick);
    expect(d.analyzers).toEqual([]);
    expect(d.rules[0]?.conditions.filter((c) => !c.ok).map((c) => c.condition)).toEqual(['sliceThicknessMm']);
    const mr = chestStudy();
    mr.series[0] = { ...(mr.series[0] as StudyFacts['series'][number]), modality: 'MR' };
    expect(matchStudy(rules, mr).analyzers).toEqual([]);
    const off = rules.map((r) => ({ ...r, enabled: false }));
    const e = matchStudy(off, chestStudy());
    expect(e.analyzers).toEqual([]);
    expect(e.rules[0]).toMatchObject({ enabled: false, matched: false });
  });

  it('needs one series to satisfy every series condition together', () => {
    // A thick chest series and a thin non-chest series: no single series qualifies.
    const study = chestStudy({ bodyPart: 'ABDOMEN', sliceThicknessMm: 1 });
    study.series[0] = { ...(study.series[0] as StudyFacts['series'][number]), sliceThicknessMm: 10 };
    expect(matchStudy(rules, study).analyzers).toEqual([]);
  });

  it('institution and study description conditions; the most pressing priority wins; order raises priority', () => {
    const list: RoutingRule[] = validateRules(
      [
        { id: 'a', name: 'A', priority: 'routine', match: { modality: ['CT'] }, analyzers: ['brain-ct'] },
        { id: 'b', name: 'B', priority: 'urgent', match: { institution: ['SITE-A'] }, analyzers: ['brain-ct'] },
        { id: 'c', name: 'C', match: { studyDescription: '^head' }, analyzers: ['lingshu-chest-ct'] },
      ],
      KNOWN,
    );
    const study = { ...chestStudy(), institutionCode: 'SITE-A', studyDescription: 'Head CT' };
    const d = matchStudy(list, study);
    expect(d.analyzers).toEqual([
      { analyzerId: 'brain-ct', ruleId: 'b', priority: 'urgent' },
      { analyzerId: 'lingshu-chest-ct', ruleId: 'c', priority: 'routine' },
    ]);
    const other = matchStudy(list, { ...study, institutionCode: 'SITE-B' });
    expect(other.analyzers[0]).toEqual({ analyzerId: 'brain-ct', ruleId: 'a', priority: 'routine' });
    expect(other.rules[1]?.conditions).toEqual([{ condition: 'institution', ok: false, detail: 'SITE-B' }]);
    const stat = matchStudy(list, study, 'stat');
    expect(stat.analyzers.map((a) => a.priority)).toEqual(['stat', 'stat']);
  });
});
