import { createHash } from 'node:crypto';
import { type ErrorCode, LingshuError, parseDicom, toLingshuError } from '@lingshu/dicom';
import { type Kysely, sql } from 'kysely';
import type { ArchiveSchema } from './db/schema.js';
import { extractRecord, type InstanceRecord } from './extract.js';
import { DEFAULT_INSTITUTION_PK } from './institutions.js';
import type { ObjectStore } from './objectStore.js';

export type DuplicatePolicy = 'reject' | 'overwrite';

export interface StoreItem {
  bytes: Uint8Array;
  /** Where the bytes came from (a path or a request part); reported back, never logged with PHI. */
  source?: string;
  /**
   * Institution that sent it (institutions.pk; default '1', the 'default' hub). A new study
   * belongs to the institution of its first instance; later instances never change the owner.
   */
  institutionPk?: string;
  /**
   * An instance for a study owned by another institution: 'store' keeps it in that study (the
   * result says `foreignStudy`, the caller audits it; DIMSE and import), 'reject' refuses it with
   * ARCHIVE_STUDY_NOT_WRITABLE (STOW-RS by a user of another institution). Default 'store'.
   */
  foreignStudy?: 'store' | 'reject';
}

export interface StoreResult {
  status: 'stored' | 'duplicate' | 'overwritten' | 'rejected';
  source?: string;
  sopInstanceUID?: string;
  studyInstanceUID?: string;
  seriesInstanceUID?: string;
  sopClassUID?: string;
  /** Owner of the study the instance went into (stored/overwritten only). */
  institutionPk?: string;
  /** True when the study is owned by another institution than the item's (stored there anyway). */
  foreignStudy?: boolean;
  error?: { code: ErrorCode; message: string };
}

interface Prepared {
  index: number;
  institutionPk: string;
  rejectForeign: boolean;
  record: InstanceRecord;
  sha256: string;
  size: number;
  key: string;
  bytes: Uint8Array;
}

export function storageKey(r: InstanceRecord, sha256: string): string {
  return `studies/${r.study.uid}/${r.series.uid}/${r.instance.sopUid}-${sha256.slice(0, 16)}.dcm`;
}

function rejected(item: StoreItem, e: unknown): StoreResult {
  const err = toLingshuError(e);
  const message = err.code === 'INTERNAL' ? 'Internal error while storing the instance' : err.message;
  return { status: 'rejected', ...(item.source ? { source: item.source } : {}), error: { code: err.code, message } };
}

function jsonWithoutNul(value: unknown): string {
  // PostgreSQL jsonb cannot hold U+0000; such characters are padding garbage in DICOM text.
  return JSON.stringify(value).replace(/\\u0000/g, '');
}

/**
 * Stores a batch: parse and validate every item, write new files to the object store, then index
 * the whole batch in one transaction with a fixed number of statements. Files are written before
 * the index, so an index row never points at a missing or partial file.
 */
