import type { PlatformMigration } from '../platform/migrate.js';

/**
 * The audit area's tables. Append-only list: never edit an applied migration, add the next id.
 *
 * `seq` is assigned by the writer under an advisory lock (last seq + 1), not by a sequence:
 * sequences skip numbers when a transaction rolls back, and `lingshu audit verify` treats a gap
 * as a deleted row.
 */
export const AUDIT_MIGRATIONS: readonly PlatformMigration[] = [
  {
    id: 1,
    name: 'hash-chained append-only audit_log',
    sql: `
      CREATE TABLE audit_log (
        seq bigint PRIMARY KEY,
        at timestamptz NOT NULL,
        action text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
        actor_kind text NOT NULL,
        actor_id text,
        actor_name text,
        role text,
        institution_pk bigint,
        address text,
        resource_type text,
        resource_id text,
        study_uids text[],
        patient_id text,
        via text,
        detail jsonb,
        event_code text NOT NULL,
        event_name text NOT NULL,
        event_type_code text,
        event_action text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      );
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE INDEX audit_log_actor ON audit_log (actor_name, seq);
      CREATE INDEX audit_log_actor_id ON audit_log (actor_id, seq);
      CREATE INDEX audit_log_patient ON audit_log (patient_id, seq) WHERE patient_id IS NOT NULL;
      CREATE INDEX audit_log_action ON audit_log (action, seq);
      CREATE INDEX audit_log_studies ON audit_log USING gin (study_uids);
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
    `,
  },
];
