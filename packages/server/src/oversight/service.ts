import { EventEmitter } from 'node:events';
import type { Finding } from '@lingshu/ai';
import type { Archive } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AuditSink } from '../audit/types.js';
import type { Principal } from '../auth/principal.js';
import type { ServerConfig } from '../config.js';
import type { ServerEventMap } from '../context.js';
import { scopeOf } from '../institutions/scope.js';
import { migratePlatform } from '../platform/migrate.js';
import { checkAgainstImage, parseAddedGeometry, type ReferencedImage } from './addedGeometry.js';
import { criticalOf } from './critical.js';
import { OVERSIGHT_MIGRATIONS } from './migrations.js';
import { type MonitoringQuery, type MonitoringRow, monitoring } from './monitoring.js';
import { type Notification, notifyCritical, toNotification } from './notifications.js';
import { type AutonomyMode, type AutonomySetting, effectiveMode, isAutonomyMode, visibleTo } from './policy.js';
import { loadResult, type StoredResult } from './results.js';
import { studyTenancy } from './studyAccess.js';
import type { OversightTables, ReviewAction } from './tables.js';

export interface AutonomyRow extends AutonomySetting {
  institutionCode: string | null;
  updatedBy: string;
  updatedAt: string;
}

export interface ReviewInput {
  action: ReviewAction;
  reason?: string;
  /** Edits: the changed fields (measurements, type, attributes…), as the reader gave them. */
  changes?: Record<string, unknown>;
}

export interface Review {
  pk: string;
  resultPk: string;
  findingId: string;
  analyzerId: string;
  institutionPk: string;
  action: ReviewAction;
  reason: string | null;
  changes: unknown;
  userId: string;
  role: string;
  at: string;
}

/** Events of the oversight area, for the event stream. */
export interface OversightEventMap {
  notification: [Notification];
}

export interface OversightService {
  /** Every autonomy row (the `*` analyzer row is the network default for all analyzers). */
  listAutonomy(): Promise<AutonomyRow[]>;
  /** Sets one row; `institutionCode` null = network-wide for that analyzer. */
  setAutonomy(
    input: { analyzerId: string; institutionCode: string | null; mode: AutonomyMode },
    by: Principal,
  ): Promise<AutonomyRow>;
  /** The mode in force (settings cached for ≤ 5 s, so other processes' changes arrive quickly). */
  modeFor(analyzerId: string, institutionPk: string | null): Promise<AutonomyMode>;
  /** A reader's verdict on one AI finding. */
  recordReview(principal: Principal, resultPk: string, findingId: string, input: ReviewInput): Promise<Review>;
  /** A finding the AI missed, added by a reader (review action `add`). */
  addFinding(
    principal: Principal,
    resultPk: string,
    finding: Record<string, unknown>,
    reason?: string,
  ): Promise<Review>;
  /** Reviews of one result, oldest first. */
  /** Takes back a finding a reader added (`add`): it leaves the report draft and the counts of added findings. */
  withdrawFinding(principal: Principal, resultPk: string, findingId: string, reason?: string): Promise<Review>;
  reviewsOf(principal: Principal, resultPk: string): Promise<Review[]>;
  /** Creates critical-finding notifications for a stored result (idempotent per result). */
  onResultStored(resultPk: string): Promise<Notification[]>;
  notificationsFor(principal: Principal, options?: { unreadOnly?: boolean; limit?: number }): Promise<Notification[]>;
  markRead(principal: Principal, notificationPk: string): Promise<void>;
  monitoring(query: MonitoringQuery): Promise<MonitoringRow[]>;
  /** Notifications as they are created (the event stream subscribes here). */
  events: EventEmitter<OversightEventMap>;
  close(): Promise<void>;
}

export interface OversightDeps {
  archive: Archive;
  config: Pick<ServerConfig, 'criticalFindings'>;
  log: Logger;
  /** The audit trail, when the audit area is open. */
  audit?: AuditSink | undefined;
  /** The server's event bus: stored AI results are checked for critical findings. */
  events?: EventEmitter<ServerEventMap>;
}

const CACHE_MS = 5000;
const REASON_MAX = 2000;

function notFound(what: string): LingshuError {
  return new LingshuError('HTTP_NOT_FOUND', `No ${what} matches the request`);
}

function badParameter(message: string, parameter: string): LingshuError {
  return new LingshuError('HTTP_BAD_PARAMETER', message, { details: { parameter } });
}