export async function ingestBatch(
  db: Kysely<ArchiveSchema>,
  store: ObjectStore,
  items: readonly StoreItem[],
  policy: DuplicatePolicy,
): Promise<StoreResult[]> {
  const results: StoreResult[] = new Array(items.length);
  const prepared: Prepared[] = [];
  items.forEach((item, index) => {
    try {
      const institutionPk = item.institutionPk ?? DEFAULT_INSTITUTION_PK;
      if (!/^[1-9][0-9]{0,18}$/.test(institutionPk))
        throw new LingshuError('INTERNAL', 'The store item names an invalid institution');
      const parsed = parseDicom(item.bytes);
      const record = extractRecord(parsed);
      const sha256 = createHash('sha256').update(item.bytes).digest('hex');
      prepared.push({
        index,
        institutionPk,
        rejectForeign: item.foreignStudy === 'reject',
        record,
        sha256,
        size: item.bytes.length,
        key: storageKey(record, sha256),
        bytes: item.bytes,
      });
    } catch (e) {
      results[index] = rejected(item, e);
    }
  });
  const base = (p: Prepared): StoreResult => ({
    status: 'stored',
    ...(items[p.index]?.source ? { source: items[p.index]!.source } : {}),
    sopInstanceUID: p.record.instance.sopUid,
    studyInstanceUID: p.record.study.uid,
    seriesInstanceUID: p.record.series.uid,
    sopClassUID: p.record.instance.sopClassUid,
  });

  // Same SOP Instance UID twice in one batch: identical bytes are duplicates of the first; different
  // bytes conflict (reject: the later one is rejected; overwrite: the later one wins).
  const bySop = new Map<string, Prepared>();
  const conflicts: Prepared[] = [];
  for (const p of prepared) {
    const first = bySop.get(p.record.instance.sopUid);
    if (!first) {
      bySop.set(p.record.instance.sopUid, p);
    } else if (first.sha256 === p.sha256) {
      results[p.index] = { ...base(p), status: 'duplicate' };
    } else if (policy === 'overwrite') {
      results[first.index] = { ...base(first), status: 'overwritten' };
      bySop.set(p.record.instance.sopUid, p);
    } else {
      conflicts.push(p);
    }
  }
  let candidates = [...bySop.values()];
  const existing = new Map<string, { sha256: string; storage_key: string; institution_pk: string }>();
  if (candidates.length > 0) {
    const rows = await db
      .selectFrom('instances')
      .innerJoin('series', 'series.pk', 'instances.series_pk')
      .innerJoin('studies', 'studies.pk', 'series.study_pk')
      .select(['instances.sop_uid', 'instances.sha256', 'instances.storage_key', 'studies.institution_pk'])
      .where(
        'instances.sop_uid',
        'in',
        candidates.map((p) => p.record.instance.sopUid),
      )
      .execute();
    for (const r of rows) existing.set(r.sop_uid, { ...r, institution_pk: String(r.institution_pk) });
  }
  candidates = await refuseForeign(db, candidates, existing, (p) => {
    results[p.index] = rejected(items[p.index]!, new LingshuError('ARCHIVE_STUDY_NOT_WRITABLE'));
  });
  const toInsert: Prepared[] = [];
  const toOverwrite: Array<Prepared & { oldKey: string }> = [];
  for (const p of candidates) {
    const old = existing.get(p.record.instance.sopUid);
    if (!old) toInsert.push(p);
    else if (old.sha256 === p.sha256) results[p.index] = { ...base(p), status: 'duplicate' };
    else if (policy === 'overwrite') toOverwrite.push({ ...p, oldKey: old.storage_key });
    else conflicts.push(p);
  }
  for (const p of conflicts) {
    results[p.index] = rejected(
      items[p.index]!,
      new LingshuError(
        'ARCHIVE_DUPLICATE_CONFLICT',
        'An instance with this SOP Instance UID exists with different content',
      ),
    );
  }

  // Files are written and synced while the index statements run; the index transaction commits
  // only after every file it points at is durable (an index row never points at a missing or
  // partial file). An item whose file cannot be written is rejected alone.
  const writable: Prepared[] = [];
  const writeFiles = async (): Promise<void> => {
    await Promise.all(
      [...toInsert, ...toOverwrite].map(async (p) => {
        try {
          await store.put(p.key, p.bytes, { deferDirSync: true });
          writable.push(p);
        } catch (e) {
          results[p.index] = rejected(items[p.index]!, e);
        }
      }),
    );
    // One directory sync per batch and folder, not per file.
    try {
      await store.syncDirectories(writable.map((p) => p.key));
    } catch (e) {
      await Promise.all(writable.map((p) => store.delete(p.key).catch(() => undefined)));
      for (const p of writable) results[p.index] = rejected(items[p.index]!, e);
      writable.length = 0;
    }
  };
  const filesDone = writeFiles();
  const allWritten = async (): Promise<void> => {
    await filesDone;
    if (writable.length !== toInsert.length + toOverwrite.length) throw new FilesIncomplete();
  };
  let inserts: Prepared[] = toInsert;
  let overwrites: Array<Prepared & { oldKey: string }> = toOverwrite;
  let owners = new Map<string, string>();
  if (inserts.length > 0 || overwrites.length > 0 || conflicts.length > 0) {
    try {
      try {
        owners = await indexInTransaction(db, inserts, overwrites, conflicts, allWritten);
      } catch (e) {
        await filesDone;
        if (!(e instanceof FilesIncomplete)) throw e;
        // Some files failed: index the ones that made it (the failed items are already rejected).
        const ok = new Set(writable);
        inserts = toInsert.filter((p) => ok.has(p));
        overwrites = toOverwrite.filter((p) => ok.has(p));
        owners = await indexInTransaction(db, inserts, overwrites, conflicts, async () => undefined);
      }
    } catch (e) {
      // Nothing partial: the new files of the failed transaction go. Then, so that one bad instance
      // cannot take good neighbours with it, each item of a multi-item batch is retried on its own.
      await Promise.all([...inserts, ...overwrites].map((p) => store.delete(p.key).catch(() => undefined)));
      const failed = [...inserts, ...overwrites, ...conflicts];
      if (failed.length > 1) {
        for (const p of failed) {
          const [single] = await ingestBatch(db, store, [items[p.index]!], policy);
          results[p.index] = single ?? rejected(items[p.index]!, e);
        }
        return results;
      }
      const err = new LingshuError('ARCHIVE_INDEX_FAILED', 'The index could not record the batch', { cause: e });
      for (const p of failed) results[p.index] = rejected(items[p.index]!, err);
      return results;
    }
  } else {
    await filesDone;
  }
  const owned = (p: Prepared): Pick<StoreResult, 'institutionPk' | 'foreignStudy'> => {
    const owner = owners.get(p.record.study.uid);
    if (owner === undefined) return {};
    return { institutionPk: owner, ...(owner !== p.institutionPk ? { foreignStudy: true } : {}) };
  };
  for (const p of inserts) results[p.index] ??= { ...base(p), ...owned(p) };
  for (const p of overwrites) {
    results[p.index] = { ...base(p), ...owned(p), status: 'overwritten' };
    if (p.oldKey !== p.key) await store.delete(p.oldKey).catch(() => undefined);
  }
  return results;
}

