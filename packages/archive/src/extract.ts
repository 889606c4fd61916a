import {
  type Dataset,
  type DicomJsonDataset,
  getNumber,
  getString,
  getStrings,
  isValidUid,
  LingshuError,
  type ParsedDicom,
  Tags,
  toDicomJson,
} from '@lingshu/dicom';

/** What the index records about one instance, taken from its dataset. */
export interface InstanceRecord {
  patient: {
    key: string;
    patientId: string;
    issuer: string;
    nameAlphabetic: string;
    nameIdeographic: string;
    namePhonetic: string;
    nameSearch: string;
    birthDate: string;
    sex: string;
  };
  study: {
    uid: string;
    date: string;
    time: string;
    accessionNumber: string;
    studyId: string;
    description: string;
    referringPhysician: string;
  };
  series: {
    uid: string;
    modality: string;
    number: number | null;
    description: string;
    bodyPart: string;
    date: string;
    time: string;
  };
  instance: {
    sopUid: string;
    sopClassUid: string;
    number: number | null;
    transferSyntaxUid: string;
    numberOfFrames: number;
    rows: number | null;
    columns: number | null;
  };
  metadata: DicomJsonDataset;
}

/** Marks bulk data in stored metadata; servers replace it with their own retrieve URIs. */
export const BULK_PLACEHOLDER_PREFIX = 'bulk:';
const INLINE_LIMIT = 1024;

function requiredUid(ds: Dataset, tag: number, name: string): string {
  const v = getString(ds, tag);
  if (!v) throw new LingshuError('DICOM_MISSING_ATTRIBUTE', `${name} is missing`, { details: { attribute: name } });
  if (!isValidUid(v))
    throw new LingshuError('DICOM_BAD_VALUE', `${name} is not a valid UID`, { details: { attribute: name } });
  return v;
}

function safeInt(ds: Dataset, tag: number): number | null {
  try {
    const v = getNumber(ds, tag);
    return v === undefined || !Number.isSafeInteger(v) || Math.abs(v) > 2 ** 31 - 1 ? null : v;
  } catch {
    return null;
  }
}

/** For fuzzy person-name matching: groups and components joined, upper-case, no separators. */
export function nameSearchKey(value: string): string {
  return value.replace(/[\^=\s]/g, '').toUpperCase();
}

/** PostgreSQL text cannot hold U+0000; in DICOM text it is padding garbage, so it is dropped. */
function stripNul<T extends object>(fields: T): T {
  const out = { ...fields } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out))
    if (typeof v === 'string' && v.includes('\u0000')) out[k] = v.replaceAll('\u0000', '');
  return out as T;
}

export function extractRecord(parsed: ParsedDicom): InstanceRecord {
  const r = extractFields(parsed);
  return {
    ...r,
    patient: stripNul(r.patient),
    study: stripNul(r.study),
    series: stripNul(r.series),
    instance: stripNul(r.instance),
  };
}

function extractFields(parsed: ParsedDicom): InstanceRecord {
  const ds = parsed.dataset;
  const studyUid = requiredUid(ds, Tags.StudyInstanceUID, 'StudyInstanceUID');
  const seriesUid = requiredUid(ds, Tags.SeriesInstanceUID, 'SeriesInstanceUID');
  const sopUid = requiredUid(ds, Tags.SOPInstanceUID, 'SOPInstanceUID');
  const sopClassUid = requiredUid(ds, Tags.SOPClassUID, 'SOPClassUID');
  const name = getStrings(ds, Tags.PatientName)[0] ?? '';
  const [alphabetic = '', ideographic = '', phonetic = ''] = name.split('=');
  const patientId = getString(ds, Tags.PatientID) ?? '';
  const issuer = getString(ds, Tags.IssuerOfPatientID) ?? '';
  const birthDate = getString(ds, Tags.PatientBirthDate) ?? '';
  // Patients are identified by ID + issuer; without an ID, each study is its own patient.
  const key = patientId ? `${patientId}\u0001${issuer}` : `\u0002${studyUid}`;
  return {
    patient: {
      key,
      patientId,
      issuer,
      nameAlphabetic: alphabetic,
      nameIdeographic: ideographic,
      namePhonetic: phonetic,
      nameSearch: nameSearchKey(name),
      birthDate,
      sex: getString(ds, Tags.PatientSex) ?? '',
    },
    study: {
      uid: studyUid,
      date: getString(ds, Tags.StudyDate) ?? '',
      time: getString(ds, Tags.StudyTime) ?? '',
      accessionNumber: getString(ds, Tags.AccessionNumber) ?? '',
      studyId: getString(ds, Tags.StudyID) ?? '',
      description: getString(ds, Tags.StudyDescription) ?? '',
      referringPhysician: getStrings(ds, Tags.ReferringPhysicianName)[0] ?? '',
    },
    series: {
      uid: seriesUid,
      modality: getString(ds, Tags.Modality) ?? '',
      number: safeInt(ds, Tags.SeriesNumber),
      description: getString(ds, Tags.SeriesDescription) ?? '',
      bodyPart: getString(ds, Tags.BodyPartExamined) ?? '',
      date: getString(ds, Tags.SeriesDate) ?? '',
      time: getString(ds, Tags.SeriesTime) ?? '',
    },
    instance: {
      sopUid,
      sopClassUid,
      number: safeInt(ds, Tags.InstanceNumber),
      transferSyntaxUid: parsed.transferSyntaxUID,
      numberOfFrames: safeInt(ds, Tags.NumberOfFrames) ?? 1,
      rows: safeInt(ds, Tags.Rows),
      columns: safeInt(ds, Tags.Columns),
    },
    metadata: toDicomJson(ds, {
      bulkDataUri: (path, tag, byteLength) =>
        tag === Tags.PixelData || byteLength > INLINE_LIMIT
          ? `${BULK_PLACEHOLDER_PREFIX}${[...path, tag].map((t) => t.toString(16).padStart(8, '0')).join('.')}`
          : undefined,
    }),
  };
}
