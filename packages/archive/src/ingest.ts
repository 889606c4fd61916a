import { createHash } from 'node:crypto';
import { type ErrorCode, LingshuError, parseDicom, toLingshuError } from '@lingshu/dicom';
import { extractRecord, type InstanceRecord } from './extract.js';
import {
  type IndexConnection,
  type IngestOutcome,
  ingestIndexBatch,
  type Prepared,
  unindexedKeys,
} from './ingestIndex.js';
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
 * Stores a batch: parse, validate and hash every item, write the files (data synced, renamed into
 * place, one directory sync per folder), then one index statement (`ingestIndex.ts`) decides what
 * each instance is (new, a re-send, a conflict, refused) and indexes the accepted ones. Files are
 * durable before the index statement runs, so an index row never points at a missing or partial
 * file; the files the statement did not accept are removed afterwards (never one the index names).
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
  const conflict = (p: Prepared): StoreResult =>
    rejected(
      items[p.index]!,
      new LingshuError(
        'ARCHIVE_DUPLICATE_CONFLICT',
        'An instance with this SOP Instance UID exists with different content',
      ),
    );

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

  // Files first: every candidate's file is durable before the one index statement runs. A
  // re-sent instance's file has the stored file's name and bytes, so rewriting it changes nothing.
  // An item whose file cannot be written is rejected alone.
  const written = await writeFiles(index, store, [...bySop.values()], (p, e) => {
    results[p.index] = rejected(items[p.index]!, e);
  });
  if (written.length > 0 || conflicts.length > 0) {
    let outcome: IngestOutcome;
    try {
      outcome = await ingestIndexBatch(index, written, conflicts, policy === 'overwrite');
    } catch (e) {
      // Nothing partial: the batch's files that no index row names go. Then, so that one bad
      // instance cannot take good neighbours with it, each item of a multi-item batch is retried alone.
      await removeUnindexed(index, store, written);
      const failed = [...written, ...conflicts];
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
    const owned = (p: Prepared): Pick<StoreResult, 'institutionPk' | 'foreignStudy'> => {
      const owner = outcome.owners.get(p.record.study.uid);
      if (owner === undefined) return {};
      return { institutionPk: owner, ...(owner !== p.institutionPk ? { foreignStudy: true } : {}) };
    };
    const unneeded: string[] = [];
    for (const p of written) {
      const d = outcome.decided.get(p.record.instance.sopUid);
      if (d?.status === 'inserted') results[p.index] ??= { ...base(p), ...owned(p) };
      else if (d?.status === 'overwritten') {
        results[p.index] = { ...base(p), ...owned(p), status: 'overwritten' };
        if (d.oldKey !== null && d.oldKey !== p.key) unneeded.push(d.oldKey);
      } else {
        if (d?.status === 'duplicate') results[p.index] = { ...base(p), status: 'duplicate' };
        else if (d?.status === 'conflict') results[p.index] = conflict(p);
        else if (d?.status === 'refused')
          results[p.index] = rejected(items[p.index]!, new LingshuError('ARCHIVE_STUDY_NOT_WRITABLE'));
        else results[p.index] = rejected(items[p.index]!, new LingshuError('INTERNAL', 'The index gave no decision'));
        if (d?.oldKey !== p.key) unneeded.push(p.key);
      }
    }
    await Promise.all(unneeded.map((k) => store.delete(k).catch(() => undefined)));
  }
  for (const p of conflicts) results[p.index] = conflict(p);
  return results;
}

/**
 * Writes the candidates' files (data synced, renamed into place) and then syncs their folders
 * once each. Returns the candidates whose file is durable; the others are failed.
 */
async function writeFiles(
  index: IndexConnection,
  store: ObjectStore,
  candidates: readonly Prepared[],
  fail: (p: Prepared, e: unknown) => void,
): Promise<Prepared[]> {
  const outcomes = await Promise.all(
    candidates.map((p) =>
      store.put(p.key, p.bytes, { deferDirSync: true }).then(
        () => undefined,
        (error: unknown) => ({ error }),
      ),
    ),
  );
  const ok: Prepared[] = [];
  candidates.forEach((p, i) => {
    const failure = outcomes[i];
    if (failure) fail(p, failure.error);
    else ok.push(p);
  });
  try {
    await store.syncDirectories(ok.map((p) => p.key));
    return ok;
  } catch (e) {
    await removeUnindexed(index, store, ok);
    for (const p of ok) fail(p, e);
    return [];
  }
}

/** Removes the files of `items` that no index row names; when the index cannot say, none. */
async function removeUnindexed(index: IndexConnection, store: ObjectStore, items: readonly Prepared[]): Promise<void> {
  const keys = await unindexedKeys(index, items).catch(() => []);
  await Promise.all(keys.map((k) => store.delete(k).catch(() => undefined)));
}
