import { createHash } from 'node:crypto';

/** prev_hash of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** One row of audit_log as the chain sees it (everything except `hash`). */
export interface AuditRecord {
  seq: number;
  /** ISO 8601 with milliseconds, UTC. */
  at: string;
  action: string;
  outcome: 'success' | 'failure';
  actorKind: string;
  actorId: string | null;
  actorName: string | null;
  role: string | null;
  institutionPk: string | null;
  address: string | null;
  resourceType: string | null;
  resourceId: string | null;
  studyUids: string[] | null;
  patientId: string | null;
  via: string | null;
  detail: Record<string, string | number | boolean> | null;
  eventCode: string;
  eventName: string;
  eventTypeCode: string | null;
  eventAction: string;
  prevHash: string;
}

/** A stored event: the record and its hash. */
export interface AuditRow extends AuditRecord {
  hash: string;
}

/** JSON with object keys sorted at every level (arrays keep their order). */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** Canonical JSON of a row's fields: everything but prev_hash (hashed first) and the hash itself. */
export function canonicalRecord(record: AuditRecord | AuditRow): string {
  const { prevHash: _prev, hash: _hash, ...fields } = record as AuditRow;
  return canonical(fields);
}

/** hash = sha256(prev_hash ‖ canonical JSON of the row), hex. */
export function hashRecord(record: AuditRecord | AuditRow): string {
  return createHash('sha256').update(record.prevHash).update(canonicalRecord(record)).digest('hex');
}
