import { describe, expect, it } from 'vitest';
import {
  addedPlace,
  addedReviews,
  addedValues,
  addFindingBody,
  aiValues,
  currentValues,
  describeQuantities,
  describeRejectReason,
  describeValues,
  editChanges,
  emptyForm,
  type FindingReview,
  findingLabel,
  formOf,
  formProblem,
  latestDecisions,
  overlayRefs,
  quantityChanges,
  quantityFields,
  quantityValues,
  REJECT_REASONS,
  type ReviewableFinding,
  rejectReason,
} from './aiReview.js';
import { type MessageKey, translate } from './i18n.js';

/** The second nodule of the server's chestCtResult fixture (worklist/testing.ts), as JSON. */
const nodule2: ReviewableFinding = {
  id: 'nodule-2',
  type: 'nodule',
  attributes: { noduleType: 'ground-glass', side: 'left', lobe: 'LLL', zone: 'lower' },
  measurements: [
    { key: 'longAxisMm', value: 7, unit: 'mm' },
    { key: 'shortAxisMm', value: 5, unit: 'mm' },
    { key: 'meanDiameterMm', value: 6, unit: 'mm' },
  ],
};

const review = (pk: number, findingId: string, action: FindingReview['action'], changes: unknown = null) => ({
  pk: String(pk),
  findingId,
  action,
  reason: null,
  changes,
  at: `2026-11-23T10:00:0${pk}Z`,
});

