import { LingshuError } from '@lingshu/dicom';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { StudyGrowth } from '../aiviews/growth.js';
import type { Principal } from '../auth/principal.js';
import { REAUTH_DEFAULT_SEC, requireRecentReauth } from '../auth/reauth.js';
import type { ReportService } from './service.js';

type StudyParams = { Params: { study: string } };

function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('the auth guard did not run');
  return request.principal;
}

function body(request: FastifyRequest): Record<string, unknown> {
  const b = request.body ?? {};
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw new LingshuError('HTTP_BAD_PARAMETER', 'The request body must be a JSON object', {
      details: { parameter: 'body' },
    });
  return b as Record<string, unknown>;
}

function optionalText(b: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > max)
    throw new LingshuError('HTTP_BAD_PARAMETER', `${key} must be a text of at most ${max} characters`, {
      details: { parameter: key },
    });
  return v;
}

const MAX_SECTION = 20_000;

/**
 * Structured report routes (docs/reports.md "Server API"). Every route is audited; the report
 * text never goes to the application log.
 */
export function registerReportRoutes(
  app: FastifyInstance,
  reports: ReportService,
  /** The study's nodule growth against its prior, for the draft (none: drafts without it). */
  growthOf?: (principal: Principal | undefined, studyUid: string) => Promise<StudyGrowth>,
): void {
  const read = { access: 'study:read' as const, audit: 'read' as const };
  const write = { access: 'report:write' as const, audit: 'write' as const };
  const sign = { access: 'report:sign' as const, audit: 'write' as const };

  app.get<StudyParams>('/api/studies/:study/report', { config: read }, async (request) =>
    reports.get(principalOf(request), request.params.study),
  );

  app.post<StudyParams>('/api/studies/:study/report', { config: write }, async (request, reply) => {
    const b = body(request);
    const language = optionalText(b, 'language', 10);
    const templateId = optionalText(b, 'templateId', 40);
    // A draft without the comparison is better than no draft: a failed comparison is only logged.
    const growth = growthOf
      ? await growthOf(request.principal, request.params.study).catch((e: unknown) => {
          request.log.warn(
            { code: e instanceof LingshuError ? e.code : 'ERROR' },
            'report draft without nodule growth',
          );
          return undefined;
        })
      : undefined;
    const stored = await reports.createDraft(principalOf(request), request.params.study, {
      ...(language !== undefined ? { language: language as 'zh-CN' | 'en' } : {}),
      ...(templateId !== undefined ? { templateId: templateId as 'chest-ct' | 'generic' } : {}),
      ...(growth?.prior ? { growth } : {}),
    });
    return reply.status(201).send(stored);
  });

  app.put<StudyParams>('/api/studies/:study/report/draft', { config: write }, async (request) => {
    const b = body(request);
    const version = b.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
      throw new LingshuError('HTTP_BAD_PARAMETER', 'version must be the version number the editor loaded', {
        details: { parameter: 'version' },
      });
    let sections: Record<string, string> | undefined;
    if (b.sections !== undefined) {
      if (typeof b.sections !== 'object' || b.sections === null || Array.isArray(b.sections))
        throw new LingshuError('HTTP_BAD_PARAMETER', 'sections must be an object', {
          details: { parameter: 'sections' },
        });
      sections = {};
      for (const key of Object.keys(b.sections as Record<string, unknown>)) {
        if (key !== 'method' && key !== 'findings' && key !== 'impression')
          throw new LingshuError('HTTP_BAD_PARAMETER', 'sections has method, findings and impression only', {
            details: { parameter: `sections.${key}`.slice(0, 60) },
          });
        const text = optionalText(b.sections as Record<string, unknown>, key, MAX_SECTION);
        if (text !== undefined) sections[key] = text;
      }
    }
    const recommendation = optionalText(b, 'recommendation', MAX_SECTION);
    return reports.saveDraft(principalOf(request), request.params.study, {
      version,
      ...(sections ? { sections } : {}),
      ...(recommendation !== undefined ? { recommendation } : {}),
    });
  });

  app.post<StudyParams>(
    '/api/studies/:study/report/qc',
    { config: { access: 'report:write', audit: 'read' } },
    async (request) => reports.qc(principalOf(request), request.params.study),
  );

  app.post<StudyParams>('/api/studies/:study/report/sign', { config: sign }, async (request) => {
    requireRecentReauth(request, REAUTH_DEFAULT_SEC);
    const overrideReason = optionalText(body(request), 'overrideReason', 2000);
    return reports.sign(principalOf(request), request.params.study, {
      ...(overrideReason !== undefined ? { overrideReason } : {}),
    });
  });

  app.post<StudyParams>('/api/studies/:study/report/addenda', { config: sign }, async (request, reply) => {
    const text = optionalText(body(request), 'text', MAX_SECTION);
    if (text === undefined)
      throw new LingshuError('HTTP_BAD_PARAMETER', 'text is required', { details: { parameter: 'text' } });
    return reply.status(201).send(await reports.addAddendum(principalOf(request), request.params.study, text));
  });

  app.get<StudyParams>('/api/studies/:study/report/versions', { config: read }, async (request) => ({
    versions: await reports.versions(principalOf(request), request.params.study),
  }));
}
