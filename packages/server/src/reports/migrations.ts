import type { ColumnType, Generated } from 'kysely';
import type { PlatformMigration } from '../platform/migrate.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/**
 * The 'reports' area: one structured report per study (its current state) and every version of
 * it. `report_versions` is append-only: a trigger refuses UPDATE, DELETE and TRUNCATE.
 */
export const REPORTS_MIGRATIONS: readonly PlatformMigration[] = [
  {
    id: 1,
    name: 'structured reports and their append-only versions',
    sql: `
      CREATE TABLE reports (
        pk bigserial PRIMARY KEY,
        report_id text NOT NULL UNIQUE,
        study_uid text NOT NULL UNIQUE,
        study_pk bigint NOT NULL,
        institution_pk bigint NOT NULL,
        template_id text NOT NULL,
        language text NOT NULL,
        status text NOT NULL CHECK (status IN ('draft', 'signed', 'amended')),
        version integer NOT NULL,
        report jsonb NOT NULL,
        prefill jsonb NOT NULL DEFAULT '[]',
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        signed_at timestamptz,
        signed_by text,
        signed_by_name text
      );
      CREATE INDEX reports_study_pk ON reports (study_pk);
      CREATE INDEX reports_institution ON reports (institution_pk, status);
      CREATE TABLE report_versions (
        report_pk bigint NOT NULL REFERENCES reports (pk),
        number integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('draft', 'signature', 'addendum')),
        author text NOT NULL,
        role text NOT NULL,
        at timestamptz NOT NULL,
        content jsonb NOT NULL,
        PRIMARY KEY (report_pk, number)
      );
      CREATE FUNCTION report_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'report_versions is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$;
      CREATE TRIGGER report_versions_no_update BEFORE UPDATE OR DELETE ON report_versions
        FOR EACH ROW EXECUTE FUNCTION report_versions_append_only();
      CREATE TRIGGER report_versions_no_truncate BEFORE TRUNCATE ON report_versions
        FOR EACH STATEMENT EXECUTE FUNCTION report_versions_append_only()
    `,
  },
];

export interface ReportsTable {
  pk: Generated<string>;
  report_id: string;
  study_uid: string;
  study_pk: string;
  institution_pk: string;
  template_id: string;
  language: string;
  status: 'draft' | 'signed' | 'amended';
  version: number;
  report: ColumnType<unknown, string, string>;
  prefill: ColumnType<unknown, string | undefined, string>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  signed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  signed_by: string | null;
  signed_by_name: string | null;
}

export interface ReportVersionsTable {
  report_pk: string;
  number: number;
  kind: 'draft' | 'signature' | 'addendum';
  author: string;
  role: string;
  at: Timestamp;
  content: ColumnType<unknown, string, never>;
}

export type ReportsTables = { reports: ReportsTable; report_versions: ReportVersionsTable };
