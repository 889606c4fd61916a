import { Dataset, type Element, type VR } from '../dataset.js';
import { LingshuError } from '../errors.js';
import { type Tag, Tags } from '../tag.js';
import { getString, getStrings, setString, setStrings } from '../values.js';
import { derivePatientDateShiftDays, shiftDA, shiftDT } from './dateShift.js';
import { dummyText } from './dummies.js';
import { type DeidAction, deidRuleFor, isRemovedByGroupRule } from './profile.js';
import { keyedDigest, remapUid } from './uidRemap.js';

export interface DeidOptions {
  /**
   * 'off' (default): the Basic Profile alone; dates are removed, emptied or replaced by dummies.
   * 'modified-dates': the Retain Longitudinal Temporal Information with Modified Dates Option:
   * every DA and DT value that is kept is shifted by one per-patient number of days, so intervals
   * (age at study, time between studies) are preserved. Times (TM) are kept as they are.
   */
  retainLongitudinalTemporalInformation?: 'off' | 'modified-dates';
  /** Day offset for 'modified-dates'; default derived from the patient ID and `uidSecret`. */
  dateShiftDays?: number;
  /** Secret key of the keyed UID, pseudonym and date-shift derivations. Never stored in output. */
  uidSecret: string;
  /** Replacement Patient ID and Patient's Name; default 'ANON-' + 12 hex of a keyed hash of the ID. */
  patientIdMap?: (originalId: string) => string;
  /** Keep Series Description (0008,103E) verbatim (the operator vouches it carries no PHI). */
  keepSeriesDescriptions?: boolean;
}

/** State shared by the instances of one de-identification run. */
export interface DeidContext {
  /** Filled with original UID → replacement UID, for the operator's own (protected) records. */
  uidMap?: Map<string, string>;
}

export interface DeidReport {
  /** Attributes removed (X, private, curves, overlay data). */
  removed: number;
  /** Attributes emptied (Z), given dummies (D), shifted dates or the patient pseudonym. */
  replaced: number;
  /** UID values replaced (U). */
  remappedUids: number;
}

export interface DeidResult {
  dataset: Dataset;
  report: DeidReport;
}

const SeriesDescription = Tags.SeriesDescription;
const PatientIdentityRemoved: Tag = 0x00120062;
const DeidentificationMethod: Tag = 0x00120063;
const DeidentificationMethodCodeSequence: Tag = 0x00120064;
const LongitudinalTemporalInformationModified: Tag = 0x00280303;
const CodeValue: Tag = 0x00080100;
const CodingSchemeDesignator: Tag = 0x00080102;
const CodeMeaning: Tag = 0x00080104;
/** Written by deidentify itself: input copies of them are replaced, not processed. */
const MARKERS = new Set<Tag>([
  PatientIdentityRemoved,
  DeidentificationMethod,
  DeidentificationMethodCodeSequence,
  LongitudinalTemporalInformationModified,
]);

interface Run {
  secret: string;
  shiftDays: number | undefined;
  pseudonym: string;
  keepSeriesDescriptions: boolean;
  uidMap: Map<string, string> | undefined;
  report: DeidReport;
}

function defaultPseudonym(secret: string, patientId: string): string {
  return `ANON-${keyedDigest(secret, 'patient-id', patientId).toString('hex').slice(0, 12).toUpperCase()}`;
}

function copyOf(el: Element): Element {
  return { ...el };
}

function setEmpty(out: Dataset, el: Element): void {
  if (el.vr === 'SQ') out.set({ tag: el.tag, vr: 'SQ', items: [] });
  else out.set({ tag: el.tag, vr: el.vr, bytes: new Uint8Array(0) });
}

function remapUidValues(src: Dataset, out: Dataset, el: Element, run: Run): void {
  const values = getStrings(src, el.tag);
  const mapped = values.map((v) => {
    if (v === '') return v;
    const next = run.uidMap?.get(v) ?? remapUid(v, run.secret);
    run.uidMap?.set(v, next);
    run.report.remappedUids++;
    return next;
  });
  setStrings(out, el.tag, 'UI', mapped);
}

function setDummy(src: Dataset, out: Dataset, el: Element, run: Run): void {
  if (el.vr === 'UI') {
    remapUidValues(src, out, el, run);
    return;
  }
  const text = dummyText(el.vr);
  if (text !== undefined) setString(out, el.tag, el.vr, text);
  else out.set({ tag: el.tag, vr: el.vr, bytes: new Uint8Array(el.bytes?.length ?? 0) });
  run.report.replaced++;
}

/** Shifts every value of a DA/DT element; a value that is not a full date becomes the dummy. */
function setShifted(src: Dataset, out: Dataset, el: Element, days: number): void {
  const shift = el.vr === 'DA' ? shiftDA : shiftDT;
  const values = getStrings(src, el.tag).map((v) => (v === '' ? v : (shift(v, days) ?? dummyText(el.vr) ?? '')));
  setStrings(out, el.tag, el.vr, values);
}

function isDateVR(vr: VR): boolean {
  return vr === 'DA' || vr === 'DT';
}

