/**
 * The reader's review of AI findings in the AI panel, as pure functions: the latest decision per
 * finding from the server's reviews (`GET /api/ai-results/<pk>/reviews`), the values the edit and
 * add forms start from, and the bodies they send (docs/oversight.md, docs/reports.md "changes").
 */

import type { Lang, MessageKey } from './i18n.js';
import type { AddedGeometry } from './measurement.js';

export type ReviewAction = 'accept' | 'edit' | 'reject' | 'add' | 'withdraw';

/** One row of `GET /api/ai-results/<pk>/reviews` (the fields the panel uses). */
export interface FindingReview {
  pk: string;
  findingId: string;
  action: ReviewAction;
  reason: string | null;
  changes: unknown;
  at: string;
}

/** What the form calls the type: a nodule's composition, or a mass. */
export const FINDING_KINDS = ['solid', 'part-solid', 'ground-glass', 'calcified', 'mass'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];
export const LOBES = ['RUL', 'RML', 'RLL', 'LUL', 'LLL'] as const;
export type Lobe = (typeof LOBES)[number];
export const SIDES = ['right', 'left'] as const;
export type Side = (typeof SIDES)[number];

/** The values of a nodule or mass the reader can change (sizes in mm). */
export interface NoduleValues {
  kind: FindingKind;
  side?: Side;
  lobe?: Lobe;
  longAxisMm?: number;
  shortAxisMm?: number;
}

/** The edit / add form as typed (numbers stay text until saved). */
export interface FindingFormValues {
  kind: FindingKind;
  side: Side | '';
  lobe: Lobe | '';
  longAxisMm: string;
  shortAxisMm: string;
  note: string;
}

/** The parts of an AI finding (`@lingshu/ai` Finding JSON) the review needs. */
export interface ReviewableFinding {
  id: string;
  type: string;
  attributes?: Record<string, unknown>;
  measurements?: { key?: string; value?: number; unit?: string; region?: string }[];
}

const MAX_MM = 300;

function oneOf<T extends string>(allowed: readonly T[], v: unknown): T | undefined {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
}

