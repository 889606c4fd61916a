import { describe, expect, it } from 'vitest';
import { Dataset, type Element, type VR } from '../dataset.js';
import { isPrivateTag, type Tag, Tags } from '../tag.js';
import { SOPClass } from '../uids.js';
import { elementText, getNumbers, getSequence, getString, getStrings, setNumbers, setString } from '../values.js';
import { writeDataset } from '../writer.js';
import { deidentify, deidentifyWithReport } from './deidentify.js';
import { DEID_BASIC_PROFILE, type DeidAction, deidRuleFor, isRemovedByGroupRule } from './profile.js';
import { remapUid } from './uidRemap.js';

const SECRET = 'test-secret';
const TEXT_VRS = new Set<VR>(['AE', 'CS', 'LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);
const STUDY_UID = '1.2.826.0.1.3680043.99.1';

/** A recognisable value per VR: every text value contains "PHI" so leaks are easy to find. */
function phiValue(vr: VR, i: number): string | undefined {
  if (TEXT_VRS.has(vr)) return vr === 'AE' || vr === 'CS' ? `PHI${i}` : `PHI value ${i}`;
  switch (vr) {
    case 'UI':
      return `1.2.826.0.1.3680043.99.${1000 + i}`;
    case 'DA':
      return '20200115';
    case 'DT':
      return '20200115103000';
    case 'TM':
      return '103000';
    case 'AS':
      return '045Y';
    case 'IS':
    case 'DS':
      return '123';
    default:
      return undefined;
  }
}

/** One instance: every table attribute with a simple VR, private data, overlays, nested PHI. */
function instance(sopInstanceUid: string, referencedUid: string, patientId = 'PHI-PID-1'): Dataset {
  const ds = new Dataset();
  setString(ds, Tags.SpecificCharacterSet, 'CS', 'ISO_IR 192');
  DEID_BASIC_PROFILE.forEach((rule, i) => {
    const value = phiValue(rule.vr, i);
    if (value !== undefined && rule.tag >>> 16 !== 0x0002 && rule.tag >>> 16 !== 0x0000) {
      setString(ds, rule.tag, rule.vr, value);
    } else if (rule.vr === 'OB' || rule.vr === 'OW')
      ds.set({ tag: rule.tag, vr: rule.vr, bytes: new Uint8Array([1, 2, 3, 4]) });
  });
  setString(ds, Tags.SOPClassUID, 'UI', SOPClass.CTImageStorage);
  setString(ds, Tags.SOPInstanceUID, 'UI', sopInstanceUid);
  setString(ds, Tags.StudyInstanceUID, 'UI', STUDY_UID);
  setString(ds, Tags.PatientID, 'LO', patientId);
  setString(ds, Tags.PatientName, 'PN', 'PHI^Name');
  setString(ds, Tags.Modality, 'CS', 'CT');
  setString(ds, Tags.Manufacturer, 'LO', 'ACME');
  setNumbers(ds, Tags.Rows, 'US', [512]);
  setString(ds, 0x00181200, 'DA', '20200110'); // Date of Last Calibration: not in the table
  // Private block, curve, overlay data and comments, and an overlay attribute the table keeps.
  setString(ds, 0x00090010, 'LO', 'PHI CREATOR');
  setString(ds, 0x00091001, 'LO', 'PHI private');
  ds.set({ tag: 0x50003000, vr: 'OB', bytes: new Uint8Array([9, 9]) });
  ds.set({ tag: 0x60003000, vr: 'OW', bytes: new Uint8Array([7, 7]) });
  setString(ds, 0x60004000, 'LT', 'PHI overlay comment');
  setNumbers(ds, 0x60000010, 'US', [4]);
  // References: Referenced Image Sequence (X/Z/U*) with PHI and a private tag in its item.
  const ref = new Dataset(ds);
  setString(ref, 0x00081150, 'UI', SOPClass.CTImageStorage);
  setString(ref, 0x00081155, 'UI', referencedUid);
  setString(ref, Tags.PatientName, 'PN', 'PHI^Nested');
  setString(ref, 0x00091001, 'LO', 'PHI nested private');
  ds.set({ tag: 0x00081140, vr: 'SQ', items: [ref] });
  // Referenced Patient Sequence: X. Content Sequence: D with a person name two levels down.
  ds.set({ tag: 0x00081120, vr: 'SQ', items: [new Dataset(ds)] });
  const content = new Dataset(ds);
  const inner = new Dataset(content);
  setString(inner, 0x0040a123, 'PN', 'PHI^Observer');
  setString(inner, 0x00100020, 'LO', patientId);
  content.set({ tag: 0x0040a730, vr: 'SQ', items: [inner] });
  ds.set({ tag: 0x0040a730, vr: 'SQ', items: [content] });
  return ds;
}

function walk(ds: Dataset, visit: (ds: Dataset, el: Element) => void): void {
  for (const el of ds.elements.values()) {
    visit(ds, el);
    for (const item of el.items ?? []) walk(item, visit);
  }
}

function actionOf(t: Tag): DeidAction | undefined {
  return deidRuleFor(t)?.action;
}

describe('deidentify (Basic Profile)', () => {
  const a = instance('1.2.826.0.1.3680043.99.11', '1.2.826.0.1.3680043.99.12');
  const b = instance('1.2.826.0.1.3680043.99.12', '1.2.826.0.1.3680043.99.11');
  const before = writeDataset(a);
  const { dataset: outA, report } = deidentifyWithReport(a, { uidSecret: SECRET });
  const outB = deidentify(b, { uidSecret: SECRET });

  it('does not mutate the input', () => {
    expect(Buffer.compare(Buffer.from(writeDataset(a)), Buffer.from(before))).toBe(0);
  });

  it('leaves no X attribute, private tag, curve or overlay data anywhere (nested included)', () => {
    walk(outA, (_, el) => {
      expect(actionOf(el.tag), `tag ${el.tag.toString(16)}`).not.toBe('X');
      expect(isPrivateTag(el.tag)).toBe(false);
      expect(isRemovedByGroupRule(el.tag)).toBe(false);
    });
    expect(outA.has(0x00081120)).toBe(false);
    expect(getNumbers(outA, 0x60000010)).toEqual([4]); // overlay rows: not in the table, kept
    const removedAtTop = [...a.elements.keys()].filter((t) => actionOf(t) === 'X' || isRemovedByGroupRule(t));
    expect(removedAtTop.length).toBeGreaterThan(200);
    expect(report.removed).toBe(removedAtTop.length + 1); // + the private tag inside the reference item
  });

  it('leaves no PHI text anywhere', () => {
    walk(outA, (ds, el) => {
      if (el.bytes && el.vr !== 'OB' && el.vr !== 'OW') {
        expect(elementText(ds, el), `tag ${el.tag.toString(16)}`).not.toMatch(/PHI/);
      }
    });
  });

  it('empties Z attributes and replaces D attributes with valid dummies', () => {
    for (const rule of DEID_BASIC_PROFILE) {
      if (!a.has(rule.tag) || rule.tag === Tags.PatientID || rule.tag === Tags.PatientName) continue;
      const el = outA.get(rule.tag);
      if (rule.action === 'Z') {
        expect(el, rule.keyword).toBeDefined();
        expect(el?.bytes?.length ?? el?.items?.length ?? 0, rule.keyword).toBe(0);
      }
      if (rule.action === 'D' && rule.vr !== 'SQ') {
        expect(el?.bytes?.length, rule.keyword).toBeGreaterThan(0);
        if (rule.vr === 'DA') expect(getString(outA, rule.tag)).toBe('19000101');
        if (rule.vr === 'PN') expect(getString(outA, rule.tag)).toBe('ANONYMOUS');
        if (rule.vr === 'OB') expect([...(el?.bytes ?? [])]).toEqual([0, 0, 0, 0]);
      }
    }
    expect(getString(outA, 0x00181200)).toBe('19000101'); // a date the table does not list
    expect(report.replaced).toBeGreaterThan(50);
  });

  it('remaps UIDs consistently across instances and inside reference sequences', () => {
    const newStudyA = getString(outA, Tags.StudyInstanceUID);
    expect(newStudyA).toBe(remapUid(STUDY_UID, SECRET));
    expect(getString(outB, Tags.StudyInstanceUID)).toBe(newStudyA);
    const refA = getSequence(outA, 0x00081140)[0];
    expect(refA).toBeDefined();
    if (!refA) return;
    expect(getString(refA, 0x00081155)).toBe(getString(outB, Tags.SOPInstanceUID));
    expect(getString(refA, 0x00081150)).toBe(SOPClass.CTImageStorage); // class UIDs are kept
    expect(getString(refA, Tags.PatientName)).toBe(getString(outA, Tags.PatientName));
    for (const rule of DEID_BASIC_PROFILE) {
      if (rule.action !== 'U' || rule.vr !== 'UI') continue;
      const original = getString(a, rule.tag);
      if (original === undefined) continue;
      expect(getString(outA, rule.tag), rule.keyword).toBe(remapUid(original, SECRET));
    }
    expect(report.remappedUids).toBeGreaterThan(40);
  });

  it('keeps K attributes and replaces the patient identity with a keyed pseudonym', () => {
    expect(getString(outA, Tags.Modality)).toBe('CT');
    expect(getString(outA, Tags.Manufacturer)).toBe('ACME');
    expect(getNumbers(outA, Tags.Rows)).toEqual([512]);
    expect(getString(outA, Tags.SOPClassUID)).toBe(SOPClass.CTImageStorage);
    const pid = getString(outA, Tags.PatientID);
    expect(pid).toMatch(/^ANON-[0-9A-F]{12}$/);
    expect(getString(outB, Tags.PatientID)).toBe(pid);
    expect(getString(outA, Tags.PatientName)).toBe(pid);
    const other = deidentify(instance('1.2.3', '1.2.4', 'PHI-PID-2'), { uidSecret: SECRET });
    expect(getString(other, Tags.PatientID)).not.toBe(pid);
    const mapped = deidentify(a, { uidSecret: SECRET, patientIdMap: (id) => `P${id.length}` });
    expect(getString(mapped, Tags.PatientID)).toBe('P9');
  });

  it('records the de-identification (PS3.15 E.1.1, CID 7050)', () => {
    expect(getString(outA, 0x00120062)).toBe('YES');
    expect((getString(outA, 0x00120063) ?? '').length).toBeLessThanOrEqual(64);
    const codes = getSequence(outA, 0x00120064).map((item) => getString(item, 0x00080100));
    expect(codes).toEqual(['113100']);
    expect(getString(getSequence(outA, 0x00120064)[0] ?? new Dataset(), 0x00080102)).toBe('DCM');
    expect(getString(outA, 0x00280303)).toBe('REMOVED');
  });

  it('keeps series descriptions only when asked', () => {
    const ds = instance('1.2.3', '1.2.4');
    setString(ds, Tags.SeriesDescription, 'LO', 'Chest 1mm');
    expect(deidentify(ds, { uidSecret: SECRET }).has(Tags.SeriesDescription)).toBe(false);
    const kept = deidentify(ds, { uidSecret: SECRET, keepSeriesDescriptions: true });
    expect(getString(kept, Tags.SeriesDescription)).toBe('Chest 1mm');
  });

  it('rejects an empty secret', () => {
    expect(() => deidentify(a, { uidSecret: '' })).toThrow(/secret/i);
  });
});

function days(da: string | undefined): number {
  if (!da) throw new Error('missing date');
  return Date.UTC(Number(da.slice(0, 4)), Number(da.slice(4, 6)) - 1, Number(da.slice(6, 8))) / 86_400_000;
}

describe('deidentify (Retain Longitudinal Temporal Information with Modified Dates)', () => {
  function study(patientId: string, studyDate: string): Dataset {
    const ds = new Dataset();
    setString(ds, Tags.PatientID, 'LO', patientId);
    setString(ds, Tags.PatientBirthDate, 'DA', '19600310');
    setString(ds, Tags.StudyDate, 'DA', studyDate);
    setString(ds, Tags.StudyTime, 'TM', '101500');
    setString(ds, 0x0008002a, 'DT', `${studyDate}101501.5+0800`);
    setString(ds, 0x00181200, 'DA', '20200110');
    return ds;
  }
  const options = { uidSecret: SECRET, retainLongitudinalTemporalInformation: 'modified-dates' as const };

  it('shifts every date of a patient by one constant, preserving intervals and times', () => {
    const first = study('P1', '20200115');
    const later = study('P1', '20210301');
    const o1 = deidentify(first, options);
    const o2 = deidentify(later, options);
    const shift = days(getString(o1, Tags.StudyDate)) - days(getString(first, Tags.StudyDate));
    expect(shift).toBeLessThanOrEqual(-365);
    expect(days(getString(o1, Tags.PatientBirthDate)) - days('19600310')).toBe(shift);
    expect(days(getString(o1, 0x00181200)) - days('20200110')).toBe(shift);
    expect(days(getString(o2, Tags.StudyDate)) - days('20210301')).toBe(shift);
    // Age at study and the interval between studies are preserved.
    expect(days(getString(o1, Tags.StudyDate)) - days(getString(o1, Tags.PatientBirthDate))).toBe(
      days('20200115') - days('19600310'),
    );
    expect(days(getString(o2, Tags.StudyDate)) - days(getString(o1, Tags.StudyDate))).toBe(
      days('20210301') - days('20200115'),
    );
    const dt = getString(o1, 0x0008002a) ?? '';
    expect(days(dt.slice(0, 8)) - days('20200115')).toBe(shift);
    expect(dt.slice(8)).toBe('101501.5+0800');
    expect(getString(o1, Tags.StudyTime)).toBe('101500');
    expect(getString(o1, 0x00280303)).toBe('MODIFIED');
    expect(getSequence(o1, 0x00120064).map((i) => getString(i, 0x00080100))).toEqual(['113100', '113107']);
  });

  it('derives different shifts for different patients and honours an explicit shift', () => {
    const shifts = new Set<number>();
    for (let i = 0; i < 5; i++) {
      const out = deidentify(study(`P${i}`, '20200115'), options);
      shifts.add(days(getString(out, Tags.StudyDate)));
    }
    expect(shifts.size).toBeGreaterThan(1);
    const fixed = deidentify(study('P1', '20200301'), { ...options, dateShiftDays: -1 });
    expect(getString(fixed, Tags.StudyDate)).toBe('20200229');
    expect(getStrings(fixed, Tags.PatientBirthDate)).toEqual(['19600309']);
  });
});