function actionFor(el: Element, run: Run): DeidAction | 'pseudonym' {
  if (el.tag === Tags.PatientID || el.tag === Tags.PatientName) return 'pseudonym';
  if (el.tag === SeriesDescription && run.keepSeriesDescriptions) return 'K';
  const rule = deidRuleFor(el.tag);
  const shifting = run.shiftDays !== undefined;
  if (!rule) {
    // Stricter than the table: dates it does not list (e.g. Date of Last Calibration) would
    // still date the study, so they are shifted with the others, or replaced by a dummy.
    if (isDateVR(el.vr)) return shifting ? 'C' : 'D';
    return 'K';
  }
  if (shifting && isDateVR(el.vr) && (rule.modifiedDatesOption || el.tag === Tags.PatientBirthDate)) return 'C';
  if (shifting && rule.modifiedDatesOption) return 'K';
  return rule.action;
}

function processDataset(src: Dataset, parent: Dataset | undefined, run: Run, top: boolean): Dataset {
  const out = new Dataset(parent);
  for (const t of src.sortedTags()) {
    const el = src.get(t);
    if (!el) continue;
    if (top && MARKERS.has(t)) continue;
    if (isRemovedByGroupRule(t)) {
      run.report.removed++;
      continue;
    }
    const action = actionFor(el, run);
    if (el.vr === 'SQ' && action !== 'X' && action !== 'Z') {
      // K, U (a reference sequence) and D (a sequence the table replaces with dummies) keep
      // the items; every attribute inside goes through the table again.
      out.set({ tag: t, vr: 'SQ', items: (el.items ?? []).map((item) => processDataset(item, out, run, false)) });
      continue;
    }
    switch (action) {
      case 'X':
        run.report.removed++;
        break;
      case 'Z':
        setEmpty(out, el);
        run.report.replaced++;
        break;
      case 'D':
        setDummy(src, out, el, run);
        break;
      case 'U':
        if (el.vr === 'UI') remapUidValues(src, out, el, run);
        else setDummy(src, out, el, run);
        break;
      case 'C':
        setShifted(src, out, el, run.shiftDays ?? 0);
        run.report.replaced++;
        break;
      case 'pseudonym':
        if (el.bytes && el.bytes.length > 0) {
          setString(out, t, el.vr, run.pseudonym);
          run.report.replaced++;
        } else out.set(copyOf(el));
        break;
      default:
        out.set(copyOf(el));
    }
  }
  return out;
}

function codeItem(parent: Dataset, value: string, meaning: string): Dataset {
  const item = new Dataset(parent);
  setString(item, CodeValue, 'SH', value);
  setString(item, CodingSchemeDesignator, 'SH', 'DCM');
  setString(item, CodeMeaning, 'LO', meaning);
  return item;
}

function markDeidentified(out: Dataset, options: DeidOptions, shifting: boolean): void {
  setString(out, PatientIdentityRemoved, 'CS', 'YES');
  const method = ['Lingshu PS3.15 Basic Profile']; // LO: at most 64 characters in all
  if (shifting) method.push('modified dates');
  if (options.keepSeriesDescriptions) method.push('series descr. kept');
  setString(out, DeidentificationMethod, 'LO', method.join('; '));
  // CID 7050 (De-identification Method), scheme DCM.
  const items = [codeItem(out, '113100', 'Basic Application Confidentiality Profile')];
  if (shifting) items.push(codeItem(out, '113107', 'Retain Longitudinal Temporal Information Modified Dates Option'));
  out.set({ tag: DeidentificationMethodCodeSequence, vr: 'SQ', items });
  // PS3.3 C.7.1.1: MODIFIED when dates were shifted; REMOVED when the Basic Profile removed them.
  setString(out, LongitudinalTemporalInformationModified, 'CS', shifting ? 'MODIFIED' : 'REMOVED');
}

/**
 * De-identifies one dataset per PS3.15 Annex E (Basic Application Level Confidentiality
 * Profile, Table E.1-1, see profile.ts), recursing into sequences. Returns a new dataset and
 * counts; the input is never mutated (value bytes that are kept are shared, read-only).
 * Patient ID and Patient's Name get a keyed pseudonym instead of Z (allowed: a dummy value).
 */
export function deidentifyWithReport(ds: Dataset, options: DeidOptions, context: DeidContext = {}): DeidResult {
  if (options.uidSecret.length === 0) {
    throw new LingshuError('CONFIG_INVALID', 'De-identification needs a non-empty uidSecret');
  }
  if (options.dateShiftDays !== undefined && !Number.isInteger(options.dateShiftDays)) {
    throw new LingshuError('CONFIG_INVALID', 'dateShiftDays must be a whole number of days');
  }
  const patientId = getString(ds, Tags.PatientID) ?? '';
  const shifting = options.retainLongitudinalTemporalInformation === 'modified-dates';
  const run: Run = {
    secret: options.uidSecret,
    shiftDays: shifting
      ? (options.dateShiftDays ?? derivePatientDateShiftDays(options.uidSecret, patientId))
      : undefined,
    pseudonym: options.patientIdMap ? options.patientIdMap(patientId) : defaultPseudonym(options.uidSecret, patientId),
    keepSeriesDescriptions: options.keepSeriesDescriptions === true,
    uidMap: context.uidMap,
    report: { removed: 0, replaced: 0, remappedUids: 0 },
  };
  const out = processDataset(ds, ds.parent, run, true);
  markDeidentified(out, options, shifting);
  return { dataset: out, report: run.report };
}

export function deidentify(ds: Dataset, options: DeidOptions, context: DeidContext = {}): Dataset {
  return deidentifyWithReport(ds, options, context).dataset;
}
