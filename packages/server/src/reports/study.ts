import type { Archive } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import type { Principal } from '../auth/principal.js';

/** What the report and worklist areas need of a stored study (from the index, no file reads). */
export interface StudyRecord {
  pk: string;
  studyInstanceUID: string;
  institutionPk: string;
  sharedWith: string[];
  studyDate: string;
  modalities: string[];
  description: string;
  patientSex: string;
  patientBirthDate: string;
}

interface Row {
  pk: string;
  institution_pk: string;
  study_date: string;
  modalities: string[] | string;
  description: string;
  sex: string;
  birth_date: string;
  shared: string[] | string | null;
}

function pgArray(value: string[] | string | null): string[] {
  if (Array.isArray(value)) return value.filter((v) => v !== null);
  if (typeof value === 'string')
    return value
      .replace(/^\{|\}$/g, '')
      .split(',')
      .filter((v) => v !== '' && v !== 'NULL');
  return [];
}

/**
 * The study if the principal may see it (own institution, shared with it, or network-wide);
 * otherwise 404 HTTP_NOT_FOUND — the API does not reveal that a study of another site exists.
 */
export async function visibleStudy(archive: Archive, principal: Principal, studyUid: string): Promise<StudyRecord> {
  if (typeof studyUid !== 'string' || !/^[0-9]+(\.[0-9]+)*$/.test(studyUid) || studyUid.length > 64)
    throw new LingshuError('HTTP_BAD_PARAMETER', 'The study UID is malformed', { details: { parameter: 'studyUid' } });
  const { rows } = (await archive.index.executeSql(
    `SELECT st.pk::text AS pk, st.institution_pk::text AS institution_pk, st.study_date, st.modalities,
            st.description, p.sex, p.birth_date,
            (SELECT array_agg(sh.institution_pk::text) FROM study_shares sh WHERE sh.study_pk = st.pk) AS shared
       FROM studies st JOIN patients p ON p.pk = st.patient_pk
      WHERE st.study_uid = $1`,
    [studyUid],
  )) as { rows: Row[] };
  const row = rows[0];
  const notFound = new LingshuError('HTTP_NOT_FOUND', 'No study with this UID is visible to you');
  if (!row) throw notFound;
  const sharedWith = pgArray(row.shared);
  if (
    principal.institutionPk !== null &&
    row.institution_pk !== principal.institutionPk &&
    !sharedWith.includes(principal.institutionPk)
  )
    throw notFound;
  return {
    pk: row.pk,
    studyInstanceUID: studyUid,
    institutionPk: row.institution_pk,
    sharedWith,
    studyDate: row.study_date,
    modalities: pgArray(row.modalities),
    description: row.description,
    patientSex: row.sex,
    patientBirthDate: row.birth_date,
  };
}

/** Whole years between a DICOM birth date and a study date (both YYYYMMDD); undefined if unknown. */
export function ageYears(birthDate: string, studyDate: string, now: Date = new Date()): number | undefined {
  const b = /^(\d{4})(\d{2})(\d{2})$/.exec(birthDate);
  if (!b) return undefined;
  const s = /^(\d{4})(\d{2})(\d{2})$/.exec(studyDate);
  const [y, m, d] = s
    ? [Number(s[1]), Number(s[2]), Number(s[3])]
    : [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()];
  let age = y - Number(b[1]);
  if (m < Number(b[2]) || (m === Number(b[2]) && d < Number(b[3]))) age -= 1;
  return age >= 0 && age < 150 ? age : undefined;
}
