import type { AnalysisResult, Finding } from '@lingshu/ai';
import type { StudySummary } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import type { Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { scopeOf } from '../institutions/scope.js';
import { type AddedFindingGeometry, parseAddedGeometry } from '../oversight/addedGeometry.js';
import { visibleTo } from '../oversight/policy.js';

/** One stored AI result as the viewer's extras need it. */
export interface ViewResult {
  pk: string;
  studyInstanceUID: string;
  analyzerId: string;
  status: string;
  segSopInstanceUID: string | null;
  finishedAt: string;
  findings: Finding[];
  seriesInstanceUID: string | null;
}

interface Row {
  pk: string;
  study_uid: string;
  institution_pk: string | null;
  analyzer_id: string;
  status: string;
  seg_sop_uid: string | null;
  finished_at: Date | string;
  result: unknown;
}

const notFound = (what: string): LingshuError =>
  new LingshuError('ARCHIVE_NOT_FOUND', `No visible ${what} has this identifier`);

function toView(row: Row): ViewResult {
  const parsed = (
    typeof row.result === 'string' ? JSON.parse(row.result) : row.result
  ) as Partial<AnalysisResult> | null;
  return {
    pk: row.pk,
    studyInstanceUID: row.study_uid,
    analyzerId: row.analyzer_id,
    status: row.status,
    segSopInstanceUID: row.seg_sop_uid,
    finishedAt: new Date(row.finished_at).toISOString(),
    findings: Array.isArray(parsed?.findings) ? parsed.findings : [],
    seriesInstanceUID: parsed?.provenance?.seriesInstanceUID ?? null,
  };
}

const SELECT = `SELECT pk::text AS pk, study_uid, institution_pk::text AS institution_pk, analyzer_id, status,
                       seg_sop_uid, finished_at, result FROM ai_results`;

/** Whether the caller may see a result: its study visible (tenancy) and its analyzer's mode shows it. */
async function visible(ctx: ServerContext, principal: Principal | undefined, row: Row): Promise<boolean> {
  if (!(await ctx.archive.getStudy(row.study_uid, scopeOf(principal)))) return false;
  return visibleTo(await ctx.platform.oversight.modeFor(row.analyzer_id, row.institution_pk), principal);
}

/** One result by pk, visible to the caller; ARCHIVE_NOT_FOUND otherwise (unknown and hidden look the same). */
export async function loadVisibleResult(
  ctx: ServerContext,
  principal: Principal | undefined,
  resultPk: string,
): Promise<ViewResult> {
  if (!/^\d{1,18}$/.test(resultPk)) throw notFound('AI result');
  const { rows } = (await ctx.archive.index.executeSql(`${SELECT} WHERE pk = $1`, [resultPk])) as { rows: Row[] };
  const row = rows[0];
  if (!row || !(await visible(ctx, principal, row))) throw notFound('AI result');
  return toView(row);
}

/** The newest ok result of an analyzer for a study that the caller may see, if any. */
export async function latestVisibleResult(
  ctx: ServerContext,
  principal: Principal | undefined,
  studyUid: string,
  analyzerId: string,
): Promise<ViewResult | undefined> {
  const { rows } = (await ctx.archive.index.executeSql(
    `${SELECT} WHERE study_uid = $1 AND analyzer_id = $2 AND status = 'ok' ORDER BY finished_at DESC, pk DESC`,
    [studyUid, analyzerId],
  )) as { rows: Row[] };
  for (const row of rows) if (await visible(ctx, principal, row)) return toView(row);
  return undefined;
}

/**
 * Other studies of the same patient (same patient record) that the caller may see, dated before
 * `before` (YYYYMMDD), newest first.
 */
export async function earlierStudiesOfPatient(
  ctx: ServerContext,
  principal: Principal | undefined,
  studyUid: string,
  before: string,
): Promise<StudySummary[]> {
  const { rows } = (await ctx.archive.index.executeSql(
    `SELECT o.study_uid FROM studies s JOIN studies o ON o.patient_pk = s.patient_pk AND o.pk <> s.pk
      WHERE s.study_uid = $1 AND o.study_date <> '' AND o.study_date < $2
      ORDER BY o.study_date DESC, o.study_time DESC`,
    [studyUid, before],
  )) as { rows: Array<{ study_uid: string }> };
  const out: StudySummary[] = [];
  for (const r of rows) {
    const s = await ctx.archive.getStudy(r.study_uid, scopeOf(principal));
    if (s) out.push(s);
  }
  return out;
}

/**
 * A finding a reader added to this result and did not withdraw: its geometry (null when added
 * without a measurement), or undefined when there is no such finding.
 */
export async function addedFindingGeometry(
  ctx: ServerContext,
  resultPk: string,
  findingId: string,
): Promise<AddedFindingGeometry | null | undefined> {
  const { rows } = (await ctx.archive.index.executeSql(
    `SELECT action, changes FROM finding_reviews WHERE result_pk = $1 AND finding_id = $2 AND action IN ('add', 'withdraw')`,
    [resultPk, findingId],
  )) as { rows: Array<{ action: string; changes: unknown }> };
  const add = rows.find((r) => r.action === 'add');
  if (!add || rows.some((r) => r.action === 'withdraw')) return undefined;
  const given = (typeof add.changes === 'string' ? JSON.parse(add.changes) : add.changes) as {
    geometry?: unknown;
  } | null;
  // Validated when stored; a row that no longer parses is drawn as nothing rather than failing the view.
  if (given?.geometry === undefined) return null;
  try {
    return parseAddedGeometry(given.geometry);
  } catch {
    return null;
  }
}