describe('AI panel review helpers', () => {
  it('keeps the latest decision per finding and lists added findings apart', () => {
    const reviews = [
      review(1, 'nodule-1', 'accept'),
      review(2, 'nodule-2', 'reject'),
      review(3, 'reader-x', 'add', { type: 'nodule', lobe: 'RML', longAxisMm: 6, shortAxisMm: 5 }),
      review(4, 'nodule-2', 'edit', JSON.stringify({ longAxisMm: 10.5 })),
      review(5, 'reader-y', 'add', { type: 'nodule', lobe: 'LUL', longAxisMm: 9 }),
      review(6, 'reader-y', 'withdraw'),
    ];
    const latest = latestDecisions(reviews);
    expect([...latest.keys()].sort()).toEqual(['nodule-1', 'nodule-2']);
    expect(latest.get('nodule-2')?.action).toBe('edit');
    // reader-y was added, then withdrawn
    expect(addedReviews(reviews).map((r) => r.findingId)).toEqual(['reader-x']);
    // Changes stored as JSON text are read too.
    expect(currentValues(nodule2, latest.get('nodule-2'))).toMatchObject({ longAxisMm: 10.5, shortAxisMm: 5 });
  });

  it('reads the AI values and sends only what the reader changed, relative to the AI', () => {
    const ai = aiValues(nodule2);
    expect(ai).toEqual({ kind: 'ground-glass', side: 'left', lobe: 'LLL', longAxisMm: 7, shortAxisMm: 5 });
    const form = formOf(ai);
    expect(editChanges(ai, form)).toEqual({});
    expect(editChanges(ai, { ...form, longAxisMm: '10.5', shortAxisMm: '8', kind: 'part-solid' })).toEqual({
      longAxisMm: 10.5,
      shortAxisMm: 8,
      noduleType: 'part-solid',
    });
    expect(editChanges(ai, { ...form, kind: 'mass', lobe: 'RLL', side: 'right' })).toEqual({
      type: 'mass',
      lobe: 'RLL',
      side: 'right',
    });
    const mass = aiValues({ ...nodule2, type: 'mass' });
    expect(mass.kind).toBe('mass');
    expect(editChanges(mass, { ...formOf(mass), kind: 'solid' })).toEqual({ type: 'nodule', noduleType: 'solid' });
    // An edit back to a nodule shows as one.
    expect(
      currentValues(
        { ...nodule2, type: 'mass' },
        review(5, 'nodule-2', 'edit', { type: 'nodule', noduleType: 'solid' }),
      ).kind,
    ).toBe('solid');
  });

  it('checks the sizes the reader typed', () => {
    const form = formOf(aiValues(nodule2));
    expect(formProblem(form, 'edit')).toBeNull();
    expect(formProblem({ ...form, longAxisMm: 'abc' }, 'edit')).toBe('ai.form.sizeInvalid');
    expect(formProblem({ ...form, longAxisMm: '-1' }, 'edit')).toBe('ai.form.sizeInvalid');
    expect(formProblem({ ...form, longAxisMm: '400' }, 'edit')).toBe('ai.form.sizeInvalid');
    expect(formProblem({ ...form, shortAxisMm: '9' }, 'edit')).toBe('ai.form.shortLonger');
    expect(formProblem(emptyForm(), 'add')).toBe('ai.form.sizeRequired');
  });

  it('builds the added finding the server maps into the report, and shows it', () => {
    const body = addFindingBody({
      ...emptyForm(),
      lobe: 'RML',
      side: 'right',
      longAxisMm: '6',
      shortAxisMm: '5',
      note: ' missed ',
    });
    expect(body).toEqual({
      finding: { type: 'nodule', noduleType: 'solid', side: 'right', lobe: 'RML', longAxisMm: 6, shortAxisMm: 5 },
      reason: 'missed',
    });
    expect(addFindingBody({ ...emptyForm(), kind: 'mass', longAxisMm: '35' })).toEqual({
      finding: { type: 'mass', longAxisMm: 35 },
    });
    const values = addedValues(review(6, 'reader-y', 'add', body.finding));
    const t = (lang: 'zh-CN' | 'en') => (key: MessageKey) => translate(lang, key);
    expect(describeValues(values, t('zh-CN'))).toBe('6.0×5.0 mm · 实性结节 · 右肺中叶');
    expect(describeValues(values, t('en'))).toBe('6.0×5.0 mm · solid nodule · right middle lobe');
  });

  it('sends the measurement geometry with an added finding and jumps to where it was drawn', () => {
    const geometry = {
      referencedSopInstanceUID: '1.2.3.4',
      centerVoxel: [100, 120, 17] as [number, number, number],
      longAxisWorld: [
        [0, 0, -50],
        [10, 0, -50],
      ] as [[number, number, number], [number, number, number]],
    };
    const body = addFindingBody({ ...emptyForm(), longAxisMm: '10' }, geometry);
    expect(body.finding).toEqual({ type: 'nodule', noduleType: 'solid', longAxisMm: 10, geometry });
    expect(addedPlace(review(7, 'reader-z', 'add', body.finding))).toEqual({
      sopInstanceUID: '1.2.3.4',
      frameIndex: 17,
    });
    expect(addedPlace(review(8, 'reader-w', 'add', JSON.stringify(body.finding)))?.frameIndex).toBe(17);
    expect(addedPlace(review(9, 'reader-v', 'add', { type: 'nodule', longAxisMm: 4 }))).toBeNull();
  });

  it('outlines the findings not rejected, and the added ones with a place', () => {
    const ai = [
      { resultPk: '1', finding: { id: 'n1', segmentNumber: 1 } },
      { resultPk: '1', finding: { id: 'n2', geometry: {} } },
      { resultPk: '1', finding: { id: 'n3', geometry: {} } },
      { resultPk: '1', finding: { id: 'emphysema' } },
    ];
    const placed = review(10, 'reader-a', 'add', {
      type: 'nodule',
      geometry: { referencedSopInstanceUID: '1.2', centerVoxel: [1, 2, 3] },
    });
    const unplaced = review(11, 'reader-b', 'add', { type: 'nodule', longAxisMm: 5 });
    const refs = overlayRefs(ai, { '1/n2': review(12, 'n2', 'reject'), '1/n3': review(13, 'n3', 'accept') }, [
      { resultPk: '1', review: placed },
      { resultPk: '1', review: unplaced },
    ]);
    expect(refs).toEqual([
      { resultPk: '1', findingId: 'n1' },
      { resultPk: '1', findingId: 'n3' },
      { resultPk: '1', findingId: 'reader-a' },
    ]);
  });
});

describe('findingLabel', () => {
  const zh = (key: MessageKey) => translate('zh-CN', key);
  const en = (key: MessageKey) => translate('en', key);
  it('names nodules by composition and lobe, and the study-level findings, in the UI language', () => {
    expect(findingLabel(nodule2, zh)).toBe('磨玻璃结节 · 左肺下叶');
    expect(findingLabel(nodule2, en)).toBe('Ground-glass nodule · left lower lobe');
    expect(findingLabel({ id: 'n', type: 'nodule' }, zh)).toBe('结节');
    expect(findingLabel({ id: 'm', type: 'mass', attributes: { side: 'right' } }, zh)).toBe('肿块 · 右侧');
    expect(findingLabel({ id: 'e', type: 'emphysema' }, zh)).toBe('肺气肿');
    expect(findingLabel({ id: 'i', type: 'infection' }, en)).toBe('Lung infection');
    expect(findingLabel({ id: 'o', type: 'other', code: { meaning: 'Pleural effusion' } }, zh)).toBe(
      'Pleural effusion',
    );
  });
});