function finiteNumber(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** `changes` as stored (an object; some drivers hand back JSON text). */
export function changesOf(review: Pick<FindingReview, 'changes'>): Record<string, unknown> {
  let c = review.changes;
  if (typeof c === 'string') {
    try {
      c = JSON.parse(c) as unknown;
    } catch {
      return {};
    }
  }
  return typeof c === 'object' && c !== null && !Array.isArray(c) ? (c as Record<string, unknown>) : {};
}

/** The latest accept / edit / reject of each finding (reviews come oldest first; the last one counts). */
export function latestDecisions(reviews: readonly FindingReview[]): Map<string, FindingReview> {
  const out = new Map<string, FindingReview>();
  for (const r of reviews) if (r.action !== 'add' && r.action !== 'withdraw') out.set(r.findingId, r);
  return out;
}

/** Findings readers added (action `add`) and did not withdraw since, oldest first. */
export function addedReviews(reviews: readonly FindingReview[]): FindingReview[] {
  const withdrawn = new Set(reviews.filter((r) => r.action === 'withdraw').map((r) => r.findingId));
  return reviews.filter((r) => r.action === 'add' && !withdrawn.has(r.findingId));
}

/** Nodules and masses have a size, type and location a reader can edit. */
export function isEditable(finding: Pick<ReviewableFinding, 'type'>): boolean {
  return finding.type === 'nodule' || finding.type === 'mass';
}

/** Sets the values a flat record gives (AI attributes, an edit's changes, an added finding). */
function overlay(values: NoduleValues, source: Record<string, unknown>): NoduleValues {
  const out = { ...values };
  if (source.type === 'mass') out.kind = 'mass';
  else {
    const composition = oneOf(FINDING_KINDS, source.noduleType);
    if (composition && composition !== 'mass') out.kind = composition;
    else if (source.type === 'nodule' && out.kind === 'mass') out.kind = 'solid';
  }
  const lobe = oneOf(LOBES, source.lobe);
  const side = oneOf(SIDES, source.side);
  if (lobe) {
    out.lobe = lobe;
    out.side = lobe.startsWith('R') ? 'right' : 'left';
  }
  if (side) out.side = side;
  const long = finiteNumber(source.longAxisMm);
  const short = finiteNumber(source.shortAxisMm);
  if (long !== undefined) out.longAxisMm = long;
  if (short !== undefined) out.shortAxisMm = short;
  return out;
}

/** The AI's own values of a nodule or mass. */
export function aiValues(finding: ReviewableFinding): NoduleValues {
  const attributes = finding.attributes ?? {};
  const size = (key: string) =>
    finiteNumber(
      finding.measurements?.find((m) => m.key === key && (m.region === undefined || m.region === 'whole'))?.value,
    );
  const base: NoduleValues = { kind: finding.type === 'mass' ? 'mass' : 'solid' };
  const values = overlay(base, { ...attributes, type: finding.type });
  const long = size('longAxisMm');
  const short = size('shortAxisMm');
  if (long !== undefined) values.longAxisMm = long;
  if (short !== undefined) values.shortAxisMm = short;
  return values;
}

/** The values the report will use: the AI's, with the reader's edit applied. */
export function currentValues(finding: ReviewableFinding, decision?: FindingReview): NoduleValues {
  const ai = aiValues(finding);
  return decision?.action === 'edit' ? overlay(ai, changesOf(decision)) : ai;
}

/** The values of a finding a reader added (its `changes` is the finding they gave). */
export function addedValues(review: FindingReview): NoduleValues {
  const given = changesOf(review);
  return overlay({ kind: given.type === 'mass' ? 'mass' : 'solid' }, given);
}

const text = (n: number | undefined): string => (n === undefined ? '' : String(n));

/** The form, filled with these values. */
export function formOf(values: NoduleValues, note = ''): FindingFormValues {
  return {
    kind: values.kind,
    side: values.side ?? '',
    lobe: values.lobe ?? '',
    longAxisMm: text(values.longAxisMm),
    shortAxisMm: text(values.shortAxisMm),
    note,
  };
}

/** An empty add form. */
export function emptyForm(): FindingFormValues {
  return { kind: 'solid', side: '', lobe: '', longAxisMm: '', shortAxisMm: '', note: '' };
}

/** Why the form cannot be saved (an i18n key of `ai.form.*`), or null. */
export function formProblem(
  form: FindingFormValues,
  mode: 'edit' | 'add',
): 'ai.form.sizeInvalid' | 'ai.form.shortLonger' | 'ai.form.sizeRequired' | null {
  const long = form.longAxisMm.trim() === '' ? undefined : Number(form.longAxisMm);
  const short = form.shortAxisMm.trim() === '' ? undefined : Number(form.shortAxisMm);
  for (const v of [long, short])
    if (v !== undefined && !(Number.isFinite(v) && v > 0 && v <= MAX_MM)) return 'ai.form.sizeInvalid';
  if (mode === 'add' && long === undefined) return 'ai.form.sizeRequired';
  if (long !== undefined && short !== undefined && short > long) return 'ai.form.shortLonger';
  return null;
}

function formNumber(s: string): number | undefined {
  return s.trim() === '' ? undefined : finiteNumber(s);
}

/**
 * The `changes` of an edit: the form's values that differ from the AI's (the latest edit replaces
 * earlier ones, so they are always relative to the AI finding). Empty when nothing differs.
 */
export function editChanges(ai: NoduleValues, form: FindingFormValues): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (form.kind !== ai.kind) {
    if (form.kind === 'mass') changes.type = 'mass';
    else {
      changes.noduleType = form.kind;
      if (ai.kind === 'mass') changes.type = 'nodule';
    }
  }
  if (form.lobe !== '' && form.lobe !== ai.lobe) changes.lobe = form.lobe;
  if (form.side !== '' && form.side !== ai.side) changes.side = form.side;
  const long = formNumber(form.longAxisMm);
  const short = formNumber(form.shortAxisMm);
  if (long !== undefined && long !== ai.longAxisMm) changes.longAxisMm = long;
  if (short !== undefined && short !== ai.shortAxisMm) changes.shortAxisMm = short;
  return changes;
}

/**
 * The body of `POST /api/ai-results/<pk>/findings` for the add form; with the geometry of the
 * measurement the form was filled from, when there was one.
 */
export function addFindingBody(
  form: FindingFormValues,
  geometry?: AddedGeometry,
): { finding: Record<string, unknown>; reason?: string } {
  const finding: Record<string, unknown> =
    form.kind === 'mass' ? { type: 'mass' } : { type: 'nodule', noduleType: form.kind };
  if (form.side !== '') finding.side = form.side;
  if (form.lobe !== '') finding.lobe = form.lobe;
  const long = formNumber(form.longAxisMm);
  const short = formNumber(form.shortAxisMm);
  if (long !== undefined) finding.longAxisMm = long;
  if (short !== undefined) finding.shortAxisMm = short;
  if (geometry) finding.geometry = geometry;
  const note = form.note.trim();
  return { finding, ...(note ? { reason: note } : {}) };
}

