import { PRIORITIES, type Priority } from '@lingshu/ai';
import { LingshuError } from '@lingshu/dicom';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { scopeOf } from '../institutions/scope.js';
import { visibleTo } from '../oversight/policy.js';
import { JOB_STATES, type StoredResult } from './queries.js';

const UID_RE = /^[0-9]+(\.[0-9]+)*$/;

function studyUidParam(raw: string): string {
  if (raw.length > 64 || !UID_RE.test(raw))
    throw new LingshuError('HTTP_BAD_PARAMETER', 'studyUid must be a DICOM UID', {
      details: { parameter: 'studyUid' },
    });
  return raw;
}

function priorityParam(raw: unknown): Priority | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !(PRIORITIES as readonly string[]).includes(raw))
    throw new LingshuError('HTTP_BAD_PARAMETER', `priority must be one of ${PRIORITIES.join(', ')}`, {
      details: { parameter: 'priority' },
    });
  return raw as Priority;
}

function body(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new LingshuError('HTTP_BAD_PARAMETER', 'The request body must be a JSON object');
  return raw as Record<string, unknown>;
}

/**
 * AI orchestration REST: routing rules and their dry-run (ai:admin), jobs and dead letters
 * (jobs:admin), manual analysis and a study's results (ai:review, within the caller's institutions).
 */
export function registerJobRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const jobs = ctx.platform.jobs;

  app.get('/api/admin/rules', { config: { access: 'ai:admin' } }, async () => ({ rules: await jobs.rules() }));

  app.put('/api/admin/rules', { config: { access: 'ai:admin' } }, async (request) => {
    const b = request.body as unknown;
    const raw = Array.isArray(b) ? b : body(b).rules;
    const rules = await jobs.setRules(raw, request.principal?.name ?? 'unknown');
    await ctx.platform.audit.record({
      action: 'admin',
      outcome: 'success',
      ...(request.principal ? { principal: request.principal } : {}),
      address: request.ip,
      resource: { type: 'rule' },
      via: 'PUT /api/admin/rules',
      detail: { rules: rules.length },
    });
    return { rules };
  });

  app.post('/api/admin/rules/dry-run', { config: { access: 'ai:admin' } }, async (request) => {
    const b = body(request.body);
    if (typeof b.studyUid !== 'string')
      throw new LingshuError('HTTP_BAD_PARAMETER', 'studyUid is required', { details: { parameter: 'studyUid' } });
    return jobs.dryRun(studyUidParam(b.studyUid), priorityParam(b.priority));
  });

  app.get<{ Querystring: { state?: string; study?: string; limit?: string } }>(
    '/api/admin/jobs',
    { config: { access: 'jobs:admin' } },
    async (request) => {
      const { state, study, limit } = request.query;
      if (state !== undefined && !(JOB_STATES as readonly string[]).includes(state))
        throw new LingshuError('HTTP_BAD_PARAMETER', `state must be one of ${JOB_STATES.join(', ')}`, {
          details: { parameter: 'state' },
        });
      const n = limit === undefined ? 100 : Number(limit);
      if (!Number.isInteger(n) || n < 1 || n > 1000)
        throw new LingshuError('HTTP_BAD_PARAMETER', 'limit must be 1–1000', { details: { parameter: 'limit' } });
      return {
        jobs: await jobs.listJobs({
          ...(state ? { state: state as (typeof JOB_STATES)[number] } : {}),
          ...(study ? { studyUid: studyUidParam(study) } : {}),
          limit: n,
        }),
      };
    },
  );

  app.get<{ Params: { id: string } }>('/api/admin/jobs/:id', { config: { access: 'jobs:admin' } }, async (request) =>
    jobs.getJob(request.params.id),
  );

  // Admin actions on one job: run it, record who did it, answer with the job's new state.
  const actions = { retry: jobs.retryJob, cancel: jobs.cancelJob } as const;
  for (const [name, act] of Object.entries(actions)) {
    const url = `/api/admin/jobs/:id/${name}`;
    app.post<{ Params: { id: string } }>(url, { config: { access: 'jobs:admin' } }, async (request) => {
      await act(request.params.id);
      await ctx.platform.audit.record({
        action: 'admin',
        outcome: 'success',
        ...(request.principal ? { principal: request.principal } : {}),
        address: request.ip,
        resource: { type: 'job', id: request.params.id },
        via: `POST ${url}`,
      });
      return jobs.getJob(request.params.id);
    });
  }

  app.post<{ Params: { studyUid: string } }>(
    '/api/studies/:studyUid/analyze',
    { config: { access: 'ai:review' } },
    async (request, reply) => {
      const studyUid = studyUidParam(request.params.studyUid);
      // Only studies the caller may see can be analysed on request.
      if (!(await ctx.archive.getStudy(studyUid, scopeOf(request.principal))))
        throw new LingshuError('ARCHIVE_NOT_FOUND', 'No visible study has this Study Instance UID');
      const b = body(request.body);
      const analyzerIds = b.analyzers === undefined ? undefined : b.analyzers;
      if (
        analyzerIds !== undefined &&
        (!Array.isArray(analyzerIds) || !analyzerIds.every((a) => typeof a === 'string'))
      )
        throw new LingshuError('HTTP_BAD_PARAMETER', 'analyzers must be a list of analyzer ids', {
          details: { parameter: 'analyzers' },
        });
      const priority = priorityParam(b.priority);
      const queued = await jobs.enqueueForStudy(studyUid, {
        reason: 'manual',
        ...(priority ? { priority } : {}),
        ...(analyzerIds ? { analyzerIds: analyzerIds as string[] } : {}),
      });
      reply.code(202);
      return { jobs: queued };
    },
  );

  app.get<{ Params: { studyUid: string } }>(
    '/api/studies/:studyUid/ai-results',
    { config: { access: 'ai:review' } },
    async (request) => {
      const studyUid = studyUidParam(request.params.studyUid);
      // Tenancy: a study the caller cannot see has no visible results (indistinguishable from unknown).
      if (!(await ctx.archive.getStudy(studyUid, scopeOf(request.principal))))
        throw new LingshuError('ARCHIVE_NOT_FOUND', 'No visible study has this Study Instance UID');
      // Autonomy: shadow results are shown to admins and QC only, 'off' ones to nobody.
      const results: StoredResult[] = [];
      for (const r of await jobs.results(studyUid, null)) {
        if (visibleTo(await ctx.platform.oversight.modeFor(r.analyzerId, r.institutionPk), request.principal))
          results.push(r);
      }
      await ctx.platform.audit.record({
        action: 'read',
        outcome: 'success',
        ...(request.principal ? { principal: request.principal } : {}),
        address: request.ip,
        resource: { type: 'study', id: studyUid, studyUids: [studyUid] },
        via: 'GET /api/studies/:studyUid/ai-results',
        detail: { results: results.length },
      });
      return { results };
    },
  );
}
