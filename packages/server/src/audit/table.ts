import type { Archive } from '@lingshu/archive';
import type { ColumnType, Insertable, Kysely } from 'kysely';
import type { AuditRow } from './chain.js';

/** audit_log as Kysely sees it (see migrations.ts). */
export type AuditLogTable = {
  seq: ColumnType<string | number | bigint, number, never>;
  at: ColumnType<Date | string, string, never>;
  action: string;
  outcome: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  role: string | null;
  institution_pk: ColumnType<string | number | bigint | null, string | null, never>;
  address: string | null;
  resource_type: string | null;
  resource_id: string | null;
  study_uids: string[] | null;
  patient_id: string | null;
  via: string | null;
  detail: ColumnType<Record<string, string | number | boolean> | null, string | null, never>;
  event_code: string;
  event_name: string;
  event_type_code: string | null;
  event_action: string;
  prev_hash: string;
  hash: string;
};

/** SQL types of audit_log's columns (migrations.ts), for inserting a JSON batch in one statement. */
export const AUDIT_COLUMN_TYPES = {
  seq: 'bigint',
  at: 'timestamptz',
  action: 'text',
  outcome: 'text',
  actor_kind: 'text',
  actor_id: 'text',
  actor_name: 'text',
  role: 'text',
  institution_pk: 'bigint',
  address: 'text',
  resource_type: 'text',
  resource_id: 'text',
  study_uids: 'text[]',
  patient_id: 'text',
  via: 'text',
  detail: 'jsonb',
  event_code: 'text',
  event_name: 'text',
  event_type_code: 'text',
  event_action: 'text',
  prev_hash: 'text',
  hash: 'text',
} as const satisfies Record<keyof AuditLogTable, string>;

export const AUDIT_COLUMNS = Object.keys(AUDIT_COLUMN_TYPES) as Array<keyof typeof AUDIT_COLUMN_TYPES>;

export type AuditTables = {
  audit_log: AuditLogTable;
};

export type AuditDb = Kysely<AuditTables>;

export function auditDb(archive: Archive): AuditDb {
  return archive.index.db.withTables<AuditTables>() as unknown as AuditDb;
}

type Selected = {
  [K in keyof AuditLogTable]: AuditLogTable[K] extends ColumnType<infer S, unknown, unknown> ? S : AuditLogTable[K];
};

/** A database row as the chain and the API see it (ISO time, numbers and strings normalised). */
export function rowOf(r: Selected): AuditRow {
  const at = r.at instanceof Date ? r.at : new Date(r.at);
  return {
    seq: Number(r.seq),
    at: at.toISOString(),
    action: r.action,
    outcome: r.outcome === 'failure' ? 'failure' : 'success',
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    actorName: r.actor_name,
    role: r.role,
    institutionPk: r.institution_pk === null ? null : String(r.institution_pk),
    address: r.address,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    studyUids: r.study_uids,
    patientId: r.patient_id,
    via: r.via,
    detail: r.detail,
    eventCode: r.event_code,
    eventName: r.event_name,
    eventTypeCode: r.event_type_code,
    eventAction: r.event_action,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** AuditRow → insert values. */
export function valuesOf(row: AuditRow): Insertable<AuditLogTable> {
  return {
    seq: row.seq,
    at: row.at,
    action: row.action,
    outcome: row.outcome,
    actor_kind: row.actorKind,
    actor_id: row.actorId,
    actor_name: row.actorName,
    role: row.role,
    institution_pk: row.institutionPk,
    address: row.address,
    resource_type: row.resourceType,
    resource_id: row.resourceId,
    study_uids: row.studyUids,
    patient_id: row.patientId,
    via: row.via,
    detail: row.detail === null ? null : JSON.stringify(row.detail),
    event_code: row.eventCode,
    event_name: row.eventName,
    event_type_code: row.eventTypeCode,
    event_action: row.eventAction,
    prev_hash: row.prevHash,
    hash: row.hash,
  };
}