describe('reject reasons', () => {
  const zh = (k: MessageKey) => translate('zh-CN', k);
  const en = (k: MessageKey) => translate('en', k);

  it('are stored as the preset code and the free text, the same in every UI language', () => {
    expect(rejectReason('vessel', '')).toBe('vessel');
    expect(rejectReason('vessel', '  与血管相连 ')).toBe('vessel: 与血管相连');
    expect(rejectReason('', 'motion')).toBe('motion');
    expect(rejectReason('', '  ')).toBe('');
  });

  it("are shown with the label in the reader's language", () => {
    expect(describeRejectReason('artefact', zh, 'zh-CN')).toBe('伪影');
    expect(describeRejectReason('artefact', en, 'en')).toBe('Artefact');
    expect(describeRejectReason('vessel: 与血管相连', zh, 'zh-CN')).toBe('血管或正常结构：与血管相连');
    expect(describeRejectReason('false-positive: fissure', en, 'en')).toBe('False positive (no lesion): fissure');
    // free text, and reasons stored as text before the codes, are shown as they are
    expect(describeRejectReason('运动伪影', zh, 'zh-CN')).toBe('运动伪影');
    expect(describeRejectReason('unknown-code: x', en, 'en')).toBe('unknown-code: x');
    for (const key of Object.values(REJECT_REASONS)) expect(zh(key)).not.toBe(en(key));
  });
});

describe('whole-lung quantities (emphysema, infection)', () => {
  const infection: ReviewableFinding = {
    id: 'infection',
    type: 'infection',
    measurements: [
      { key: 'infectionPercent', value: 12, unit: '%', region: 'right' },
      { key: 'infectionPercent', value: 18, unit: '%', region: 'whole' },
      { key: 'ctSeverityScore', value: 9, unit: '1', region: 'whole' },
    ],
  };
  const fields = quantityFields(infection);
  const zh = (k: MessageKey) => translate('zh-CN', k);

  it('offers LAA-950 for emphysema, extent and score for infection, nothing for nodules', () => {
    expect(quantityFields({ type: 'emphysema' }).map((f) => f.key)).toEqual(['laa950Percent']);
    expect(fields.map((f) => f.key)).toEqual(['infectionPercent', 'ctSeverityScore']);
    expect(quantityFields({ type: 'nodule' })).toEqual([]);
  });

  it("reads the whole-lung values, the reader's edit first", () => {
    expect(quantityValues(infection)).toEqual({ infectionPercent: 18, ctSeverityScore: 9 });
    const edit = review(1, 'infection', 'edit', { infectionPercent: 20 });
    expect(quantityValues(infection, edit)).toEqual({ infectionPercent: 20, ctSeverityScore: 9 });
  });

  it('sends only changed values; refuses values out of range', () => {
    const current = { infectionPercent: 18, ctSeverityScore: 9 };
    expect(quantityChanges(fields, { infectionPercent: '20,5', ctSeverityScore: '9' }, current)).toEqual({
      changes: { infectionPercent: 20.5 },
    });
    expect(quantityChanges(fields, { infectionPercent: '18', ctSeverityScore: '9' }, current)).toEqual({ changes: {} });
    expect(quantityChanges(fields, { infectionPercent: '120' }, current)).toEqual({ problem: 'ai.form.badPercent' });
    expect(quantityChanges(fields, { ctSeverityScore: '9.5' }, current)).toEqual({ problem: 'ai.form.badScore' });
    expect(quantityChanges(fields, { ctSeverityScore: '26' }, current)).toEqual({ problem: 'ai.form.badScore' });
  });

  it('describes them for the edited line', () => {
    expect(describeQuantities(fields, { infectionPercent: 20, ctSeverityScore: 11 }, zh)).toBe(
      '感染范围 20% · CT严重度评分 11/25',
    );
  });
});
