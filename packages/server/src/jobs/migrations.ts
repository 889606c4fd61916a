import type { ColumnType, Generated } from 'kysely';
import type { PlatformMigration } from '../platform/migrate.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** The 'jobs' area: routing rules, AI results with provenance, and one row per job run. */
export const JOBS_MIGRATIONS: readonly PlatformMigration[] = [
  {
    id: 1,
    name: 'routing rules, AI results, job runs',
    sql: `
      CREATE TABLE routing_rules (
        id text PRIMARY KEY,
        name text NOT NULL,
        rule jsonb NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        position integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL DEFAULT 'system'
      );
      INSERT INTO routing_rules (id, name, rule, enabled, position) VALUES ('chest-ct', 'Chest CT → chest CT suite / 胸部 CT → 胸部一查多筛',
        '{"id":"chest-ct","name":"Chest CT → chest CT suite / 胸部 CT → 胸部一查多筛","enabled":true,"priority":"routine","match":{"modality":["CT"],"bodyPart":["CHEST","LUNG","THORAX"],"descriptionKeywords":"胸|chest|lung|肺|thorax","sliceThicknessMm":{"max":5}},"analyzers":["lingshu-chest-ct"]}',
        true, 0);
      CREATE TABLE ai_results (
        pk bigserial PRIMARY KEY,
        study_uid text NOT NULL,
        study_pk bigint,
        institution_pk bigint,
        analyzer_id text NOT NULL,
        analyzer_version text NOT NULL,
        input_key text NOT NULL,
        status text NOT NULL CHECK (status IN ('ok', 'not-applicable', 'failed')),
        result jsonb NOT NULL,
        findings integer NOT NULL DEFAULT 0,
        sr_sop_uid text,
        seg_sop_uid text,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        job_id text,
        worker text NOT NULL,
        UNIQUE (study_uid, analyzer_id, analyzer_version, input_key)
      );
      CREATE INDEX ai_results_study ON ai_results (study_uid, finished_at DESC);
      CREATE INDEX ai_results_institution ON ai_results (institution_pk, finished_at DESC);
      CREATE TABLE ai_job_runs (
        job_id text PRIMARY KEY,
        study_uid text NOT NULL,
        analyzer_id text NOT NULL,
        state text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        priority text NOT NULL,
        reason text NOT NULL DEFAULT '',
        rule_id text,
        enqueued_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        error_code text,
        error_message text,
        worker text,
        result_pk bigint
      );
      CREATE INDEX ai_job_runs_state ON ai_job_runs (state, enqueued_at DESC);
      CREATE INDEX ai_job_runs_study ON ai_job_runs (study_uid)
    `,
  },
];

export interface RoutingRulesTable {
  id: string;
  name: string;
  rule: ColumnType<unknown, string, string>;
  enabled: boolean;
  position: number;
  updated_at: Timestamp;
  updated_by: ColumnType<string, string | undefined, string>;
}

export interface AiResultsTable {
  pk: Generated<string>;
  study_uid: string;
  study_pk: string | null;
  institution_pk: string | null;
  analyzer_id: string;
  analyzer_version: string;
  input_key: string;
  status: 'ok' | 'not-applicable' | 'failed';
  result: ColumnType<unknown, string, string>;
  findings: ColumnType<number, number | undefined, number>;
  sr_sop_uid: string | null;
  seg_sop_uid: string | null;
  started_at: Timestamp;
  finished_at: Timestamp;
  job_id: string | null;
  worker: string;
}

/** Job states as admins see them (pg-boss's own, plus `dead` once retries are exhausted). */
export type JobRunState = 'queued' | 'active' | 'retry' | 'completed' | 'cancelled' | 'failed' | 'dead';

export interface AiJobRunsTable {
  job_id: string;
  study_uid: string;
  analyzer_id: string;
  state: JobRunState;
  attempts: ColumnType<number, number | undefined, number>;
  priority: string;
  reason: ColumnType<string, string | undefined, string>;
  rule_id: string | null;
  enqueued_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  error_code: string | null;
  error_message: string | null;
  worker: string | null;
  result_pk: string | null;
}

/** The jobs area's tables, for `archive.index.db.withTables<JobsTables>()`. */
export type JobsTables = {
  routing_rules: RoutingRulesTable;
  ai_results: AiResultsTable;
  ai_job_runs: AiJobRunsTable;
};