/** Where an added finding was measured (the image and its place in the stack), or null when not drawn. */
export function addedPlace(review: FindingReview): { sopInstanceUID: string; frameIndex: number } | null {
  const g = changesOf(review).geometry;
  if (typeof g !== 'object' || g === null) return null;
  const { referencedSopInstanceUID: sop, centerVoxel } = g as {
    referencedSopInstanceUID?: unknown;
    centerVoxel?: unknown;
  };
  const frame = Array.isArray(centerVoxel) ? finiteNumber(centerVoxel[2]) : undefined;
  return typeof sop === 'string' && frame !== undefined ? { sopInstanceUID: sop, frameIndex: frame } : null;
}

/** A finding whose outline or axes the viewer may draw (AI or reader-added). */
export interface OverlayRef {
  resultPk: string;
  findingId: string;
}

/**
 * The findings the viewer outlines on the image: the AI's with a segmentation or geometry that
 * the reader has not rejected, and the added ones measured on an image (withdrawn ones are not
 * in `added`).
 */
export function overlayRefs(
  ai: readonly { resultPk: string; finding: { id: string; geometry?: unknown; segmentNumber?: number } }[],
  decisions: Readonly<Record<string, Pick<FindingReview, 'action'>>>,
  added: readonly { resultPk: string; review: FindingReview }[],
): OverlayRef[] {
  const out: OverlayRef[] = [];
  for (const { resultPk, finding } of ai) {
    if (finding.geometry === undefined && finding.segmentNumber === undefined) continue;
    if (decisions[`${resultPk}/${finding.id}`]?.action === 'reject') continue;
    out.push({ resultPk, findingId: finding.id });
  }
  for (const { resultPk, review } of added) if (addedPlace(review)) out.push({ resultPk, findingId: review.findingId });
  return out;
}

/** "10.5×8.0 mm" (one decimal, as the report writes sizes), or the long axis alone. */
export function sizeText(values: Pick<NoduleValues, 'longAxisMm' | 'shortAxisMm'>): string {
  const { longAxisMm: l, shortAxisMm: s } = values;
  if (l === undefined) return '';
  return s === undefined ? `${l.toFixed(1)} mm` : `${l.toFixed(1)}×${s.toFixed(1)} mm`;
}

/** "10.5×8.0 mm · part-solid nodule · left lower lobe" in the UI language. */
export function describeValues(values: NoduleValues, t: (key: MessageKey) => string): string {
  const where = values.lobe ? t(`ai.lobe.${values.lobe}`) : values.side ? t(`ai.side.${values.side}`) : '';
  return [sizeText(values), t(`ai.kind.${values.kind}`), where].filter(Boolean).join(' · ');
}

/**
 * The finding's name in the list, in the UI language: a nodule by its composition and lobe
 * ("实性结节 · 右肺上叶"), a mass, emphysema, infection; other kinds by their code meaning.
 */
export function findingLabel(
  finding: ReviewableFinding & { code?: { meaning?: string } },
  t: (key: MessageKey) => string,
): string {
  if (finding.type === 'nodule' || finding.type === 'mass') {
    const v = aiValues(finding);
    const where = v.lobe ? t(`ai.lobe.${v.lobe}`) : v.side ? t(`ai.side.${v.side}`) : '';
    const kind =
      finding.type === 'nodule' && !oneOf(FINDING_KINDS, finding.attributes?.noduleType)
        ? t('ai.type.nodule')
        : t(`ai.kind.${v.kind}`);
    return capitalised([kind, where].filter(Boolean).join(' · '));
  }
  if (finding.type === 'emphysema') return capitalised(t('ai.type.emphysema'));
  if (finding.type === 'infection') return capitalised(t('ai.type.infection'));
  return finding.code?.meaning ?? finding.type;
}

const capitalised = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Preset reasons for rejecting an AI finding. The stored reason starts with the code, not the
 * label, so that rejections can be counted by reason whatever language the reader used:
 * `vessel`, `vessel: 与血管相连`, or free text alone.
 */
