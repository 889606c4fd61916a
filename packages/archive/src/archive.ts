import { join } from 'node:path';
import { type DicomJsonDataset, LingshuError } from '@lingshu/dicom';
import { sql } from 'kysely';
import { type AccessScope, studyVisible } from './access.js';
import { type IndexDatabase, type IndexLocation, openIndexDatabase } from './db/open.js';
import { type DuplicatePolicy, ingestBatch, type StoreItem, type StoreResult } from './ingest.js';
import { InstitutionStore } from './institutions.js';
import { FileSystemObjectStore } from './objectStore.js';
import type { QueryRequest, QueryResponse } from './query.js';
import { runQuery } from './queryRun.js';
import {
  findInstanceFiles,
  findInstanceMetadata,
  type InstanceFile,
  type InstanceMetadata,
  type RetrieveScope,
} from './retrieve.js';

export interface ArchiveOptions {
  /** Data directory: object store under `files/`, embedded index under `index/`. */
  dataDir: string;
  /** PostgreSQL server for the index instead of embedded PGlite. */
  databaseUrl?: string;
  /** PostgreSQL schema to use (tests use one per run). */
  schema?: string;
  duplicatePolicy?: DuplicatePolicy;
  /** fsync files and directories on write (default true). */
  durable?: boolean;
  /** Largest micro-batch for `store()` (default 64 instances). */
  maxBatch?: number;
}

export interface ArchiveCounts {
  patients: number;
  studies: number;
  series: number;
  instances: number;
}

export interface StudySummary {
  studyInstanceUID: string;
  studyDate: string;
  studyTime: string;
  accessionNumber: string;
  description: string;
  modalities: string[];
  numberOfSeries: number;
  numberOfInstances: number;
  patientId: string;
  /** Owning institution (institutions.pk). */
  institutionPk: string;
}

export interface Change {
  seq: number;
  changeType: string;
  resourceLevel: string;
  resourceUid: string;
  studyInstanceUID: string;
  at: Date;
}

export interface ChangePage {
  changes: Change[];
  /** Cursor to pass as `since` next time. */
  last: number;
  done: boolean;
}

interface Pending {
  item: StoreItem;
  resolve: (r: StoreResult) => void;
}

/** The archive: object store + index + ingest + change log. No HTTP. */
export class Archive {
  readonly files: FileSystemObjectStore;
  /** Institutions of the network (医联体) and study shares between them. */
  readonly institutions: InstitutionStore;
  private pending: Pending[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private inFlight = false;
  private readonly policy: DuplicatePolicy;
  private readonly maxBatch: number;
  private serial: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly index: IndexDatabase,
    options: ArchiveOptions,
  ) {
    this.files = new FileSystemObjectStore(join(options.dataDir, 'files'), options.durable ?? true);
    this.institutions = new InstitutionStore(index.db);
    this.policy = options.duplicatePolicy ?? 'reject';
    this.maxBatch = options.maxBatch ?? 64;
  }

  static async open(options: ArchiveOptions): Promise<Archive> {
    const location: IndexLocation = options.databaseUrl
      ? { kind: 'postgres', databaseUrl: options.databaseUrl, ...(options.schema ? { schema: options.schema } : {}) }
      : { kind: 'pglite', dataDir: join(options.dataDir, 'index') };
    return new Archive(await openIndexDatabase(location), options);
  }

  /** Stores a batch in one index transaction; per-item results, bad items rejected alone. */
  storeInstances(items: readonly StoreItem[]): Promise<StoreResult[]> {
    // Batches are serialised within a process: the index sees one writer transaction at a time.
    const run = this.serial.then(() => ingestBatch(this.index, this.files, items, this.policy));
    this.serial = run.catch(() => undefined);
    return run;
  }

  /**
   * Stores one instance. Group commit: while one batch is being written, new arrivals wait and
   * then go together in the next batch (up to `maxBatch`), so concurrent senders share file
   * syncs and index transactions while a lone sender is never delayed.
   */
  store(item: StoreItem): Promise<StoreResult> {
    return new Promise((resolve) => {
      this.pending.push({ item, resolve });
      this.kick();
    });
  }

