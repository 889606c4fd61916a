import type { DicomJsonDataset } from '@lingshu/dicom';
import type { Kysely } from 'kysely';
import { type AccessScope, studyVisible } from './access.js';
import type { ArchiveSchema } from './db/schema.js';

/** Which instances a retrieve addresses: a study, one of its series, or one instance in that series. */
export interface RetrieveScope {
  studyUid: string;
  seriesUid?: string;
  sopUid?: string;
}

/** Index facts a retrieve needs about one instance (no file read). */
export interface InstanceFile {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
  transferSyntaxUid: string;
  numberOfFrames: number;
  rows: number | null;
  columns: number | null;
  storageKey: string;
  sizeBytes: number;
}

/** One instance's DICOM JSON as indexed, with the UIDs that place it. */
export interface InstanceMetadata {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  metadata: DicomJsonDataset;
}

function scoped(db: Kysely<ArchiveSchema>, scope: RetrieveScope, access: AccessScope) {
  let q = db
    .selectFrom('instances')
    .innerJoin('series', 'series.pk', 'instances.series_pk')
    .innerJoin('studies', 'studies.pk', 'series.study_pk')
    .where('studies.study_uid', '=', scope.studyUid);
  // A study the reader may not see matches nothing, exactly like an unknown UID.
  const visible = studyVisible('studies', access);
  if (visible) q = q.where(visible);
  // Lower levels are matched together with the study, so a series of another study is "not found".
  if (scope.seriesUid !== undefined) q = q.where('series.series_uid', '=', scope.seriesUid);
  if (scope.sopUid !== undefined) q = q.where('instances.sop_uid', '=', scope.sopUid);
  return q
    .orderBy('series.series_number')
    .orderBy('series.pk')
    .orderBy('instances.instance_number')
    .orderBy('instances.pk');
}

/** Instances in scope, ordered by series number then instance number; empty when nothing matches. */
export async function findInstanceFiles(
  db: Kysely<ArchiveSchema>,
  scope: RetrieveScope,
  access: AccessScope,
): Promise<InstanceFile[]> {
  const rows = await scoped(db, scope, access)
    .select([
      'studies.study_uid',
      'series.series_uid',
      'instances.sop_uid',
      'instances.sop_class_uid',
      'instances.instance_number',
      'instances.transfer_syntax_uid',
      'instances.number_of_frames',
      'instances.rows',
      'instances.columns',
      'instances.storage_key',
      'instances.size_bytes',
    ])
    .execute();
  return rows.map((r) => ({
    studyUid: r.study_uid,
    seriesUid: r.series_uid,
    sopUid: r.sop_uid,
    sopClassUid: r.sop_class_uid,
    instanceNumber: r.instance_number,
    transferSyntaxUid: r.transfer_syntax_uid,
    numberOfFrames: r.number_of_frames,
    rows: r.rows,
    columns: r.columns,
    storageKey: r.storage_key,
    sizeBytes: Number(r.size_bytes),
  }));
}

/** Indexed DICOM JSON of every instance in scope in one query (study-level metadata included). */
export async function findInstanceMetadata(
  db: Kysely<ArchiveSchema>,
  scope: RetrieveScope,
  access: AccessScope,
): Promise<InstanceMetadata[]> {
  const rows = await scoped(db, scope, access)
    .select(['studies.study_uid', 'series.series_uid', 'instances.sop_uid', 'instances.metadata'])
    .execute();
  return rows.map((r) => ({
    studyUid: r.study_uid,
    seriesUid: r.series_uid,
    sopUid: r.sop_uid,
    metadata: (typeof r.metadata === 'string' ? JSON.parse(r.metadata) : r.metadata) as DicomJsonDataset,
  }));
}
