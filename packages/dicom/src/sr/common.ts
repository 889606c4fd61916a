import type { Dataset } from '../dataset.js';
import { lookupVR } from '../dictionary.js';
import { LingshuError } from '../errors.js';
import { getStrings, isTextVR, setStrings } from '../values.js';
import { put, putEmpty, tagOf } from './build.js';

/** Patient module attributes copied from the source series (PS3.3 C.7.1.1). */
const PATIENT = [
  'PatientName',
  'PatientID',
  'IssuerOfPatientID',
  'PatientBirthDate',
  'PatientSex',
  'PatientIdentityRemoved',
  'DeidentificationMethod',
];
/** General Study and Patient Study attributes (PS3.3 C.7.2.1, C.7.2.2). */
const STUDY = [
  'StudyInstanceUID',
  'StudyDate',
  'StudyTime',
  'ReferringPhysicianName',
  'StudyID',
  'AccessionNumber',
  'StudyDescription',
  'PatientAge',
  'PatientSize',
  'PatientWeight',
];
/** Type 2 attributes that must be present even when the source lacks them. */
const TYPE2 = [
  'PatientName',
  'PatientID',
  'PatientBirthDate',
  'PatientSex',
  'StudyDate',
  'StudyTime',
  'ReferringPhysicianName',
  'StudyID',
  'AccessionNumber',
];

/**
 * Copies the Patient and Study modules from a source image header into a derived object.
 * Text is decoded with the source's character set and re-encoded with the target's (the writers
 * use ISO_IR 192), so names in GB18030 or ISO 2022 sources survive.
 */
export function copyPatientStudy(target: Dataset, source: Dataset): void {
  for (const keyword of [...PATIENT, ...STUDY]) {
    const t = tagOf(keyword);
    const el = source.get(t);
    if (!el) continue;
    const vr = lookupVR(t);
    if (isTextVR(vr)) setStrings(target, t, vr, getStrings(source, t));
    else target.set({ ...el });
  }
  for (const keyword of TYPE2) if (!target.has(tagOf(keyword))) putEmpty(target, keyword);
  if (!target.has(tagOf('StudyInstanceUID')))
    throw new LingshuError('DICOM_MISSING_ATTRIBUTE', 'The source header has no Study Instance UID');
}

/** What the writers put in the General / Enhanced General Equipment modules. */
export interface EquipmentInfo {
  manufacturer: string;
  modelName: string;
  softwareVersions: string;
  deviceSerialNumber: string;
}

export const DEFAULT_EQUIPMENT: EquipmentInfo = {
  manufacturer: 'Lingshu',
  modelName: 'Lingshu',
  softwareVersions: '0.1.0',
  deviceSerialNumber: '1',
};

export function putEquipment(ds: Dataset, e: EquipmentInfo): void {
  put(ds, 'Manufacturer', e.manufacturer);
  put(ds, 'ManufacturerModelName', e.modelName);
  put(ds, 'DeviceSerialNumber', e.deviceSerialNumber);
  put(ds, 'SoftwareVersions', e.softwareVersions);
}
