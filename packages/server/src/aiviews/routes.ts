import { NODULE_MATCH_RULES } from '@lingshu/clinical';
import { LingshuError } from '@lingshu/dicom';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { scopeOf } from '../institutions/scope.js';
import { addedFindingContours, type FindingContours, findingContours } from './contours.js';
import { compareResults, GROWTH_ANALYZER_ID, LungCentreCache, type StudyGrowth } from './growth.js';
import { addedFindingGeometry, earlierStudiesOfPatient, latestVisibleResult, loadVisibleResult } from './results.js';

const UID_RE = /^[0-9]+(\.[0-9]+)*$/;

function studyUidParam(raw: string): string {
  if (raw.length > 64 || !UID_RE.test(raw))
    throw new LingshuError('HTTP_BAD_PARAMETER', 'studyUid must be a DICOM UID', {
      details: { parameter: 'studyUid' },
    });
  return raw;
}

/**
 * A study's chest CT nodules against the newest earlier study of the same patient that has a
 * chest CT result, as far as `principal` may see them; no prior → no nodules. ARCHIVE_NOT_FOUND
 * when the study is not visible. Used by the growth route and by report drafts.
 */
export async function studyGrowth(
  ctx: ServerContext,
  principal: Principal | undefined,
  studyUid: string,
  lungCentres: LungCentreCache,
): Promise<StudyGrowth> {
  const scope = scopeOf(principal);
  const study = await ctx.archive.getStudy(studyUid, scope);
  if (!study) throw new LingshuError('ARCHIVE_NOT_FOUND', 'No visible study has this Study Instance UID');
  const current = await latestVisibleResult(ctx, principal, studyUid, GROWTH_ANALYZER_ID);
  const empty: StudyGrowth = {
    studyInstanceUID: studyUid,
    resultPk: current?.pk ?? null,
    prior: null,
    intervalDays: null,
    alignment: { method: 'none', offsetMm: [0, 0, 0] },
    matchRule: NODULE_MATCH_RULES,
    nodules: [],
    unmatched: [],
  };
  if (!current || !study.studyDate) return empty;
  for (const p of await earlierStudiesOfPatient(ctx, principal, studyUid, study.studyDate)) {
    const prior = await latestVisibleResult(ctx, principal, p.studyInstanceUID, GROWTH_ANALYZER_ID);
    if (!prior) continue;
    const compared = await compareResults(
      ctx.archive,
      scope,
      { result: current, studyDate: study.studyDate },
      { result: prior, studyDate: p.studyDate },
      lungCentres,
    );
    return {
      ...empty,
      ...compared,
      prior: { studyInstanceUID: p.studyInstanceUID, studyDate: p.studyDate, resultPk: prior.pk },
    };
  }
  return empty;
}

/**
 * The viewer's AI extras (ai:review, within the caller's institutions, audited as reads): a
 * finding's outlines from the stored SEG, and nodule growth against the newest prior.
 */
export function registerAiViewRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const lungCentres = new LungCentreCache();
  const audit = (
    request: FastifyRequest,
    studyUids: [string, ...string[]],
    via: string,
    detail: Record<string, string | number | boolean>,
  ) =>
    ctx.platform.audit.record({
      action: 'read',
      outcome: 'success',
      ...(request.principal ? { principal: request.principal } : {}),
      address: request.ip,
      resource: { type: 'study', id: studyUids[0], studyUids },
      via,
      detail,
    });

  app.get<{ Params: { resultPk: string; findingId: string } }>(
    '/api/ai-results/:resultPk/findings/:findingId/contours',
    { config: { access: 'ai:review' } },
    async (request): Promise<FindingContours> => {
      const result = await loadVisibleResult(ctx, request.principal, request.params.resultPk);
      const { findingId } = request.params;
      // Not the AI's: a finding a reader added (its drawn axes), else 404 from findingContours.
      const added = result.findings.some((f) => f.id === findingId)
        ? undefined
        : await addedFindingGeometry(ctx, result.pk, findingId);
      const contours =
        added === undefined
          ? await findingContours(ctx.archive, scopeOf(request.principal), result, findingId)
          : addedFindingContours(result, findingId, added);
      await audit(request, [result.studyInstanceUID], 'GET /api/ai-results/:resultPk/findings/:findingId/contours', {
        resultPk: result.pk,
        source: contours.source,
        slices: contours.slices.length,
      });
      return contours;
    },
  );

  app.get<{ Params: { studyUid: string } }>(
    '/api/studies/:studyUid/ai-growth',
    { config: { access: 'ai:review' } },
    async (request): Promise<StudyGrowth> => {
      const studyUid = studyUidParam(request.params.studyUid);
      const growth = await studyGrowth(ctx, request.principal, studyUid, lungCentres);
      const read: [string, ...string[]] = growth.prior ? [studyUid, growth.prior.studyInstanceUID] : [studyUid];
      await audit(request, read, 'GET /api/studies/:studyUid/ai-growth', { nodules: growth.nodules.length });
      return growth;
    },
  );
}
