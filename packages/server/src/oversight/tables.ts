import type { ColumnType, Generated } from 'kysely';
import type { AutonomyMode } from './policy.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface AutonomyTable {
  pk: Generated<string>;
  analyzer_id: string;
  institution_pk: string | null;
  mode: AutonomyMode;
  updated_by: string;
  updated_at: Timestamp;
}

/** `withdraw`: a reader takes back a finding added by mistake (only for `add`ed findings). */
export type ReviewAction = 'accept' | 'edit' | 'reject' | 'add' | 'withdraw';

export interface FindingReviewsTable {
  pk: Generated<string>;
  result_pk: string;
  finding_id: string;
  analyzer_id: string;
  institution_pk: string;
  action: ReviewAction;
  reason: string | null;
  changes: ColumnType<unknown, string | null, string | null>;
  user_id: string;
  role: string;
  at: Timestamp;
}

export interface NotificationsTable {
  pk: Generated<string>;
  user_pk: string | null;
  institution_pk: string;
  kind: 'critical-finding' | 'triage';
  study_uid: string;
  result_pk: string | null;
  message_key: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
  read_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** The oversight area's tables, for `archive.index.db.withTables<OversightTables>()`. */
export type OversightTables = {
  autonomy: AutonomyTable;
  finding_reviews: FindingReviewsTable;
  notifications: NotificationsTable;
};
