import { LingshuError } from '@lingshu/dicom';
import { type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type { AuditRow } from './chain.js';
import { type AuditDb, type AuditLogTable, type AuditTables, rowOf } from './table.js';
import type { AuditAction } from './types.js';

const ACTIONS: readonly AuditAction[] = [
  'login',
  'logout',
  'query',
  'read',
  'write',
  'export',
  'share',
  'delete',
  'admin',
  'security-alert',
];

/** Filters of the admin API and `lingshu audit export`. */
export interface AuditFilter {
  /** Login name or user id of the actor. */
  user?: string;
  patient?: string;
  action?: AuditAction;
  /** Events naming this Study Instance UID. */
  study?: string;
  /** Only events of principals of this institution (institution-bound administrators). */
  institutionPk?: string;
  /** Inclusive lower bound on `at`. */
  from?: Date;
  /** Exclusive upper bound on `at`. */
  to?: Date;
}

export interface AuditPageRequest extends AuditFilter {
  /** Newest first (API pages) or oldest first (exports). */
  order: 'desc' | 'asc';
  /** seq to continue after (exclusive, in `order`). */
  cursor?: number;
  limit: number;
}

export const MAX_PAGE = 1000;

function badParameter(parameter: string, message: string): LingshuError {
  return new LingshuError('HTTP_BAD_PARAMETER', message, { details: { parameter } });
}

function parseTime(parameter: string, value: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime()))
    throw badParameter(parameter, `${parameter} must be an ISO 8601 date or date-time`);
  return d;
}

/** Parses query-string filters; a bad value is HTTP_BAD_PARAMETER naming the parameter. */
export function parseAuditFilter(query: Record<string, string | undefined>): AuditFilter {
  const filter: AuditFilter = {};
  if (query.user) filter.user = query.user;
  if (query.patient) filter.patient = query.patient;
  if (query.study) {
    if (!/^[0-9.]{1,64}$/.test(query.study)) throw badParameter('study', 'study must be a Study Instance UID');
    filter.study = query.study;
  }
  if (query.action) {
    const action = query.action as AuditAction;
    if (!ACTIONS.includes(action)) throw badParameter('action', `action must be one of ${ACTIONS.join(', ')}`);
    filter.action = action;
  }
  if (query.from) filter.from = parseTime('from', query.from);
  if (query.to) filter.to = parseTime('to', query.to);
  return filter;
}

/** Parses `limit` (1…MAX_PAGE) and `cursor` (a seq). */
export function parsePaging(
  query: Record<string, string | undefined>,
  defaultLimit: number,
): {
  limit: number;
  cursor?: number;
} {
  const limit = query.limit === undefined ? defaultLimit : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw badParameter('limit', `limit must be an integer from 1 to ${MAX_PAGE}`);
  if (query.cursor === undefined) return { limit };
  const cursor = Number(query.cursor);
  if (!/^\d{1,15}$/.test(query.cursor) || !Number.isSafeInteger(cursor))
    throw badParameter('cursor', 'cursor must be the nextCursor of a previous page');
  return { limit, cursor };
}

type AuditQuery = SelectQueryBuilder<AuditTables, 'audit_log', Selectable<AuditLogTable>>;

function applyFilter(query: AuditQuery, filter: AuditFilter): AuditQuery {
  let q = query;
  const { user, patient, action, from, to } = filter;
  if (user !== undefined)
    // API tokens act as `username/token-name`: a user's filter includes their tokens.
    q = q.where((eb) =>
      eb.or([
        eb('actor_name', '=', user),
        eb('actor_id', '=', user),
        eb('actor_name', 'like', `${user.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`),
      ]),
    );
  if (patient !== undefined)
    // The patient's own events, and events naming one of the patient's studies (WADO reads, C-MOVEs).
    q = q.where((eb) =>
      eb.or([
        eb('patient_id', '=', patient),
        sql<boolean>`study_uids && ARRAY(SELECT s.study_uid FROM studies s JOIN patients p ON p.pk = s.patient_pk WHERE p.patient_id = ${patient})`,
      ]),
    );
  if (filter.study !== undefined) q = q.where(sql<boolean>`study_uids @> ARRAY[${filter.study}]::text[]`);
  if (filter.institutionPk !== undefined) q = q.where('institution_pk', '=', filter.institutionPk);
  if (action !== undefined) q = q.where('action', '=', action);
  if (from !== undefined) q = q.where('at', '>=', from.toISOString());
  if (to !== undefined) q = q.where('at', '<', to.toISOString());
  return q;
}

/** One page of events matching the filter. */
export async function queryAudit(db: AuditDb, request: AuditPageRequest): Promise<AuditRow[]> {
  let q = applyFilter(db.selectFrom('audit_log').selectAll(), request);
  const { cursor, order } = request;
  if (cursor !== undefined) q = q.where('seq', order === 'asc' ? '>' : '<', cursor);
  const rows = await q.orderBy('seq', order).limit(request.limit).execute();
  return rows.map(rowOf);
}

/** How many events match (for an export's progress bar). */
export async function countAudit(db: AuditDb, filter: AuditFilter): Promise<number> {
  const row = await applyFilter(db.selectFrom('audit_log').selectAll(), filter)
    .clearSelect()
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Every matching event, oldest first, a page at a time (bounded memory). */
export async function* streamAudit(db: AuditDb, filter: AuditFilter, pageSize = 500): AsyncGenerator<AuditRow> {
  let cursor: number | undefined;
  for (;;) {
    const page = await queryAudit(db, {
      ...filter,
      order: 'asc',
      limit: pageSize,
      ...(cursor !== undefined ? { cursor } : {}),
    });
    yield* page;
    if (page.length < pageSize) return;
    cursor = page[page.length - 1]?.seq;
  }
}

/** One JSON line of an export (the stored row, hash fields included, so it can be re-verified). */
export function jsonLine(row: AuditRow): string {
  return `${JSON.stringify(row)}\n`;
}