/** Opens the oversight area (running its migrations) over the archive's database. */
export async function openOversight(deps: OversightDeps): Promise<OversightService> {
  const { archive, config, log } = deps;
  const db = archive.index.db.withTables<OversightTables>() as unknown as Kysely<OversightTables>;
  await migratePlatform(archive.index.db, 'oversight', OVERSIGHT_MIGRATIONS);
  const events = new EventEmitter<OversightEventMap>();
  let cache: { at: number; settings: AutonomySetting[] } | undefined;

  const listAutonomy = async (): Promise<AutonomyRow[]> => {
    const { rows } = (await archive.index.executeSql(
      `SELECT a.analyzer_id, a.institution_pk::text AS institution_pk, i.code, a.mode, a.updated_by, a.updated_at
         FROM autonomy a LEFT JOIN institutions i ON i.pk = a.institution_pk
        ORDER BY a.analyzer_id, a.institution_pk NULLS FIRST`,
    )) as {
      rows: Array<{
        analyzer_id: string;
        institution_pk: string | null;
        code: string | null;
        mode: AutonomyMode;
        updated_by: string;
        updated_at: Date | string;
      }>;
    };
    return rows.map((r) => ({
      analyzerId: r.analyzer_id,
      institutionPk: r.institution_pk,
      institutionCode: r.code,
      mode: r.mode,
      updatedBy: r.updated_by,
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
  };

  const settings = async (): Promise<AutonomySetting[]> => {
    if (cache && Date.now() - cache.at < CACHE_MS) return cache.settings;
    const rows = await listAutonomy();
    cache = {
      at: Date.now(),
      settings: rows.map(({ analyzerId, institutionPk, mode }) => ({ analyzerId, institutionPk, mode })),
    };
    return cache.settings;
  };

  const modeFor = async (analyzerId: string, institutionPk: string | null): Promise<AutonomyMode> =>
    effectiveMode(await settings(), analyzerId, institutionPk);

  /** The result, if the principal may see it (tenancy and autonomy); else 404 (existence is not revealed). */
  const visibleResult = async (
    principal: Principal,
    resultPk: string,
  ): Promise<{ result: StoredResult; institutionPk: string }> => {
    const result = await loadResult(archive, resultPk);
    if (!result) throw notFound('AI result');
    // Tenancy through the institutions area's scope (own institution + shares; network-wide: all).
    if (!(await archive.getStudy(result.studyInstanceUID, scopeOf(principal)))) throw notFound('AI result');
    const tenancy = await studyTenancy(archive, result.studyInstanceUID);
    if (!tenancy) throw notFound('AI result');
    if (!visibleTo(await modeFor(result.analyzerId, tenancy.institutionPk), principal)) throw notFound('AI result');
    return { result, institutionPk: tenancy.institutionPk };
  };

  const insertReview = async (
    principal: Principal,
    result: StoredResult,
    institutionPk: string,
    findingId: string,
    action: ReviewAction,
    reason: string | undefined,
    changes: unknown,
  ): Promise<Review> => {
    const row = await db
      .insertInto('finding_reviews')
      .values({
        result_pk: result.pk,
        finding_id: findingId,
        analyzer_id: result.analyzerId,
        institution_pk: institutionPk,
        action,
        reason: reason ?? null,
        changes: changes === undefined ? null : JSON.stringify(changes),
        user_id: principal.id,
        role: principal.role,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await deps.audit?.record({
      action: 'write',
      outcome: 'success',
      principal,
      resource: { type: 'study', studyUids: [result.studyInstanceUID] },
      via:
        action === 'add'
          ? 'POST /api/ai-results/:resultPk/findings'
          : action === 'withdraw'
            ? 'DELETE /api/ai-results/:resultPk/findings/:findingId'
            : 'POST /api/ai-results/:resultPk/findings/:findingId/review',
      detail: { review: action, analyzer: result.analyzerId, resultPk: result.pk, findingId },
    });
    return toReview(row);
  };

  const notificationsFor = async (
    principal: Principal,
    options: { unreadOnly?: boolean; limit?: number } = {},
  ): Promise<Notification[]> => {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    let q = db.selectFrom('notifications').selectAll().orderBy('created_at', 'desc').orderBy('pk', 'desc').limit(limit);
    q = q.where((eb) =>
      eb.or([
        eb('user_pk', '=', principal.id),
        principal.institutionPk === null
          ? eb('user_pk', 'is', null)
          : eb.and([eb('user_pk', 'is', null), eb('institution_pk', '=', principal.institutionPk)]),
      ]),
    );
    if (options.unreadOnly) q = q.where('read_at', 'is', null);
    return (await q.execute()).map(toNotification);
  };

  /** An image of the study by SOP Instance UID: its size and how many frames its series' stack has. */
  const referencedImage = async (sopUid: string, studyUid: string): Promise<ReferencedImage | undefined> => {
    const { rows } = (await archive.index.executeSql(
      `SELECT i.rows, i.columns, (SELECT sum(COALESCE(j.number_of_frames, 1))::int FROM instances j WHERE j.series_pk = i.series_pk) AS n
         FROM instances i JOIN series s ON s.pk = i.series_pk JOIN studies st ON st.pk = s.study_pk
        WHERE i.sop_uid = $1 AND st.study_uid = $2`,
      [sopUid, studyUid],
    )) as { rows: Array<{ rows: number | null; columns: number | null; n: number }> };
    const r = rows[0];
    return r ? { rows: Number(r.rows ?? 0), columns: Number(r.columns ?? 0), seriesImages: Number(r.n) } : undefined;
  };

  const checkReason = (reason: unknown): string | undefined => {
    if (reason === undefined || reason === null) return undefined;
    if (typeof reason !== 'string' || reason.length > REASON_MAX)
      throw badParameter(`reason must be text of at most ${REASON_MAX} characters`, 'reason');
    return reason;
  };

  const service: OversightService = {
    events,
    listAutonomy,
    modeFor,
    async setAutonomy(input, by) {
      if (typeof input.analyzerId !== 'string' || !/^(\*|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$/.test(input.analyzerId))
        throw badParameter('analyzerId must be an analyzer id or *', 'analyzerId');
      if (!isAutonomyMode(input.mode))
        throw badParameter('mode must be one of off, shadow, assist, triage, draft', 'mode');
      let institutionPk: string | null = null;
      if (input.institutionCode !== null) {
        const { rows } = (await archive.index.executeSql('SELECT pk::text AS pk FROM institutions WHERE code = $1', [
          input.institutionCode,
        ])) as { rows: Array<{ pk: string }> };
        institutionPk = rows[0]?.pk ?? null;
        if (institutionPk === null) throw badParameter('no institution has this code', 'institution');
      }
      await archive.index.executeSql(
        `INSERT INTO autonomy (analyzer_id, institution_pk, mode, updated_by, updated_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (analyzer_id, (COALESCE(institution_pk, 0)))
         DO UPDATE SET mode = EXCLUDED.mode, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [input.analyzerId, institutionPk, input.mode, by.name],
      );
      cache = undefined;
      await deps.audit?.record({
        action: 'admin',
        outcome: 'success',
        principal: by,
        resource: { type: 'rule', id: `autonomy:${input.analyzerId}:${input.institutionCode ?? '*'}` },
        via: 'PUT /api/admin/autonomy',
        detail: { mode: input.mode },
      });
      const row = (await listAutonomy()).find(
        (r) => r.analyzerId === input.analyzerId && r.institutionPk === institutionPk,
      );
      if (!row) throw new LingshuError('INTERNAL');
      return row;
    },
    async recordReview(principal, resultPk, findingId, input) {
      if (!['accept', 'edit', 'reject'].includes(input.action))
        throw badParameter(
          'action must be accept, edit or reject (add a missed finding with POST …/findings)',
          'action',
        );
      const reason = checkReason(input.reason);
      if (
        input.changes !== undefined &&
        (typeof input.changes !== 'object' || input.changes === null || Array.isArray(input.changes))
      )
        throw badParameter('changes must be an object', 'changes');
      if (input.action === 'edit' && (!input.changes || Object.keys(input.changes).length === 0))
        throw badParameter('an edit needs the changes', 'changes');
      const { result, institutionPk } = await visibleResult(principal, resultPk);
      if (!result.findings.some((f: Finding) => f.id === findingId)) throw notFound('finding of this AI result');
      return insertReview(principal, result, institutionPk, findingId, input.action, reason, input.changes);
    },
    async addFinding(principal, resultPk, finding, reason) {
      if (typeof finding !== 'object' || finding === null || Array.isArray(finding))
        throw badParameter('finding must be an object', 'finding');
      if (typeof finding.type !== 'string' || finding.type === '')
        throw badParameter('finding.type is required', 'finding.type');
      const geometry = finding.geometry === undefined ? undefined : parseAddedGeometry(finding.geometry);
      const checkedReason = checkReason(reason);
      const { result, institutionPk } = await visibleResult(principal, resultPk);
      if (geometry) {
        const image = await referencedImage(geometry.referencedSopInstanceUID, result.studyInstanceUID);
        if (!image)
          throw new LingshuError('HTTP_BAD_PARAMETER', 'The referenced image is not an image of this study', {
            details: { parameter: 'finding.geometry.referencedSopInstanceUID' },
          });
        checkAgainstImage(geometry, image);
      }
      const findingId = `reader-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
      const stored = geometry ? { ...finding, geometry } : finding;
      return insertReview(principal, result, institutionPk, findingId, 'add', checkedReason, stored);
    },
    async withdrawFinding(principal, resultPk, findingId, reason) {
      const { result, institutionPk } = await visibleResult(principal, resultPk);
      const actions = (
        await db
          .selectFrom('finding_reviews')
          .select('action')
          .where('result_pk', '=', resultPk)
          .where('finding_id', '=', findingId)
          .execute()
      ).map((r) => r.action);
      // Only what a reader added can be withdrawn (AI findings are rejected instead), and once.
      if (!actions.includes('add') || actions.includes('withdraw')) throw notFound('added finding of this AI result');
      return insertReview(principal, result, institutionPk, findingId, 'withdraw', checkReason(reason), undefined);
    },
    async reviewsOf(principal, resultPk) {
      await visibleResult(principal, resultPk);
      const rows = await db
        .selectFrom('finding_reviews')
        .selectAll()
        .where('result_pk', '=', resultPk)
        .orderBy('pk')
        .execute();
      return rows.map(toReview);
    },
    async onResultStored(resultPk) {
      const result = await loadResult(archive, resultPk);
      if (result?.status !== 'ok') return [];
      const tenancy = await studyTenancy(archive, result.studyInstanceUID);
      if (!tenancy) return [];
      const mode = await modeFor(result.analyzerId, tenancy.institutionPk);
      const critical = criticalOf(result, config.criticalFindings);
      const created = await notifyCritical(archive, { result, institutionPk: tenancy.institutionPk, mode, critical });
      for (const n of created) events.emit('notification', n);
      if (created.length > 0)
        log.info({ analyzer: result.analyzerId, notifications: created.length }, 'critical finding notified');
      return created;
    },
    notificationsFor,
    async markRead(principal, notificationPk) {
      if (!/^\d{1,18}$/.test(notificationPk)) throw notFound('notification');
      const row = await db
        .selectFrom('notifications')
        .select(['user_pk', 'institution_pk'])
        .where('pk', '=', notificationPk)
        .executeTakeFirst();
      const own =
        row !== undefined &&
        (row.user_pk !== null
          ? row.user_pk === principal.id
          : principal.institutionPk === null || String(row.institution_pk) === principal.institutionPk);
      if (!own) throw notFound('notification');
      await db
        .updateTable('notifications')
        .set({ read_at: new Date() })
        .where('pk', '=', notificationPk)
        .where('read_at', 'is', null)
        .execute();
    },
    monitoring: (query) => monitoring(archive, query),
    close: async () => {
      deps.events?.off('ai-result', onResult);
      await Promise.allSettled(pending);
      events.removeAllListeners();
    },
  };
  // Critical findings are checked as results arrive; a failure is logged, the result stays stored.
  const pending = new Set<Promise<unknown>>();
  const onResult = (e: ServerEventMap['ai-result'][0]): void => {
    if (e.status !== 'ok' || e.findings === 0) return;
    const p = service
      .onResultStored(e.resultPk)
      .catch((err: unknown) => {
        log.error({ kind: err instanceof Error ? err.constructor.name : typeof err }, 'critical-finding check failed');
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  deps.events?.on('ai-result', onResult);
  return service;
}

function iso(v: Date | string): string {
  return new Date(v).toISOString();
}

function toReview(r: {
  pk: string;
  result_pk: string;
  finding_id: string;
  analyzer_id: string;
  institution_pk: string;
  action: ReviewAction;
  reason: string | null;
  changes: unknown;
  user_id: string;
  role: string;
  at: Date;
}): Review {
  return {
    pk: String(r.pk),
    resultPk: String(r.result_pk),
    findingId: r.finding_id,
    analyzerId: r.analyzer_id,
    institutionPk: String(r.institution_pk),
    action: r.action,
    reason: r.reason,
    changes: r.changes ?? null,
    userId: r.user_id,
    role: r.role,
    at: iso(r.at),
  };
}
