import type { FastifyInstance } from 'fastify';
import type { Lifecycle } from '../lifecycle.js';

/**
 * Liveness and readiness for orchestrators: `/healthz` answers while the process runs;
 * `/readyz` is 200 only while the archive is open and the server is not shutting down.
 */
export function registerHealth(app: FastifyInstance, lifecycle: Lifecycle): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const state = lifecycle.state();
    if (state !== 'ready') return reply.status(503).header('cache-control', 'no-store').send({ status: state });
    return reply.header('cache-control', 'no-store').send({ status: 'ready' });
  });
}
