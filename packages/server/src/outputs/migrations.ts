import type { ColumnType, Generated } from 'kysely';
import type { PlatformMigration } from '../platform/migrate.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/**
 * The 'outputs' area: the state of each output of each signed report version (PDF, encapsulated
 * PDF, SR, FHIR, HL7 per destination). One row per (report, version, kind, target); re-running
 * updates the row. `fhir_resources` maps each FHIR resource id to the reports it comes from (a
 * Patient can have several), so a FHIR read builds only the resources of those reports.
 */
export const OUTPUTS_MIGRATIONS: readonly PlatformMigration[] = [
  {
    id: 1,
    name: 'report outputs and their state',
    sql: `
      CREATE TABLE report_outputs (
        pk bigserial PRIMARY KEY,
        report_pk bigint NOT NULL,
        version integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('pdf', 'encapsulated-pdf', 'sr', 'fhir', 'hl7')),
        target text NOT NULL DEFAULT '',
        state text NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
        error_code text,
        attempts integer NOT NULL DEFAULT 0,
        sop_instance_uid text,
        at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (report_pk, version, kind, target)
      );
      CREATE INDEX report_outputs_report ON report_outputs (report_pk, version);
      CREATE TABLE fhir_resources (
        resource_type text NOT NULL,
        resource_id text NOT NULL,
        report_pk bigint NOT NULL,
        PRIMARY KEY (resource_type, resource_id, report_pk)
      );
      CREATE INDEX fhir_resources_report ON fhir_resources (report_pk);
    `,
  },
];

export type ReportOutputsTable = {
  pk: Generated<string>;
  report_pk: string;
  version: number;
  kind: 'pdf' | 'encapsulated-pdf' | 'sr' | 'fhir' | 'hl7';
  target: string;
  state: 'pending' | 'done' | 'failed';
  error_code: string | null;
  attempts: number;
  sop_instance_uid: string | null;
  at: Timestamp;
};

export type FhirResourcesTable = {
  resource_type: string;
  resource_id: string;
  report_pk: string;
};

export type OutputsTables = {
  report_outputs: ReportOutputsTable;
  fhir_resources: FhirResourcesTable;
};
