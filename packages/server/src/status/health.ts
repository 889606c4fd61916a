import type { FastifyInstance } from 'fastify';
import type { Lifecycle } from '../lifecycle.js';

/**
 * Liveness and readiness for orchestrators: `/healthz` answers while the process runs;
 * `/readyz` is 200 only while the archive is open and the server is not shutting down.
 */
/** Probes are on PUBLIC_ROUTES (auth/publicRoutes.ts). */
const PUBLIC = { config: { access: 'public' as const } };

export function registerHealth(app: FastifyInstance, lifecycle: Lifecycle): void {
  app.get('/healthz', PUBLIC, async () => ({ status: 'ok' }));
  app.get('/readyz', PUBLIC, async (_request, reply) => {
    const state = lifecycle.state();
    if (state !== 'ready') return reply.status(503).header('cache-control', 'no-store').send({ status: state });
    return reply.header('cache-control', 'no-store').send({ status: 'ready' });
  });
}