  private kick(): void {
    if (this.inFlight || this.scheduled || this.pending.length === 0) return;
    this.scheduled = true;
    // One turn of the event loop lets callers of the same tick join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight) return;
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.inFlight = true;
    this.flushing = this.storeInstances(batch.map((p) => p.item))
      .then(
        (results) => {
          for (const [i, p] of batch.entries()) p.resolve(results[i]!);
        },
        () => {
          const error = { code: 'ARCHIVE_INDEX_FAILED' as const, message: 'The index could not record the batch' };
          for (const p of batch) p.resolve({ status: 'rejected', error });
        },
      )
      .finally(() => {
        this.inFlight = false;
        this.kick();
      });
  }

  async counts(): Promise<ArchiveCounts> {
    const r = await sql<{ patients: string; studies: string; series: string; instances: string }>`
      SELECT (SELECT count(*) FROM patients) AS patients, (SELECT count(*) FROM studies) AS studies,
             (SELECT count(*) FROM series) AS series, (SELECT count(*) FROM instances) AS instances`.execute(
      this.index.db,
    );
    const row = r.rows[0]!;
    return {
      patients: Number(row.patients),
      studies: Number(row.studies),
      series: Number(row.series),
      instances: Number(row.instances),
    };
  }

  /** Studies `access` may see, most recently updated first. */
  async listStudies(access: AccessScope, options: { limit?: number; offset?: number } = {}): Promise<StudySummary[]> {
    const rows = await this.studySummaries(access)
      .orderBy('studies.updated_at', 'desc')
      .orderBy('studies.pk', 'desc')
      .limit(Math.min(Math.max(options.limit ?? 100, 1), 1000))
      .offset(Math.max(options.offset ?? 0, 0))
      .execute();
    return rows.map(toStudySummary);
  }

  /** One study; undefined when unknown or not visible in `access` (the two are indistinguishable). */
  async getStudy(studyUid: string, access: AccessScope): Promise<StudySummary | undefined> {
    const row = await this.studySummaries(access).where('studies.study_uid', '=', studyUid).executeTakeFirst();
    return row ? toStudySummary(row) : undefined;
  }

  private studySummaries(access: AccessScope) {
    const visible = studyVisible('studies', access);
    const q = this.index.db
      .selectFrom('studies')
      .innerJoin('patients', 'patients.pk', 'studies.patient_pk')
      .select([
        'studies.study_uid',
        'studies.study_date',
        'studies.study_time',
        'studies.accession_number',
        'studies.description',
        'studies.modalities',
        'studies.num_series',
        'studies.num_instances',
        'patients.patient_id',
        'studies.institution_pk',
      ]);
    return visible ? q.where(visible) : q;
  }

  /**
   * Hierarchical query from the index (QIDO-RS and C-FIND share it). Bad matching values throw
   * DICOM_BAD_VALUE with the attribute in `details`.
   */
  query(req: QueryRequest, access: AccessScope): Promise<QueryResponse> {
    return runQuery(this.index.db, req, access);
  }

  /** Series metadata (DICOM JSON per instance) from the index, without reading files. */
  async getSeriesMetadata(seriesUid: string, access: AccessScope): Promise<DicomJsonDataset[]> {
    const visible = studyVisible('studies', access);
    const rows = await this.index.db
      .selectFrom('instances')
      .innerJoin('series', 'series.pk', 'instances.series_pk')
      .innerJoin('studies', 'studies.pk', 'series.study_pk')
      .select(['instances.metadata', 'instances.instance_number'])
      .where('series.series_uid', '=', seriesUid)
      .$if(visible !== undefined, (q) => q.where(visible!))
      .orderBy('instances.instance_number')
      .orderBy('instances.pk')
      .execute();
    if (rows.length === 0) throw new LingshuError('ARCHIVE_NOT_FOUND', 'Series not found');
    return rows.map((r) => (typeof r.metadata === 'string' ? JSON.parse(r.metadata) : r.metadata) as DicomJsonDataset);
  }

  /** Index facts (storage key, syntax, frames) of the instances a retrieve addresses; empty when none. */
  findInstances(scope: RetrieveScope, access: AccessScope): Promise<InstanceFile[]> {
    return findInstanceFiles(this.index.db, scope, access);
  }

  /** DICOM JSON of every instance in scope from the index in one query (WADO-RS metadata). */
  findMetadata(scope: RetrieveScope, access: AccessScope): Promise<InstanceMetadata[]> {
    return findInstanceMetadata(this.index.db, scope, access);
  }