/**
 * Items that may not go into a study of another institution ('reject') are refused when their
 * study, or the study of the instance they would replace, belongs to someone else; the others are
 * returned. One query for the whole batch.
 */
async function refuseForeign(
  db: Kysely<ArchiveSchema>,
  candidates: Prepared[],
  existing: ReadonlyMap<string, { institution_pk: string }>,
  refuse: (p: Prepared) => void,
): Promise<Prepared[]> {
  const strict = candidates.filter((p) => p.rejectForeign);
  if (strict.length === 0) return candidates;
  const rows = await db
    .selectFrom('studies')
    .select(['study_uid', 'institution_pk'])
    .where('study_uid', 'in', [...new Set(strict.map((p) => p.record.study.uid))])
    .execute();
  const owner = new Map(rows.map((r) => [r.study_uid, String(r.institution_pk)]));
  return candidates.filter((p) => {
    if (!p.rejectForeign) return true;
    const studyOwner = owner.get(p.record.study.uid);
    const instanceOwner = existing.get(p.record.instance.sopUid)?.institution_pk;
    const foreign =
      (studyOwner !== undefined && studyOwner !== p.institutionPk) ||
      (instanceOwner !== undefined && instanceOwner !== p.institutionPk);
    if (foreign) refuse(p);
    return !foreign;
  });
}

/** The first value per key, in first-seen order (a study's owner is its first instance's institution). */
function firstBy<T>(values: readonly T[], key: (v: T) => string): T[] {
  const m = new Map<string, T>();
  for (const v of values) if (!m.has(key(v))) m.set(key(v), v);
  return [...m.values()];
}

function uniqueBy<T>(values: readonly T[], key: (v: T) => string): T[] {
  const m = new Map<string, T>();
  for (const v of values) m.set(key(v), v);
  return [...m.values()];
}

