import cors from '@fastify/cors';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { ServerContext } from './context.js';
import { registerQido } from './dicomweb/qido.js';
import { registerStow } from './dicomweb/stow.js';
import { registerWado } from './dicomweb/wado.js';
import { installErrorHandling } from './http/errors.js';
import { installRequestLogging, requestId } from './http/requestLog.js';
import { createLifecycle, type Lifecycle } from './lifecycle.js';
import { registerHealth } from './status/health.js';

/** Registers extra routes on the app (the CLI's status page). */
export type RouteRegistrar = (app: FastifyInstance, ctx: ServerContext) => void | Promise<void>;

export interface AppOptions {
  /** Readiness state (startServer passes its own); default: ready. */
  lifecycle?: Lifecycle;
  /** Extra routes at the root (the CLI adds its bilingual status page this way). */
  routes?: RouteRegistrar;
}

/** Headers a browser viewer may read from cross-origin responses. */
const EXPOSED_HEADERS = ['x-request-id', 'warning', 'content-location', 'content-length'];

/** Builds the HTTP application (not listening): error boundary, request logs, CORS, health, DICOMweb. */
export async function buildApp(ctx: ServerContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    // Fastify's own request lines log the raw URL (PHI in query strings); ours log the route pattern.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestId,
    bodyLimit: ctx.config.maxUploadBytes,
    // Keep-alive sockets close when idle at shutdown; in-flight requests finish (bounded in server.ts).
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  installErrorHandling(app);
  installRequestLogging(app);
  if (ctx.config.corsOrigins.length > 0) {
    const any = ctx.config.corsOrigins.includes('*');
    await app.register(cors, {
      origin: any ? '*' : ctx.config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
    });
  }
  const lifecycle = options.lifecycle ?? createLifecycle('ready');
  // Responses finishing during shutdown close their keep-alive connection, so close() need not wait.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (lifecycle.state() === 'stopping') reply.header('connection', 'close');
    return payload;
  });
  registerHealth(app, lifecycle);
  await app.register(
    async (dicomweb) => {
      registerQido(dicomweb, ctx);
      registerWado(dicomweb, ctx);
      registerStow(dicomweb, ctx);
    },
    { prefix: '/dicomweb' },
  );
  if (options.routes) await options.routes(app, ctx);
  return app;
}
