import type { PlatformMigration } from '../platform/migrate.js';

/**
 * The oversight area's tables: AI autonomy per analyzer and institution, readers' reviews of
 * AI findings (the post-market record), and notifications (critical findings, triage).
 * Append-only list: never edit an applied migration, add the next id.
 */
export const OVERSIGHT_MIGRATIONS: readonly PlatformMigration[] = [
  {
    id: 1,
    name: 'autonomy, finding reviews, notifications',
    sql: `
      CREATE TABLE autonomy (
        pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        analyzer_id text NOT NULL,
        institution_pk bigint REFERENCES institutions (pk) ON DELETE CASCADE,
        mode text NOT NULL CHECK (mode IN ('off', 'shadow', 'assist', 'triage', 'draft')),
        updated_by text NOT NULL DEFAULT 'system',
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX autonomy_analyzer_institution ON autonomy (analyzer_id, (COALESCE(institution_pk, 0)));
      INSERT INTO autonomy (analyzer_id, institution_pk, mode) VALUES ('*', NULL, 'assist');
      CREATE TABLE finding_reviews (
        pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        result_pk bigint NOT NULL,
        finding_id text NOT NULL,
        analyzer_id text NOT NULL,
        institution_pk bigint NOT NULL,
        action text NOT NULL CHECK (action IN ('accept', 'edit', 'reject', 'add')),
        reason text,
        changes jsonb,
        user_id text NOT NULL,
        role text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX finding_reviews_result ON finding_reviews (result_pk, finding_id, at);
      CREATE INDEX finding_reviews_monitoring ON finding_reviews (analyzer_id, institution_pk, at);
      CREATE TABLE notifications (
        pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_pk text,
        institution_pk bigint NOT NULL,
        kind text NOT NULL CHECK (kind IN ('critical-finding', 'triage')),
        study_uid text NOT NULL,
        result_pk bigint,
        message_key text NOT NULL,
        payload jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz
      );
      CREATE INDEX notifications_user ON notifications (user_pk, created_at DESC);
      CREATE INDEX notifications_institution ON notifications (institution_pk, created_at DESC)
    `,
  },
  {
    id: 2,
    name: 'finding reviews: withdraw a finding a reader added',
    sql: `
      ALTER TABLE finding_reviews DROP CONSTRAINT finding_reviews_action_check;
      ALTER TABLE finding_reviews ADD CONSTRAINT finding_reviews_action_check
        CHECK (action IN ('accept', 'edit', 'reject', 'add', 'withdraw'))
    `,
  },
];
