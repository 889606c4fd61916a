import cors from '@fastify/cors';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { LungCentreCache } from './aiviews/growth.js';
import { registerAiViewRoutes, studyGrowth } from './aiviews/routes.js';
import { installAuditHook } from './audit/hook.js';
import { registerAuditRoutes } from './audit/routes.js';
import { installAuthGuard } from './auth/guard.js';
import { registerIdentityRoutes } from './auth/register.js';
import type { ServerContext } from './context.js';
import { registerQido } from './dicomweb/qido.js';
import { registerStow } from './dicomweb/stow.js';
import { registerWado } from './dicomweb/wado.js';
import { registerEventStream } from './events/sse.js';
import { installErrorHandling } from './http/errors.js';
import { installRequestLogging, requestId } from './http/requestLog.js';
import { registerInstitutionRoutes } from './institutions/routes.js';
import { registerJobRoutes } from './jobs/routes.js';
import { createLifecycle, type Lifecycle } from './lifecycle.js';
import { registerMetrics } from './metrics/routes.js';
import { registerOutputRoutes } from './outputs/routes.js';
import { registerOversightRoutes } from './oversight/routes.js';
import { registerReportRoutes } from './reports/routes.js';
import { registerHealth } from './status/health.js';
import { defaultWebDir, registerWebApp } from './web/static.js';
import { registerWorklistRoutes } from './worklist/routes.js';

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
  // Before any route: every route is checked against its declared `access` (default deny).
  installAuthGuard(app, ctx);
  // Also before any route: one audit event per request on routes declaring `config.audit`.
  installAuditHook(app, ctx);
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
  registerIdentityRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerJobRoutes(app, ctx);
  registerAiViewRoutes(app, ctx);
  registerInstitutionRoutes(app, ctx);
  registerMetrics(app, ctx.platform.metrics);
  registerOversightRoutes(app, ctx.platform.oversight);
  registerEventStream(app, ctx, ctx.platform.oversight);
  registerWorklistRoutes(app, ctx.platform.worklist);
  const lungCentres = new LungCentreCache();
  registerReportRoutes(app, ctx.platform.reports, (principal, studyUid) =>
    studyGrowth(ctx, principal, studyUid, lungCentres),
  );
  registerOutputRoutes(app, ctx.platform.outputs);
  await app.register(
    async (dicomweb) => {
      registerQido(dicomweb, ctx);
      registerWado(dicomweb, ctx);
      registerStow(dicomweb, ctx);
    },
    { prefix: '/dicomweb' },
  );
  registerWebApp(app, ctx.config.webDir ?? defaultWebDir());
  if (options.routes) await options.routes(app, ctx);
  return app;
}
