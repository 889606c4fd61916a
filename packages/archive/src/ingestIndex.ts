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

/** What the index made of one candidate (lingshu_ingest_batch, db/indexBatch.ts). */
export interface Decision {
  status: 'inserted' | 'overwritten' | 'duplicate' | 'conflict' | 'refused';
  /** The file the index already names for this SOP Instance UID (null when none). */
  oldKey: string | null;
}

export interface IngestOutcome {
  /** By SOP Instance UID, for every candidate. */
  decided: Map<string, Decision>;
  /** Owner institution of each study that received instances. */
  owners: Map<string, string>;
}

function jsonWithoutNul(value: unknown): string {
  // PostgreSQL jsonb cannot hold U+0000; such characters are padding garbage in DICOM text.
  return JSON.stringify(value).replace(/\\u0000/g, '');
}

/** Validated UIDs (digits and dots, extract.ts) as a literal list for `IN (…)`. */
function uidList(uids: readonly string[]): string {
  return uids.map((u) => `'${u.replaceAll("'", "''")}'`).join(',');
}

/**
 * Of these items' files, the names the index does not record (a file to remove after a failed
 * batch: a re-sent instance's file has the stored file's name and must stay). One query.
 */
export async function unindexedKeys(index: IndexConnection, items: readonly Prepared[]): Promise<string[]> {
  if (items.length === 0) return [];
  const { rows } = await index.executeSql(
    `SELECT storage_key FROM instances WHERE sop_uid IN (${uidList(items.map((p) => p.record.instance.sopUid))})`,
  );
  const indexed = new Set((rows as Array<{ storage_key: string }>).map((r) => r.storage_key));
  return items.map((p) => p.key).filter((k) => !indexed.has(k));
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

/** The argument of `lingshu_ingest_batch` (db/indexBatch.ts) for one batch. */
export function ingestBatchJson(
  candidates: readonly Prepared[],
  conflicts: readonly Prepared[],
  overwrite: boolean,
): string {
  const all = candidates;
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
    study_uid: p.record.study.uid,
    patient_key: p.record.patient.key,
    institution_pk: p.institutionPk,
    reject_foreign: p.rejectForeign,
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
  // The change log if every candidate turns out new (the SQL rebuilds it otherwise).
  const changes = all.map((p, n) => ({
    n,
    change_type: 'NewInstance',
    resource_level: 'INSTANCE',
    resource_uid: p.record.instance.sopUid,
    study_uid: p.record.study.uid,
  }));
  const conflicted = conflicts.map((p, n) => ({ n, sop_uid: p.record.instance.sopUid, study_uid: p.record.study.uid }));
  return jsonWithoutNul({ overwrite, patients, studies, series, instances, changes, conflicts: conflicted });
}

/**
 * Decides and indexes the batch (every candidate's file already durable) in one statement and
 * one implicit transaction: the only index round trip of an ingest batch.
 */
export async function ingestIndexBatch(
  index: IndexConnection,
  candidates: readonly Prepared[],
  conflicts: readonly Prepared[],
  overwrite: boolean,
): Promise<IngestOutcome> {
  const batch = dollarQuoted(ingestBatchJson(candidates, conflicts, overwrite));
  const { rows } = await index.executeSql(`SELECT lingshu_ingest_batch(${batch}::jsonb) AS result`);
  const raw = (rows[0] as { result?: unknown } | undefined)?.result;
  const result = (typeof raw === 'string' ? JSON.parse(raw) : raw) as
    | {
        decided?: Array<{ sop_uid: string; status: Decision['status']; old_key: string | null }>;
        owners?: Record<string, string>;
      }
    | undefined;
  return {
    decided: new Map((result?.decided ?? []).map((d) => [d.sop_uid, { status: d.status, oldKey: d.old_key }])),
    owners: new Map(Object.entries(result?.owners ?? {}).map(([study, pk]) => [study, String(pk)])),
  };
}
