import { createHash } from 'node:crypto';
import { type ErrorCode, LingshuError, parseDicom, toLingshuError } from '@lingshu/dicom';
import type { Kysely } from 'kysely';
import type { ArchiveSchema } from './db/schema.js';
import { extractRecord, type InstanceRecord } from './extract.js';
import { type ExistingInstance, findExisting, type IndexConnection, indexBatch, type Prepared } from './ingestIndex.js';
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

export function storageKey(r: InstanceRecord, sha256: string): string {
  return `studies/${r.study.uid}/${r.series.uid}/${r.instance.sopUid}-${sha256.slice(0, 16)}.dcm`;
}

function rejected(item: StoreItem, e: unknown): StoreResult {
  const err = toLingshuError(e);
  const message = err.code === 'INTERNAL' ? 'Internal error while storing the instance' : err.message;
  return { status: 'rejected', ...(item.source ? { source: item.source } : {}), error: { code: err.code, message } };
}

/**
 * Stores a batch: parse and validate every item, look up the SOP Instance UIDs already indexed
 * (one query), write the new files to the object store, then index the whole batch in one
 * statement (`ingestIndex.ts`). Files are durable before the index statement runs, so an index row
 * never points at a missing or partial file.
 */
export async function ingestBatch(
  index: IndexConnection,
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
  // The files are written while the index is asked which of these instances it already has: the
  // data syncs overlap that query. A file that turns out not to be needed (duplicate, conflict,
  // refused) is removed again, unless it is the stored instance's own file (same name, same bytes).
  const writes = new Map(candidates.map((p) => [p.index, writeFile(store, p)]));
  let existing: Map<string, ExistingInstance>;
  try {
    existing = await findExisting(index, candidates);
    candidates = await refuseForeign(index.db, candidates, existing, (p) => {
      results[p.index] = rejected(items[p.index]!, new LingshuError('ARCHIVE_STUDY_NOT_WRITABLE'));
    });
  } catch (e) {
    // Unindexed files are harmless (a later store of the same instance reuses the name); which of
    // them an existing row names is unknown here, so none is removed.
    await Promise.all(writes.values());
    throw e;
  }
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

  // Files first: every file the batch indexes is durable (data synced, renamed into place, folder
  // synced) before the one index statement runs, so an index row never points at a missing or
  // partial file. An item whose file cannot be written is rejected alone.
  const needed = [...toInsert, ...toOverwrite];
  const ok = await settleFiles(store, bySop, writes, needed, existing, (p, e) => {
    results[p.index] = rejected(items[p.index]!, e);
  });
  const inserts = toInsert.filter((p) => ok.has(p.index));
  const overwrites = toOverwrite.filter((p) => ok.has(p.index));
  let owners = new Map<string, string>();
  if (inserts.length > 0 || overwrites.length > 0 || conflicts.length > 0) {
    try {
      owners = await indexBatch(index, inserts, overwrites, conflicts);
    } catch (e) {
      // Nothing partial: the new files of the failed statement go. Then, so that one bad instance
      // cannot take good neighbours with it, each item of a multi-item batch is retried on its own.
      await Promise.all([...inserts, ...overwrites].map((p) => store.delete(p.key).catch(() => undefined)));
      const failed = [...inserts, ...overwrites, ...conflicts];
      if (failed.length > 1) {
        for (const p of failed) {
          const [single] = await ingestBatch(index, store, [items[p.index]!], policy);
          results[p.index] = single ?? rejected(items[p.index]!, e);
        }
        return results;
      }
      const err = new LingshuError('ARCHIVE_INDEX_FAILED', 'The index could not record the batch', { cause: e });
      for (const p of failed) results[p.index] = rejected(items[p.index]!, err);
      return results;
    }
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

/** Writes one file (data synced, renamed into place; its folder is synced later): the error, if any. */
function writeFile(store: ObjectStore, p: Prepared): Promise<{ error: unknown } | undefined> {
  return store.put(p.key, p.bytes, { deferDirSync: true }).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
}

/**
 * Waits for the batch's file writes; removes the files no item needs (never the file an existing
 * index row names); syncs the folders of the needed ones once each. Returns the `index` of every
 * needed item whose file is durable; the others are failed.
 */
async function settleFiles(
  store: ObjectStore,
  written: ReadonlyMap<string, Prepared>,
  writes: ReadonlyMap<number, Promise<{ error: unknown } | undefined>>,
  needed: readonly Prepared[],
  existing: ReadonlyMap<string, ExistingInstance>,
  fail: (p: Prepared, e: unknown) => void,
): Promise<Set<number>> {
  const need = new Set(needed.map((p) => p.index));
  const outcome = new Map<number, { error: unknown } | undefined>();
  for (const [i, write] of writes) outcome.set(i, await write);
  const spare = [...written.values()].filter(
    (p) =>
      !need.has(p.index) &&
      outcome.get(p.index) === undefined &&
      existing.get(p.record.instance.sopUid)?.storage_key !== p.key,
  );
  await Promise.all(spare.map((p) => store.delete(p.key).catch(() => undefined)));
  const ok: Prepared[] = [];
  for (const p of needed) {
    const failure = outcome.get(p.index);
    if (failure) fail(p, failure.error);
    else ok.push(p);
  }
  try {
    await store.syncDirectories(ok.map((p) => p.key));
    return new Set(ok.map((p) => p.index));
  } catch (e) {
    await Promise.all(ok.map((p) => store.delete(p.key).catch(() => undefined)));
    for (const p of ok) fail(p, e);
    return new Set();
  }
}
