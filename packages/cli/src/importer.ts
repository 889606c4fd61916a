import type { Archive, StoreItem, StoreResult } from '@lingshu/archive';
import { isDicom, toLingshuError } from '@lingshu/dicom';
import type { ImportCandidate } from './candidate.js';
import { discover } from './discover.js';
import { buildSummary, type FileIssue, type ImportSummary, type InstanceOutcomes } from './summary.js';

export interface ImportRunOptions {
  /** Parallel file reads (default 8). */
  concurrency?: number;
  /** Instances per storeInstances call (default 48). */
  batchSize?: number;
  /** Bytes that close a batch early, so large files do not pile up in memory (default 256 MB). */
  batchBytes?: number;
  /** Folders never walked into (the archive's own data directory). */
  exclude?: string[];
  /** Institution (institutions.pk) new studies belong to (`--institution CODE`); default the 'default' hub. */
  institutionPk?: string;
  /** Stops reading further files; batches already handed to the archive complete. */
  signal?: AbortSignal;
  onDiscovered?(files: number, bytes: number): void;
  /** Files finished (stored, rejected or skipped) and the bytes they held. */
  onProgress?(files: number, bytes: number): void;
  /** Each batch's per-instance results, once the archive has committed (or refused) the batch. */
  onResults?(items: readonly StoreItem[], results: readonly StoreResult[]): void;
}

const MAX_PENDING_BATCHES = 2;

function issue(source: string, e: unknown): FileIssue {
  const err = toLingshuError(e);
  if (err.code === 'INTERNAL') return { source, code: 'IMPORT_UNREADABLE', message: 'The file cannot be read' };
  return { source, code: err.code, message: err.message };
}

/**
 * Imports files, folders, DICOMDIR sets and zip archives: parallel reads feed `storeInstances` in
 * batches. An instance counts as stored only once the archive has resolved its batch, so a run
 * killed at any point never reports more than the index holds.
 */
export async function importPaths(
  archive: Archive,
  paths: readonly string[],
  options: ImportRunOptions = {},
): Promise<ImportSummary> {
  const startedAt = performance.now();
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const batchSize = Math.max(1, options.batchSize ?? 48);
  const batchBytes = options.batchBytes ?? 256e6;
  const before = await archive.counts();
  const discovery = await discover(paths, { exclude: options.exclude ?? [] });
  const { candidates } = discovery;
  options.onDiscovered?.(
    candidates.length,
    candidates.reduce((sum, c) => sum + c.size, 0),
  );

  const instances: InstanceOutcomes = { stored: 0, duplicates: 0, overwritten: 0, rejected: 0 };
  const skipped: FileIssue[] = [];
  const rejected: FileIssue[] = discovery.problems.map((p) => ({ ...p }));
  let bytesRead = 0;
  const progress = (files: number, bytes: number): void => options.onProgress?.(files, bytes);

  const record = (items: readonly StoreItem[], results: readonly StoreResult[]): void => {
    options.onResults?.(items, results);
    items.forEach((item, i) => {
      const r = results[i];
      const source = item.source ?? '';
      if (r?.status === 'stored') instances.stored++;
      else if (r?.status === 'duplicate') instances.duplicates++;
      else if (r?.status === 'overwritten') instances.overwritten++;
      else {
        instances.rejected++;
        const error = r?.error ?? { code: 'INTERNAL' as const, message: 'No result for the instance' };
        rejected.push({ source, code: error.code, message: error.message });
      }
    });
    progress(
      items.length,
      items.reduce((sum, item) => sum + item.bytes.length, 0),
    );
  };

  let batch: StoreItem[] = [];
  let batchSizeBytes = 0;
  const pending: Promise<void>[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length > 0) {
      const items = batch;
      batch = [];
      batchSizeBytes = 0;
      const stored = archive.storeInstances(items).then(
        (results) => record(items, results),
        (e: unknown) =>
          record(
            items,
            items.map(() => ({ status: 'rejected', error: issue('', e) }) as StoreResult),
          ),
      );
      pending.push(stored);
    }
    while (pending.length > MAX_PENDING_BATCHES) await pending.shift();
  };

  const handle = async (candidate: ImportCandidate): Promise<void> => {
    let bytes: Uint8Array;
    try {
      bytes = await candidate.load();
    } catch (e) {
      rejected.push(issue(candidate.source, e));
      progress(1, 0);
      return;
    }
    bytesRead += bytes.length;
    if (!isDicom(bytes)) {
      skipped.push({ source: candidate.source, code: 'DICOM_NOT_DICOM', message: 'Not a DICOM file' });
      progress(1, bytes.length);
      return;
    }
    batch.push({
      bytes,
      source: candidate.source,
      ...(options.institutionPk ? { institutionPk: options.institutionPk } : {}),
    });
    batchSizeBytes += bytes.length;
    if (batch.length >= batchSize || batchSizeBytes >= batchBytes) await flush();
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < candidates.length && !options.signal?.aborted) {
      const candidate = candidates[next++]!;
      await handle(candidate);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(candidates.length, 1)) }, worker));
    await flush();
    await Promise.all(pending);
  } finally {
    discovery.close();
  }
  const after = await archive.counts();
  return buildSummary({
    files: candidates.length,
    bytes: bytesRead,
    before,
    after,
    instances,
    skipped,
    rejected,
    elapsedSeconds: (performance.now() - startedAt) / 1000,
  });
}
