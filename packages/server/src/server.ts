import type { AddressInfo } from 'node:net';
import { Archive } from '@lingshu/archive';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { buildApp, type RouteRegistrar } from './app.js';
import { seedDemoUsers, warnWhenNoUsers } from './auth/demoUsers.js';
import type { ServerConfig } from './config.js';
import type { ServerContext } from './context.js';
import { type DimseListener, startDimse } from './dimse/scp.js';
import { type StableStudyTracker, trackStableStudies } from './events/stableStudies.js';
import { createLifecycle } from './lifecycle.js';
import { openContext } from './platform/open.js';

export interface StartOptions {
  /** Structured log (default: pino JSON on stdout at `config.logLevel`). */
  log?: Logger;
  /** Extra root routes (the CLI's status page). */
  routes?: RouteRegistrar;
  /**
   * Runs once after the server listens when the archive is empty and `config.demo` is on
   * (the CLI imports its demo studies here). It should stop early when `signal` aborts.
   */
  seedDemo?: (ctx: ServerContext, signal: AbortSignal) => Promise<void>;
  /** Longest wait for in-flight requests at shutdown before connections are cut (default 10 s). */
  shutdownGraceMs?: number;
}

export interface RunningServer {
  /** `http://host:port` of the HTTP listener (no trailing slash). */
  httpUrl: string;
  /** The DIMSE listener's port, or null when DIMSE is off. */
  dicomPort: number | null;
  archive: Archive;
  ctx: ServerContext;
  app: FastifyInstance;
  /** Resolves when the first-start demo import is done (immediately when there is none). */
  demoDone: Promise<void>;
  /** Graceful shutdown; safe to call more than once. */
  close(): Promise<void>;
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

async function withDeadline(work: Promise<unknown>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve();
    }, ms);
  });
  await Promise.race([work.then(() => undefined), deadline]);
  clearTimeout(timer);
}

/**
 * Opens the archive, builds the HTTP app, listens on config.host:httpPort, starts DIMSE when
 * `dicomPort` is not null, tracks study-stable events and (on an empty archive) seeds the demo.
 */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? pino({ level: config.logLevel, base: { service: 'lingshu' } });
  const lifecycle = createLifecycle('starting');
  const archive = await Archive.open({
    dataDir: config.dataDir,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.dbSchema ? { schema: config.dbSchema } : {}),
  });
  let ctx: ServerContext;
  try {
    ctx = await openContext(archive, config, log);
  } catch (e) {
    await archive.close();
    throw e;
  }
  const events = ctx.events;
  let tracker: StableStudyTracker | undefined;
  let app: FastifyInstance | undefined;
  let dimse: DimseListener | undefined;
  try {
    tracker = trackStableStudies(events, config.stableAfterMs);
    events.on('study-stable', (e) => log.info({ instances: e.instances }, 'study stable'));
    app = await buildApp(ctx, { lifecycle, ...(options.routes ? { routes: options.routes } : {}) });
    await app.listen({ host: config.host, port: config.httpPort });
    if (config.dicomPort !== null) dimse = await startDimse(ctx);
    // AI analyses in this process (0 = only queue; `lingshu worker` processes analyse).
    if (config.aiWorkers > 0) await ctx.platform.jobs.startWorkers(config.aiWorkers);
  } catch (e) {
    tracker?.close();
    await app?.close();
    await ctx.platform.close();
    await archive.close();
    throw e;
  }
  const httpUrl = urlOf(app.server.address() as AddressInfo);
  lifecycle.set('ready');
  log.info({ dicomPort: dimse?.port ?? null }, 'lingshu server ready');

  const abort = new AbortController();
  let demoDone: Promise<void> = Promise.resolve();
  if (config.demo && options.seedDemo && (await archive.counts()).instances === 0) {
    // Demo accounts (one documented password) come with the demo data only, on a first start.
    await seedDemoUsers(ctx.platform.auth, log);
    const seed = options.seedDemo;
    demoDone = seed(ctx, abort.signal).catch((e: unknown) => {
      log.error({ kind: e instanceof Error ? e.constructor.name : typeof e }, 'demo import failed');
    });
  } else await warnWhenNoUsers(ctx.platform.auth, log);

  const running = app;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      lifecycle.set('stopping');
      abort.abort();
      const grace = options.shutdownGraceMs ?? 10_000;
      // Stop accepting and let in-flight requests finish; cut what is still open after the grace.
      await withDeadline(running.close(), grace, () => {
        log.warn('shutdown grace period over; closing open connections');
        running.server.closeAllConnections();
      });
      await dimse?.close();
      await demoDone;
      tracker?.close();
      await ctx.platform.close();
      events.removeAllListeners();
      await archive.close();
      lifecycle.set('stopped');
      log.info('lingshu server stopped');
    })();
    return closing;
  };
  return { httpUrl, dicomPort: dimse?.port ?? null, archive, ctx, app: running, demoDone, close };
}
