import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { parseWorklistQuery } from './query.js';
import type { WorklistService } from './service.js';

function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('the auth guard did not run');
  return request.principal;
}

/** GET /api/worklist and the study locks (docs/worklist.md). */
export function registerWorklistRoutes(app: FastifyInstance, worklist: WorklistService): void {
  app.get('/api/worklist', { config: { access: 'study:read', audit: 'query' } }, async (request) => {
    const query = parseWorklistQuery(request.query);
    const page = await worklist.query(principalOf(request), query);
    request.audit = { detail: { rows: page.rows.length, total: page.total } };
    return page;
  });

  app.post<{ Params: { study: string } }>(
    '/api/studies/:study/lock',
    { config: { access: 'study:read' } },
    async (request) => worklist.locks.acquire(principalOf(request), request.params.study),
  );

  app.delete<{ Params: { study: string } }>(
    '/api/studies/:study/lock',
    { config: { access: 'study:read' } },
    async (request, reply) => {
      await worklist.locks.release(principalOf(request), request.params.study);
      return reply.status(204).send();
    },
  );
}
