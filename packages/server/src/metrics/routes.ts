import type { FastifyInstance } from 'fastify';
import { EXPOSITION_CONTENT_TYPE } from './registry.js';
import type { ServerMetrics } from './serverMetrics.js';

/**
 * Records every response in `lingshu_http_request_duration_seconds` (route pattern, never the
 * raw URL) and STOW-RS body sizes in `lingshu_ingest_bytes_total`, and serves GET /metrics
 * (Prometheus text format 0.0.4) to principals with `metrics:read` (an API token with that scope).
 */
export function registerMetrics(app: FastifyInstance, metrics: ServerMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    metrics.httpDuration.observe(
      { route, method: request.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (request.method === 'POST' && route.startsWith('/dicomweb/studies') && reply.statusCode < 400) {
      const length = Number(request.headers['content-length']);
      if (Number.isFinite(length) && length > 0) metrics.ingestBytes.inc({ source: 'stow' }, length);
    }
  });
  app.get('/metrics', { config: { access: 'metrics:read' } }, async (_request, reply) => {
    const text = await metrics.registry.render();
    return reply.header('content-type', EXPOSITION_CONTENT_TYPE).header('cache-control', 'no-store').send(text);
  });
}
