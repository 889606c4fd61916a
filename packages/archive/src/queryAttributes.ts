import type { VR } from '@lingshu/dicom';
import type { QueryLevel } from './query.js';

/** How an indexed attribute is matched (PS3.4 C.2.2.2). */
export type MatchKind = 'text' | 'pn' | 'date' | 'time' | 'uid' | 'int' | 'modalities' | 'none';

/** An attribute the index holds in a column, so it can be matched and returned without files. */
export interface IndexedAttribute {
  tag: string;
  keyword: string;
  vr: VR;
  level: QueryLevel;
  /** SQL expression over the aliases p (patients), st (studies), se (series), i (instances). */
  column: string;
  match: MatchKind;
  /** Person names: one expression per component group (alphabetic, ideographic, phonetic). */
  groups?: readonly string[];
  /** Person names: a column of lower-case, tone-folded components, each after a space (fuzzy matching). */
  fuzzy?: string;
}

const A = (
  tag: string,
  keyword: string,
  vr: VR,
  level: QueryLevel,
  column: string,
  match: MatchKind,
  extra: Pick<IndexedAttribute, 'groups' | 'fuzzy'> = {},
): IndexedAttribute => ({ tag, keyword, vr, level, column, match, ...extra });

/**
 * Attributes served from index columns. The return keys required by PS3.18 Tables 10.6.3-3..5
 * and PS3.4 C.6.1.1 are all here, plus the counts computed from the hierarchy.
 */
export const INDEXED_ATTRIBUTES: readonly IndexedAttribute[] = [
  A(
    '00100010',
    'PatientName',
    'PN',
    'PATIENT',
    "(p.name_alphabetic || '=' || p.name_ideographic || '=' || p.name_phonetic)",
    'pn',
    { groups: ['p.name_alphabetic', 'p.name_ideographic', 'p.name_phonetic'], fuzzy: 'p.name_fuzzy' },
  ),
  A('00100020', 'PatientID', 'LO', 'PATIENT', 'p.patient_id', 'text'),
  A('00100021', 'IssuerOfPatientID', 'LO', 'PATIENT', 'p.issuer', 'text'),
  A('00100030', 'PatientBirthDate', 'DA', 'PATIENT', 'p.birth_date', 'date'),
  A('00100040', 'PatientSex', 'CS', 'PATIENT', 'p.sex', 'text'),
  A(
    '00201200',
    'NumberOfPatientRelatedStudies',
    'IS',
    'PATIENT',
    '(SELECT count(*) FROM studies s2 WHERE s2.patient_pk = p.pk)',
    'none',
  ),
  A('0020000D', 'StudyInstanceUID', 'UI', 'STUDY', 'st.study_uid', 'uid'),
  A('00080020', 'StudyDate', 'DA', 'STUDY', 'st.study_date', 'date'),
  A('00080030', 'StudyTime', 'TM', 'STUDY', 'st.study_time', 'time'),
  A('00080050', 'AccessionNumber', 'SH', 'STUDY', 'st.accession_number', 'text'),
  A('00200010', 'StudyID', 'SH', 'STUDY', 'st.study_id', 'text'),
  A('00081030', 'StudyDescription', 'LO', 'STUDY', 'st.description', 'text'),
  A('00080090', 'ReferringPhysicianName', 'PN', 'STUDY', 'st.referring_physician', 'pn'),
  A('00080061', 'ModalitiesInStudy', 'CS', 'STUDY', 'st.modalities', 'modalities'),
  A('00201206', 'NumberOfStudyRelatedSeries', 'IS', 'STUDY', 'st.num_series', 'none'),
  A('00201208', 'NumberOfStudyRelatedInstances', 'IS', 'STUDY', 'st.num_instances', 'none'),
  A('0020000E', 'SeriesInstanceUID', 'UI', 'SERIES', 'se.series_uid', 'uid'),
  A('00080060', 'Modality', 'CS', 'SERIES', 'se.modality', 'text'),
  A('00200011', 'SeriesNumber', 'IS', 'SERIES', 'se.series_number', 'int'),
  A('0008103E', 'SeriesDescription', 'LO', 'SERIES', 'se.description', 'text'),
  A('00180015', 'BodyPartExamined', 'CS', 'SERIES', 'se.body_part', 'text'),
  A('00080021', 'SeriesDate', 'DA', 'SERIES', 'se.series_date', 'date'),
  A('00080031', 'SeriesTime', 'TM', 'SERIES', 'se.series_time', 'time'),
  A('00201209', 'NumberOfSeriesRelatedInstances', 'IS', 'SERIES', 'se.num_instances', 'none'),
  A('00080018', 'SOPInstanceUID', 'UI', 'IMAGE', 'i.sop_uid', 'uid'),
  A('00080016', 'SOPClassUID', 'UI', 'IMAGE', 'i.sop_class_uid', 'uid'),
  A('00200013', 'InstanceNumber', 'IS', 'IMAGE', 'i.instance_number', 'int'),
  A('00280010', 'Rows', 'US', 'IMAGE', 'i.rows', 'int'),
  A('00280011', 'Columns', 'US', 'IMAGE', 'i.columns', 'int'),
  A('00280008', 'NumberOfFrames', 'IS', 'IMAGE', 'i.number_of_frames', 'int'),
  A('00280100', 'BitsAllocated', 'US', 'IMAGE', "i.metadata->'00280100'->'Value'->>0", 'none'),
];

const BY_TAG = new Map(INDEXED_ATTRIBUTES.map((a) => [a.tag, a]));

export function indexedAttribute(tag: string): IndexedAttribute | undefined {
  return BY_TAG.get(tag);
}

const DEPTH: Record<QueryLevel, number> = { PATIENT: 0, STUDY: 1, SERIES: 2, IMAGE: 3 };

/** Whether attributes of `attributeLevel` exist in a query at `queryLevel` (same level or above). */
export function levelIncludes(queryLevel: QueryLevel, attributeLevel: QueryLevel): boolean {
  return DEPTH[attributeLevel] <= DEPTH[queryLevel];
}

/** The attributes returned by default at a level: its own and every level above it. */
export function defaultReturnAttributes(level: QueryLevel): IndexedAttribute[] {
  return INDEXED_ATTRIBUTES.filter(
    (a) => levelIncludes(level, a.level) && !(level !== 'PATIENT' && a.tag === '00201200'),
  );
}