  async getInstanceMetadata(sopUid: string, access: AccessScope): Promise<DicomJsonDataset> {
    const r = await this.instanceBySop(sopUid, access).select('instances.metadata').executeTakeFirst();
    if (!r) throw new LingshuError('ARCHIVE_NOT_FOUND', 'Instance not found');
    return (typeof r.metadata === 'string' ? JSON.parse(r.metadata) : r.metadata) as DicomJsonDataset;
  }

  /** Index facts about one instance (storage key, hash, size). */
  async getInstanceLocation(
    sopUid: string,
    access: AccessScope,
  ): Promise<{ storageKey: string; sha256: string; sizeBytes: number } | undefined> {
    const r = await this.instanceBySop(sopUid, access)
      .select(['instances.storage_key', 'instances.sha256', 'instances.size_bytes'])
      .executeTakeFirst();
    return r ? { storageKey: r.storage_key, sha256: r.sha256, sizeBytes: Number(r.size_bytes) } : undefined;
  }

  /** One instance by SOP Instance UID, only when its study is visible in `access`. */
  private instanceBySop(sopUid: string, access: AccessScope) {
    const visible = studyVisible('studies', access);
    const q = this.index.db
      .selectFrom('instances')
      .innerJoin('series', 'series.pk', 'instances.series_pk')
      .innerJoin('studies', 'studies.pk', 'series.study_pk')
      .where('instances.sop_uid', '=', sopUid);
    return visible ? q.where(visible) : q;
  }

  async readInstance(sopUid: string, access: AccessScope): Promise<Uint8Array> {
    const loc = await this.getInstanceLocation(sopUid, access);
    if (!loc) throw new LingshuError('ARCHIVE_NOT_FOUND', 'Instance not found');
    return this.files.get(loc.storageKey);
  }

  /** Every indexed instance's storage key and hash (for integrity checks). */
  async listInstanceLocations(): Promise<Array<{ sopUid: string; storageKey: string; sha256: string }>> {
    const rows = await this.index.db.selectFrom('instances').select(['sop_uid', 'storage_key', 'sha256']).execute();
    return rows.map((r) => ({ sopUid: r.sop_uid, storageKey: r.storage_key, sha256: r.sha256 }));
  }

  /**
   * The change log after `since` (exclusive), oldest first, like Orthanc's /changes: only changes
   * of studies visible in `access` (a scoped reader sees no patient-level entries).
   */
  async getChanges(access: AccessScope, options: { since?: number; limit?: number } = {}): Promise<ChangePage> {
    const since = options.since ?? 0;
    if (!Number.isSafeInteger(since) || since < 0)
      throw new LingshuError('ARCHIVE_BAD_CURSOR', 'The change-log cursor must be a non-negative integer');
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 10_000);
    const visible = studyVisible('vis_ch', access);
    const rows = await this.index.db
      .selectFrom('changes')
      .selectAll()
      .where('seq', '>', String(since))
      .$if(visible !== undefined, (q) =>
        q.where(
          sql<boolean>`EXISTS (SELECT 1 FROM studies vis_ch WHERE vis_ch.study_uid = changes.study_uid AND ${visible!})`,
        ),
      )
      .orderBy('seq')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit).map((r) => ({
      seq: Number(r.seq),
      changeType: r.change_type,
      resourceLevel: r.resource_level,
      resourceUid: r.resource_uid,
      studyInstanceUID: r.study_uid,
      at: new Date(r.at),
    }));
    return { changes: page, last: page.at(-1)?.seq ?? since, done: rows.length <= limit };
  }

  async close(): Promise<void> {
    while (this.pending.length > 0 || this.inFlight) {
      this.flush();
      await this.flushing;
    }
    await this.serial;
    await this.index.close();
  }
}

export function openArchive(options: ArchiveOptions): Promise<Archive> {
  return Archive.open(options);
}

interface StudySummaryRow {
  study_uid: string;
  study_date: string;
  study_time: string;
  accession_number: string;
  description: string;
  modalities: string[];
  num_series: number;
  num_instances: number;
  patient_id: string;
  institution_pk: string;
}

function toStudySummary(r: StudySummaryRow): StudySummary {
  return {
    studyInstanceUID: r.study_uid,
    studyDate: r.study_date,
    studyTime: r.study_time,
    accessionNumber: r.accession_number,
    description: r.description,
    modalities: r.modalities,
    numberOfSeries: r.num_series,
    numberOfInstances: r.num_instances,
    patientId: r.patient_id,
    institutionPk: String(r.institution_pk),
  };
}
