import type { Archive } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import type { JobRunState, JobsTables } from './migrations.js';
import type { AnalyzeJobData } from './runJob.js';

export const JOB_STATES: readonly JobRunState[] = [
  'queued',
  'active',
  'retry',
  'completed',
  'cancelled',
  'failed',
  'dead',
];

/** A job as admins see it: our run record with the queue's live state. */
export interface JobRun {
  jobId: string;
  studyInstanceUID: string;
  analyzerId: string;
  state: JobRunState;
  attempts: number;
  priority: string;
  reason: string;
  ruleId: string | null;
  enqueuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  worker: string | null;
  resultPk: string | null;
}

export interface JobListFilter {
  state?: JobRunState;
  studyUid?: string;
  jobId?: string;
  limit?: number;
}

interface MarkRun {
  state: JobRunState;
  /** Creates the row (enqueue). */
  insert?: { study_uid: string; analyzer_id: string; priority: string; reason: string; rule_id: string | null };
  /** Creates the row when a job queued elsewhere reaches this worker first. */
  data?: AnalyzeJobData;
  attempts?: number;
  worker?: string;
  started?: boolean;
  error?: { code: string; message: string };
  resultPk?: string;
}

/** Records a job's state change in ai_job_runs. */
export async function markRun(archive: Archive, jobId: string, m: MarkRun): Promise<void> {
  const db = archive.index.db.withTables<JobsTables>();
  const seed =
    m.insert ??
    (m.data
      ? {
          study_uid: m.data.studyUid,
          analyzer_id: m.data.analyzerId,
          priority: m.data.priority,
          reason: m.data.reason,
          rule_id: m.data.ruleId ?? null,
        }
      : undefined);
  const ended = m.state === 'completed' || m.state === 'dead' || m.state === 'cancelled' || m.state === 'failed';
  const update = {
    state: m.state,
    ...(m.attempts !== undefined ? { attempts: m.attempts } : {}),
    ...(m.worker !== undefined ? { worker: m.worker } : {}),
    ...(m.started ? { started_at: new Date(), finished_at: null, error_code: null, error_message: null } : {}),
    ...(ended ? { finished_at: new Date() } : {}),
    ...(m.error ? { error_code: m.error.code, error_message: m.error.message.slice(0, 500) } : {}),
    ...(m.resultPk !== undefined ? { result_pk: m.resultPk } : {}),
  };
  if (seed) {
    await db
      .insertInto('ai_job_runs')
      .values({ job_id: jobId, ...seed, ...update })
      .onConflict((oc) => oc.column('job_id').doUpdateSet(update))
      .execute();
  } else {
    await db.updateTable('ai_job_runs').set(update).where('job_id', '=', jobId).execute();
  }
}

interface JobRow {
  job_id: string;
  study_uid: string;
  analyzer_id: string;
  state: JobRunState;
  attempts: number;
  priority: string;
  reason: string;
  rule_id: string | null;
  enqueued_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  error_code: string | null;
  error_message: string | null;
  worker: string | null;
  result_pk: string | null;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/**
 * Job runs, newest first, with the live pg-boss state: `failed` there means retries are
 * exhausted and the job sits in the dead-letter list (`dead`).
 */
export async function listJobRuns(archive: Archive, bossSchema: string, filter: JobListFilter): Promise<JobRun[]> {
  if (filter.state && !JOB_STATES.includes(filter.state))
    throw new LingshuError('HTTP_BAD_PARAMETER', `state must be one of ${JOB_STATES.join(', ')}`);
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.state) where.push(`state = $${values.push(filter.state)}`);
  if (filter.studyUid) where.push(`study_uid = $${values.push(filter.studyUid)}`);
  if (filter.jobId) where.push(`job_id = $${values.push(filter.jobId)}`);
  const r = await archive.index.executeSql(
    `SELECT * FROM (
       SELECT r.job_id, r.study_uid, r.analyzer_id, r.priority, r.reason, r.rule_id, r.enqueued_at, r.started_at,
              r.finished_at, r.error_code, r.error_message, r.worker, r.result_pk::text AS result_pk,
              GREATEST(r.attempts, COALESCE(j.retry_count, 0)) AS attempts,
              CASE j.state WHEN 'failed' THEN 'dead' WHEN 'created' THEN 'queued' WHEN 'retry' THEN 'retry'
                           WHEN 'active' THEN 'active' WHEN 'completed' THEN 'completed' WHEN 'cancelled' THEN 'cancelled'
                           ELSE r.state END AS state
         FROM ai_job_runs r LEFT JOIN "${bossSchema}".job j ON j.id::text = r.job_id AND j.name = 'ai-analyze'
     ) runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY enqueued_at DESC LIMIT ${limit}`,
    values,
  );
  return (r.rows as JobRow[]).map((row) => ({
    jobId: row.job_id,
    studyInstanceUID: row.study_uid,
    analyzerId: row.analyzer_id,
    state: row.state,
    attempts: Number(row.attempts),
    priority: row.priority,
    reason: row.reason,
    ruleId: row.rule_id,
    enqueuedAt: iso(row.enqueued_at) as string,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    errorCode: row.error_code,
    errorMessage: row.error_message,
    worker: row.worker,
    resultPk: row.result_pk,
  }));
}

/** A stored AI result with its provenance. */
export interface StoredResult {
  resultPk: string;
  studyInstanceUID: string;
  institutionPk: string | null;
  analyzerId: string;
  analyzerVersion: string;
  inputKey: string;
  status: 'ok' | 'not-applicable' | 'failed';
  findings: number;
  srSopInstanceUID: string | null;
  segSopInstanceUID: string | null;
  startedAt: string;
  finishedAt: string;
  jobId: string | null;
  worker: string;
  result: unknown;
}

/** Results of one study, newest first; `institutionPks` null = no tenancy filter (network-wide principals). */
export async function listResults(
  archive: Archive,
  studyUid: string,
  institutionPks: readonly string[] | null,
): Promise<StoredResult[]> {
  let q = archive.index.db
    .withTables<JobsTables>()
    .selectFrom('ai_results')
    .selectAll()
    .where('study_uid', '=', studyUid)
    .orderBy('finished_at', 'desc')
    .orderBy('pk', 'desc');
  if (institutionPks !== null) {
    if (institutionPks.length === 0) return [];
    q = q.where('institution_pk', 'in', [...institutionPks]);
  }
  const rows = await q.execute();
  return rows.map((r) => ({
    resultPk: String(r.pk),
    studyInstanceUID: r.study_uid,
    institutionPk: r.institution_pk === null ? null : String(r.institution_pk),
    analyzerId: r.analyzer_id,
    analyzerVersion: r.analyzer_version,
    inputKey: r.input_key,
    status: r.status,
    findings: Number(r.findings),
    srSopInstanceUID: r.sr_sop_uid,
    segSopInstanceUID: r.seg_sop_uid,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: new Date(r.finished_at).toISOString(),
    jobId: r.job_id,
    worker: r.worker,
    result: typeof r.result === 'string' ? JSON.parse(r.result) : r.result,
  }));
}