export const REJECT_REASONS = {
  'false-positive': 'ai.reason.falsePositive',
  vessel: 'ai.reason.vessel',
  artefact: 'ai.reason.artefact',
  benign: 'ai.reason.benign',
} as const satisfies Record<string, MessageKey>;
export type RejectReasonCode = keyof typeof REJECT_REASONS;

function isReasonCode(s: string): s is RejectReasonCode {
  return Object.hasOwn(REJECT_REASONS, s);
}

/** The stored reason: the preset's code, then the free text after ": " (either may be missing). */
export function rejectReason(code: RejectReasonCode | '', details: string): string {
  return [code, details.trim()].filter(Boolean).join(': ');
}

/** A stored reason in the reader's language: the preset's label and the free text. */
export function describeRejectReason(reason: string, t: (key: MessageKey) => string, lang: Lang): string {
  const m = reason.match(/^([a-z-]+)(?:: ([\s\S]*))?$/);
  const code = m?.[1];
  if (!code || !isReasonCode(code)) return reason; // free text (or a reason stored before the codes)
  const label = t(REJECT_REASONS[code]);
  const details = m?.[2]?.trim();
  return details ? `${label}${lang === 'en' ? ': ' : '：'}${details}` : label;
}

/**
 * Whole-lung quantities a reader may correct: LAA-950 of an emphysema finding, the involved
 * percentage and the 25-point CT severity score of an infection finding. The edit sends them as
 * flat `changes` (`laa950Percent`, `infectionPercent`, `ctSeverityScore`), which the report uses.
 */
export interface QuantityField {
  key: 'laa950Percent' | 'infectionPercent' | 'ctSeverityScore';
  label: MessageKey;
  unit: '%' | '/25';
  max: number;
  integer: boolean;
}

const QUANTITY_FIELDS: Record<string, readonly QuantityField[]> = {
  emphysema: [{ key: 'laa950Percent', label: 'ai.form.laa950', unit: '%', max: 100, integer: false }],
  infection: [
    { key: 'infectionPercent', label: 'ai.form.infectionPercent', unit: '%', max: 100, integer: false },
    { key: 'ctSeverityScore', label: 'ai.form.severityScore', unit: '/25', max: 25, integer: true },
  ],
};

/** The quantity fields of a finding (none for nodules and other kinds). */
export function quantityFields(finding: Pick<ReviewableFinding, 'type'>): readonly QuantityField[] {
  return QUANTITY_FIELDS[finding.type] ?? [];
}

/** The whole-lung value of each field: the reader's edit if any, else the AI's (undefined when absent). */
export function quantityValues(
  finding: ReviewableFinding,
  decision?: FindingReview,
): Partial<Record<QuantityField['key'], number>> {
  const out: Partial<Record<QuantityField['key'], number>> = {};
  const edited = decision?.action === 'edit' ? changesOf(decision) : {};
  for (const field of quantityFields(finding)) {
    const given = edited[field.key];
    const ai = finding.measurements?.find((m) => m.key === field.key && (m.region ?? 'whole') === 'whole')?.value;
    const value = typeof given === 'number' && Number.isFinite(given) ? given : ai;
    if (typeof value === 'number' && Number.isFinite(value)) out[field.key] = value;
  }
  return out;
}

/**
 * The edit's `changes` from the form's texts: only the fields that differ from `current`; a
 * problem key instead when a value is not a number in range.
 */
export function quantityChanges(
  fields: readonly QuantityField[],
  texts: Partial<Record<QuantityField['key'], string>>,
  current: Partial<Record<QuantityField['key'], number>>,
): { changes: Record<string, number> } | { problem: MessageKey } {
  const changes: Record<string, number> = {};
  for (const f of fields) {
    const raw = (texts[f.key] ?? '').trim().replace(',', '.');
    if (raw === '') continue;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < 0 || v > f.max || (f.integer && !Number.isInteger(v)))
      return { problem: f.integer ? 'ai.form.badScore' : 'ai.form.badPercent' };
    if (v !== current[f.key]) changes[f.key] = v;
  }
  return { changes };
}

/** "LAA-950 8.5%" / "感染 20%，CT评分 11/25" for the edited line. */
export function describeQuantities(
  fields: readonly QuantityField[],
  values: Partial<Record<QuantityField['key'], number>>,
  t: (key: MessageKey) => string,
): string {
  return fields
    .filter((f) => values[f.key] !== undefined)
    .map((f) => `${t(f.label)} ${values[f.key]}${f.unit}`)
    .join(' · ');
}