async function indexInTransaction(
  db: Kysely<ArchiveSchema>,
  inserts: readonly Prepared[],
  overwrites: ReadonlyArray<Prepared & { oldKey: string }>,
  conflicts: readonly Prepared[],
  beforeCommit: () => Promise<void>,
): Promise<Map<string, string>> {
  const all = [...inserts, ...overwrites];
  const owners = new Map<string, string>();
  await db.transaction().execute(async (trx) => {
    type Change = { change_type: string; resource_level: string; resource_uid: string; study_uid: string };
    const changes: Change[] = [];
    if (all.length > 0) {
      const patients = uniqueBy(all, (p) => p.record.patient.key).map((p) => p.record.patient);
      const patientRows = await trx
        .insertInto('patients')
        .values(
          patients.map((p) => ({
            patient_key: p.key,
            patient_id: p.patientId,
            issuer: p.issuer,
            name_alphabetic: p.nameAlphabetic,
            name_ideographic: p.nameIdeographic,
            name_phonetic: p.namePhonetic,
            name_search: p.nameSearch,
            birth_date: p.birthDate,
            sex: p.sex,
          })),
        )
        .onConflict((oc) =>
          oc.column('patient_key').doUpdateSet((eb) => ({
            name_alphabetic: eb.ref('excluded.name_alphabetic'),
            name_ideographic: eb.ref('excluded.name_ideographic'),
            name_phonetic: eb.ref('excluded.name_phonetic'),
            name_search: eb.ref('excluded.name_search'),
            birth_date: eb.ref('excluded.birth_date'),
            sex: eb.ref('excluded.sex'),
          })),
        )
        .returning(['pk', 'patient_key', sql<boolean>`(xmax = 0)`.as('inserted')])
        .execute();
      const patientPk = new Map(patientRows.map((r) => [r.patient_key, r.pk]));
      for (const r of patientRows) {
        if (r.inserted)
          changes.push({ change_type: 'NewPatient', resource_level: 'PATIENT', resource_uid: r.pk, study_uid: '' });
      }

      const studies = firstBy(all, (p) => p.record.study.uid);
      const studyRows = await trx
        .insertInto('studies')
        .values(
          studies.map(({ record: r, institutionPk }) => ({
            study_uid: r.study.uid,
            institution_pk: institutionPk,
            patient_pk: patientPk.get(r.patient.key)!,
            study_date: r.study.date,
            study_time: r.study.time,
            accession_number: r.study.accessionNumber,
            study_id: r.study.studyId,
            description: r.study.description,
            referring_physician: r.study.referringPhysician,
            modalities: [],
          })),
        )
        // The owner never changes once the study exists.
        .onConflict((oc) => oc.column('study_uid').doUpdateSet({ updated_at: sql`now()` }))
        .returning(['pk', 'study_uid', 'institution_pk', sql<boolean>`(xmax = 0)`.as('inserted')])
        .execute();
      const studyPk = new Map(studyRows.map((r) => [r.study_uid, r.pk]));
      for (const r of studyRows) owners.set(r.study_uid, String(r.institution_pk));
      for (const r of studyRows) {
        if (r.inserted)
          changes.push({
            change_type: 'NewStudy',
            resource_level: 'STUDY',
            resource_uid: r.study_uid,
            study_uid: r.study_uid,
          });
      }

      const series = uniqueBy(all, (p) => p.record.series.uid).map((p) => p.record);
      const seriesRows = await trx
        .insertInto('series')
        .values(
          series.map((r) => ({
            series_uid: r.series.uid,
            study_pk: studyPk.get(r.study.uid)!,
            modality: r.series.modality,
            series_number: r.series.number,
            description: r.series.description,
            body_part: r.series.bodyPart,
            series_date: r.series.date,
            series_time: r.series.time,
          })),
        )
        .onConflict((oc) => oc.column('series_uid').doUpdateSet({ updated_at: sql`now()` }))
        .returning(['pk', 'series_uid', sql<boolean>`(xmax = 0)`.as('inserted')])
        .execute();
      const seriesPk = new Map(seriesRows.map((r) => [r.series_uid, r.pk]));
      for (const r of seriesRows) {
        if (r.inserted) {
          const study = series.find((s) => s.series.uid === r.series_uid)?.study.uid ?? '';
          changes.push({
            change_type: 'NewSeries',
            resource_level: 'SERIES',
            resource_uid: r.series_uid,
            study_uid: study,
          });
        }
      }

      const row = (p: Prepared) => ({
        sop_uid: p.record.instance.sopUid,
        series_pk: seriesPk.get(p.record.series.uid)!,
        sop_class_uid: p.record.instance.sopClassUid,
        instance_number: p.record.instance.number,
        transfer_syntax_uid: p.record.instance.transferSyntaxUid,
        number_of_frames: p.record.instance.numberOfFrames,
        rows: p.record.instance.rows,
        columns: p.record.instance.columns,
        size_bytes: p.size,
        sha256: p.sha256,
        storage_key: p.key,
        metadata: jsonWithoutNul(p.record.metadata),
      });
      await trx
        .insertInto('instances')
        .values(all.map(row))
        .onConflict((oc) =>
          oc.column('sop_uid').doUpdateSet((eb) => ({
            series_pk: eb.ref('excluded.series_pk'),
            sop_class_uid: eb.ref('excluded.sop_class_uid'),
            instance_number: eb.ref('excluded.instance_number'),
            transfer_syntax_uid: eb.ref('excluded.transfer_syntax_uid'),
            number_of_frames: eb.ref('excluded.number_of_frames'),
            rows: eb.ref('excluded.rows'),
            columns: eb.ref('excluded.columns'),
            size_bytes: eb.ref('excluded.size_bytes'),
            sha256: eb.ref('excluded.sha256'),
            storage_key: eb.ref('excluded.storage_key'),
            metadata: eb.ref('excluded.metadata'),
            stored_at: sql`now()`,
          })),
        )
        .execute();
      for (const p of inserts) {
        changes.push({
          change_type: 'NewInstance',
          resource_level: 'INSTANCE',
          resource_uid: p.record.instance.sopUid,
          study_uid: p.record.study.uid,
        });
      }
      for (const p of overwrites) {
        changes.push({
          change_type: 'UpdatedInstance',
          resource_level: 'INSTANCE',
          resource_uid: p.record.instance.sopUid,
          study_uid: p.record.study.uid,
        });
      }
      // Counts and ModalitiesInStudy for the touched series and studies, in two statements.
      const seriesPks = [...seriesPk.values()];
      await sql`UPDATE series s SET num_instances = (SELECT count(*) FROM instances i WHERE i.series_pk = s.pk)
        WHERE s.pk = ANY(${seriesPks}::bigint[])`.execute(trx);
      const studyPks = [...studyPk.values()];
      await sql`UPDATE studies st SET
          num_series = (SELECT count(*) FROM series s WHERE s.study_pk = st.pk),
          num_instances = (SELECT coalesce(sum(s.num_instances), 0) FROM series s WHERE s.study_pk = st.pk),
          modalities = (SELECT coalesce(array_agg(DISTINCT s.modality ORDER BY s.modality), '{}') FROM series s
                        WHERE s.study_pk = st.pk AND s.modality <> ''),
          updated_at = now()
        WHERE st.pk = ANY(${studyPks}::bigint[])`.execute(trx);
    }
    for (const p of conflicts) {
      changes.push({
        change_type: 'RejectedConflict',
        resource_level: 'INSTANCE',
        resource_uid: p.record.instance.sopUid,
        study_uid: p.record.study.uid,
      });
    }
    if (changes.length > 0) await trx.insertInto('changes').values(changes).execute();
    await beforeCommit();
  });
  return owners;
}

/** Thrown inside the index transaction (rolling it back) when a file of the batch was not written. */
class FilesIncomplete extends Error {}
