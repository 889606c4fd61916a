import { LingshuError } from '@lingshu/dicom';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { MonitoringQuery } from './monitoring.js';
import type { AutonomyMode } from './policy.js';
import type { OversightService, ReviewInput } from './service.js';

function principalOf(request: FastifyRequest): Principal {
  // The auth guard sets it on every non-public route; its absence is a wiring bug, not a client error.
  if (!request.principal) throw new Error('the auth guard did not run');
  return request.principal;
}

function objectBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new LingshuError('HTTP_BAD_PARAMETER', 'The request body must be a JSON object', {
      details: { parameter: 'body' },
    });
  return body as Record<string, unknown>;
}

function optionalString(q: Record<string, unknown>, key: string): string | undefined {
  const v = q[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > 200)
    throw new LingshuError('HTTP_BAD_PARAMETER', `${key} must be a short text`, { details: { parameter: key } });
  return v;
}

/**
 * Oversight REST: autonomy settings (ai:admin), reviews of AI findings (ai:review), AI
 * monitoring (qc:read) and the caller's notifications (any signed-in principal, own only).
 */
export function registerOversightRoutes(app: FastifyInstance, oversight: OversightService): void {
  app.get('/api/admin/autonomy', { config: { access: 'ai:admin' } }, async () => ({
    modes: ['off', 'shadow', 'assist', 'triage', 'draft'],
    settings: await oversight.listAutonomy(),
  }));

  app.put('/api/admin/autonomy', { config: { access: 'ai:admin' } }, async (request) => {
    const body = objectBody(request);
    const institution = body.institution === undefined ? null : body.institution;
    if (institution !== null && typeof institution !== 'string')
      throw new LingshuError('HTTP_BAD_PARAMETER', 'institution must be an institution code or null', {
        details: { parameter: 'institution' },
      });
    return oversight.setAutonomy(
      { analyzerId: body.analyzerId as string, institutionCode: institution, mode: body.mode as AutonomyMode },
      principalOf(request),
    );
  });

  app.post<{ Params: { resultPk: string; findingId: string } }>(
    '/api/ai-results/:resultPk/findings/:findingId/review',
    { config: { access: 'ai:review' } },
    async (request, reply) => {
      const body = objectBody(request);
      const review = await oversight.recordReview(
        principalOf(request),
        request.params.resultPk,
        request.params.findingId,
        {
          action: body.action as ReviewInput['action'],
          ...(body.reason !== undefined ? { reason: body.reason as string } : {}),
          ...(body.changes !== undefined ? { changes: body.changes as Record<string, unknown> } : {}),
        },
      );
      return reply.status(201).send(review);
    },
  );

  app.post<{ Params: { resultPk: string } }>(
    '/api/ai-results/:resultPk/findings',
    { config: { access: 'ai:review' } },
    async (request, reply) => {
      const body = objectBody(request);
      const review = await oversight.addFinding(
        principalOf(request),
        request.params.resultPk,
        body.finding as Record<string, unknown>,
        body.reason as string | undefined,
      );
      return reply.status(201).send(review);
    },
  );

  app.delete<{ Params: { resultPk: string; findingId: string } }>(
    '/api/ai-results/:resultPk/findings/:findingId',
    { config: { access: 'ai:review' } },
    async (request) =>
      oversight.withdrawFinding(principalOf(request), request.params.resultPk, request.params.findingId),
  );

  app.get<{ Params: { resultPk: string } }>(
    '/api/ai-results/:resultPk/reviews',
    { config: { access: 'ai:review' } },
    async (request) => ({ reviews: await oversight.reviewsOf(principalOf(request), request.params.resultPk) }),
  );

  app.get('/api/monitoring/ai', { config: { access: 'qc:read' } }, async (request) => {
    const q = (request.query ?? {}) as Record<string, unknown>;
    const query: MonitoringQuery = {};
    for (const key of ['analyzerId', 'institution', 'from', 'to'] as const) {
      const v = optionalString(q, key);
      if (v !== undefined) query[key] = v;
    }
    return { query, generatedAt: new Date().toISOString(), rows: await oversight.monitoring(query) };
  });

  app.get('/api/notifications', { config: { access: 'authenticated' } }, async (request) => {
    const q = (request.query ?? {}) as Record<string, unknown>;
    const unread = optionalString(q, 'unread');
    const limit = optionalString(q, 'limit');
    if (limit !== undefined && !/^\d{1,3}$/.test(limit))
      throw new LingshuError('HTTP_BAD_PARAMETER', 'limit must be 1–500', { details: { parameter: 'limit' } });
    return {
      notifications: await oversight.notificationsFor(principalOf(request), {
        unreadOnly: unread === 'true' || unread === '1',
        ...(limit !== undefined ? { limit: Number(limit) } : {}),
      }),
    };
  });

  app.post<{ Params: { id: string } }>(
    '/api/notifications/:id/read',
    { config: { access: 'authenticated' } },
    async (request, reply) => {
      await oversight.markRead(principalOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
}
