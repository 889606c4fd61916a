import type { PlatformMigration } from '../platform/migrate.js';

/**
 * The 'worklist' area: soft study locks (who has a study open for reading), and the priority
 * facts of each stored AI result (derived from ai_results once, so the worklist does not parse
 * every result's JSON on each request).
 */
export const WORKLIST_MIGRATIONS: readonly PlatformMigration[] = [
  {
    id: 1,
    name: 'study locks',
    sql: `
      CREATE TABLE study_locks (
        study_pk bigint PRIMARY KEY,
        study_uid text NOT NULL,
        user_id text NOT NULL,
        user_name text NOT NULL,
        acquired_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX study_locks_heartbeat ON study_locks (heartbeat_at);
      CREATE TABLE worklist_ai_facts (
        result_pk bigint PRIMARY KEY,
        study_uid text NOT NULL,
        analyzer_id text NOT NULL,
        finished_at timestamptz NOT NULL,
        category_priority integer NOT NULL,
        infection_priority integer NOT NULL
      );
      CREATE INDEX worklist_ai_facts_study ON worklist_ai_facts (study_uid, analyzer_id, finished_at DESC)
    `,
  },
];
