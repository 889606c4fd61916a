import { dollarQuoted } from './db/literal.js';
import type { IndexDatabase } from './db/open.js';
import type { InstanceRecord } from './extract.js';

/** What ingest needs of the index: the query builder and raw SQL in one round trip. */
export type IndexConnection = Pick<IndexDatabase, 'db' | 'executeSql'>;

/** One parsed, hashed item of an ingest batch. */
export interface Prepared {
  index: number;
  institutionPk: string;
  rejectForeign: boolean;
  record: InstanceRecord;
  sha256: string;
  size: number;
  key: string;
  bytes: Uint8Array;
}

export interface ExistingInstance {
  sha256: string;
  storage_key: string;
  institution_pk: string;
}

function jsonWithoutNul(value: unknown): string {
  // PostgreSQL jsonb cannot hold U+0000; such characters are padding garbage in DICOM text.
  return JSON.stringify(value).replace(/\\u0000/g, '');
}

/** Indexed instances among `candidates` (by SOP Instance UID), with their hash, file and study owner. */
export async function findExisting(
  index: IndexConnection,
  candidates: readonly Prepared[],
): Promise<Map<string, ExistingInstance>> {
  const existing = new Map<string, ExistingInstance>();
  if (candidates.length === 0) return existing;
  // Validated UIDs (digits and dots, extract.ts) as a literal list: the planner sees the values and
  // probes the unique index, whatever the table's size.
  const uids = candidates.map((p) => `'${p.record.instance.sopUid.replaceAll("'", "''")}'`).join(',');
  const { rows } = await index.executeSql(
    `SELECT i.sop_uid, i.sha256, i.storage_key, st.institution_pk::text AS institution_pk
     FROM instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk
     WHERE i.sop_uid IN (${uids})`,
  );
  for (const r of rows as Array<ExistingInstance & { sop_uid: string }>) {
    existing.set(r.sop_uid, { sha256: r.sha256, storage_key: r.storage_key, institution_pk: String(r.institution_pk) });
  }
  return existing;
}

function uniqueBy<T>(values: readonly T[], key: (v: T) => string): T[] {
  const m = new Map<string, T>();
  for (const v of values) m.set(key(v), v);
  return [...m.values()];
}

/** The first value per key, in first-seen order (a study's owner is its first instance's institution). */
function firstBy<T>(values: readonly T[], key: (v: T) => string): T[] {
  const m = new Map<string, T>();
  for (const v of values) if (!m.has(key(v))) m.set(key(v), v);
  return [...m.values()];
}

/** The argument of `lingshu_index_batch` (db/indexBatch.ts) for one batch. */
export function indexBatchJson(
  inserts: readonly Prepared[],
  overwrites: readonly Prepared[],
  conflicts: readonly Prepared[],
): string {
  const all = [...inserts, ...overwrites];
  const patients = uniqueBy(all, (p) => p.record.patient.key).map(({ record: { patient: p } }) => ({
    patient_key: p.key,
    patient_id: p.patientId,
    issuer: p.issuer,
    name_alphabetic: p.nameAlphabetic,
    name_ideographic: p.nameIdeographic,
    name_phonetic: p.namePhonetic,
    name_search: p.nameSearch,
    birth_date: p.birthDate,
    sex: p.sex,
  }));
  const studies = firstBy(all, (p) => p.record.study.uid).map(({ record: r, institutionPk }, n) => ({
    n,
    study_uid: r.study.uid,
    institution_pk: institutionPk,
    patient_key: r.patient.key,
    study_date: r.study.date,
    study_time: r.study.time,
    accession_number: r.study.accessionNumber,
    study_id: r.study.studyId,
    description: r.study.description,
    referring_physician: r.study.referringPhysician,
  }));
  const series = uniqueBy(all, (p) => p.record.series.uid).map(({ record: r }, n) => ({
    n,
    series_uid: r.series.uid,
    study_uid: r.study.uid,
    modality: r.series.modality,
    series_number: r.series.number,
    description: r.series.description,
    body_part: r.series.bodyPart,
    series_date: r.series.date,
    series_time: r.series.time,
  }));
  const instances = all.map((p, n) => ({
    n,
    sop_uid: p.record.instance.sopUid,
    series_uid: p.record.series.uid,
    sop_class_uid: p.record.instance.sopClassUid,
    instance_number: p.record.instance.number,
    transfer_syntax_uid: p.record.instance.transferSyntaxUid,
    number_of_frames: p.record.instance.numberOfFrames,
    rows: p.record.instance.rows,
    columns: p.record.instance.columns,
    size_bytes: p.size,
    sha256: p.sha256,
    storage_key: p.key,
    metadata: p.record.metadata,
  }));
  const change = (type: string) => (p: Prepared) => ({
    change_type: type,
    resource_level: 'INSTANCE',
    resource_uid: p.record.instance.sopUid,
    study_uid: p.record.study.uid,
  });
  const changes = [
    ...inserts.map(change('NewInstance')),
    ...overwrites.map(change('UpdatedInstance')),
    ...conflicts.map(change('RejectedConflict')),
  ].map((c, n) => ({ n, ...c }));
  return jsonWithoutNul({ patients, studies, series, instances, changes });
}

/**
 * Indexes the batch (files already durable) in one statement and one implicit transaction;
 * returns the owner institution of each of the batch's studies.
 */
export async function indexBatch(
  index: IndexConnection,
  inserts: readonly Prepared[],
  overwrites: readonly Prepared[],
  conflicts: readonly Prepared[],
): Promise<Map<string, string>> {
  const batch = dollarQuoted(indexBatchJson(inserts, overwrites, conflicts));
  const { rows } = await index.executeSql(`SELECT lingshu_index_batch(${batch}::jsonb) AS result`);
  const raw = (rows[0] as { result?: unknown } | undefined)?.result;
  const result = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { owners?: Record<string, string> } | undefined;
  return new Map(Object.entries(result?.owners ?? {}).map(([study, pk]) => [study, String(pk)]));
}
