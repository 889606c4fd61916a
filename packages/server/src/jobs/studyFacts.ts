import type { SeriesInput, StudyFacts, StudyInput } from '@lingshu/ai';
import { ALL_STUDIES, type Archive } from '@lingshu/archive';
import { getString, LingshuError, parseDicom, Tags } from '@lingshu/dicom';

/** SOP classes that are results or annotations, not images an analyzer reads (SR, SEG, PR, KO, PDF). */
const NON_IMAGE_PREFIXES = [
  '1.2.840.10008.5.1.4.1.1.88.',
  '1.2.840.10008.5.1.4.1.1.66.',
  '1.2.840.10008.5.1.4.1.1.11.',
  '1.2.840.10008.5.1.4.1.1.104.',
];

export function isImageSopClass(sopClassUid: string): boolean {
  return !NON_IMAGE_PREFIXES.some((p) => sopClassUid.startsWith(p));
}

export interface StudyOwner {
  studyPk: string;
  institutionPk: string;
  institutionCode: string;
}

interface FactsRow {
  study_pk: string;
  institution_pk: string;
  institution_code: string;
  study_description: string;
  series_uid: string | null;
  modality: string | null;
  body_part: string | null;
  description: string | null;
  thickness: string | null;
  sop_classes: string[] | string | null;
}

function pgArray(value: string[] | string | null): string[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string')
    return value
      .replace(/^\{|\}$/g, '')
      .split(',')
      .filter(Boolean);
  return [];
}

/** Routing facts of a stored study from the index (no file reads); undefined when not stored. */
export async function loadStudyFacts(
  archive: Archive,
  studyUid: string,
): Promise<{ facts: StudyFacts; owner: StudyOwner } | undefined> {
  const r = await archive.index.executeSql(
    `SELECT st.pk AS study_pk, st.institution_pk, inst.code AS institution_code, st.description AS study_description,
            se.series_uid, se.modality, se.body_part, se.description,
            (SELECT i.metadata->'00180050'->'Value'->>0 FROM instances i WHERE i.series_pk = se.pk LIMIT 1) AS thickness,
            (SELECT array_agg(DISTINCT i.sop_class_uid) FROM instances i WHERE i.series_pk = se.pk) AS sop_classes
       FROM studies st
       JOIN institutions inst ON inst.pk = st.institution_pk
       LEFT JOIN series se ON se.study_pk = st.pk
      WHERE st.study_uid = $1
      ORDER BY se.pk`,
    [studyUid],
  );
  const rows = r.rows as FactsRow[];
  const first = rows[0];
  if (!first) return undefined;
  const series: StudyFacts['series'] = [];
  for (const row of rows) {
    if (!row.series_uid) continue;
    const thickness = row.thickness === null ? Number.NaN : Number(row.thickness);
    series.push({
      seriesInstanceUID: row.series_uid,
      modality: row.modality ?? '',
      bodyPart: row.body_part ?? '',
      description: row.description ?? '',
      ...(Number.isFinite(thickness) && thickness > 0 ? { sliceThicknessMm: thickness } : {}),
      sopClassUIDs: pgArray(row.sop_classes),
    });
  }
  return {
    facts: {
      studyInstanceUID: studyUid,
      studyDescription: first.study_description ?? '',
      institutionCode: first.institution_code,
      series,
    },
    owner: {
      studyPk: String(first.study_pk),
      institutionPk: String(first.institution_pk),
      institutionCode: first.institution_code,
    },
  };
}

/** Reads a stored study's image instances (results and annotations left out) as an analyzer input (system scope). */
export async function loadStudyInput(archive: Archive, studyUid: string): Promise<StudyInput> {
  const files = (await archive.findInstances({ studyUid }, ALL_STUDIES)).filter((f) => isImageSopClass(f.sopClassUid));
  if (files.length === 0) throw new LingshuError('ARCHIVE_NOT_FOUND', 'The study has no stored images');
  const bySeries = new Map<string, SeriesInput>();
  for (const f of files) {
    const parsed = parseDicom(await archive.readInstance(f.sopUid, ALL_STUDIES));
    const sopInstanceUID = getString(parsed.dataset, Tags.SOPInstanceUID) ?? f.sopUid;
    let s = bySeries.get(f.seriesUid);
    if (!s) {
      s = { seriesInstanceUID: f.seriesUid, instances: [] };
      bySeries.set(f.seriesUid, s);
    }
    s.instances.push({ dataset: parsed.dataset, transferSyntaxUID: parsed.transferSyntaxUID, sopInstanceUID });
  }
  return { studyInstanceUID: studyUid, series: [...bySeries.values()] };
}
