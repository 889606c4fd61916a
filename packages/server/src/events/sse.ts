import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { can, type Principal } from '../auth/principal.js';
import type { ServerContext, ServerEventMap } from '../context.js';
import type { Notification } from '../oversight/notifications.js';
import { visibleTo } from '../oversight/policy.js';
import type { OversightService } from '../oversight/service.js';
import { type StudyTenancy, studyTenancy, tenancyVisible } from '../oversight/studyAccess.js';

/** Events the UI receives on GET /api/events (server-sent events). */
export type StreamEventName = 'study-arrived' | 'study-stable' | 'ai-job' | 'ai-result' | 'notification' | 'study-lock';

export interface EventStreamOptions {
  /** Comment line sent to keep proxies from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
  /** `study-arrived` is sent at most once per study in this window (default 5 s). */
  arrivedWindowMs?: number;
}

interface Client {
  principal: Principal;
  raw: ServerResponse;
}

const TENANCY_TTL_MS = 10_000;

/**
 * GET /api/events: one text/event-stream per signed-in client. Each event is filtered for the
 * caller: studies of institutions it cannot see are never sent; AI jobs and results follow the
 * autonomy mode (shadow results reach admins and QC only); notifications go to their reader.
 * Streams end when the server closes (preClose), so they never hold up a graceful shutdown.
 */
export function registerEventStream(
  app: FastifyInstance,
  ctx: Pick<ServerContext, 'archive' | 'events' | 'log'>,
  oversight: Pick<OversightService, 'modeFor' | 'events'>,
  options: EventStreamOptions = {},
): { clients(): number } {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const arrivedWindowMs = options.arrivedWindowMs ?? 5000;
  const clients = new Set<Client>();
  const tenancies = new Map<string, { at: number; tenancy: StudyTenancy | undefined }>();
  const arrived = new Map<string, number>();
  let seq = 0;

  const tenancyOf = async (study: string): Promise<StudyTenancy | undefined> => {
    const hit = tenancies.get(study);
    if (hit && Date.now() - hit.at < TENANCY_TTL_MS && hit.tenancy) return hit.tenancy;
    const tenancy = await studyTenancy(ctx.archive, study);
    if (tenancies.size > 5000) tenancies.clear();
    tenancies.set(study, { at: Date.now(), tenancy });
    return tenancy;
  };

  const write = (client: Client, event: StreamEventName, data: unknown): void => {
    if (client.raw.destroyed || client.raw.writableEnded) return;
    client.raw.write(`event: ${event}\nid: ${++seq}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  /** Sends to every client for which `allowed` holds (checked per client; errors drop the event). */
  const fanOut = (
    event: StreamEventName,
    data: unknown,
    allowed: (p: Principal) => boolean | Promise<boolean>,
  ): void => {
    if (clients.size === 0) return;
    void (async () => {
      for (const client of clients) {
        if (await allowed(client.principal)) write(client, event, data);
      }
    })().catch((e: unknown) => {
      ctx.log.warn({ event, kind: e instanceof Error ? e.constructor.name : typeof e }, 'event stream filter failed');
    });
  };

  const studyEvent = (event: StreamEventName, study: string, data: unknown): void =>
    fanOut(event, data, async (p) => {
      if (!can(p, 'study:read')) return false;
      const t = await tenancyOf(study);
      return t !== undefined && tenancyVisible(p, t);
    });

  const aiEvent = (event: StreamEventName, study: string, analyzerId: string, data: unknown): void =>
    fanOut(event, data, async (p) => {
      const t = await tenancyOf(study);
      if (!t || !tenancyVisible(p, t)) return false;
      return visibleTo(await oversight.modeFor(analyzerId, t.institutionPk), p);
    });

  const onStored = (e: ServerEventMap['instance-stored'][0]): void => {
    const now = Date.now();
    const last = arrived.get(e.studyInstanceUID);
    if (last !== undefined && now - last < arrivedWindowMs) return;
    if (arrived.size > 5000) for (const [k, t] of arrived) if (now - t >= arrivedWindowMs) arrived.delete(k);
    arrived.set(e.studyInstanceUID, now);
    studyEvent('study-arrived', e.studyInstanceUID, { studyInstanceUID: e.studyInstanceUID, source: e.source });
  };
  const onStable = (e: ServerEventMap['study-stable'][0]): void => {
    arrived.delete(e.studyInstanceUID);
    studyEvent('study-stable', e.studyInstanceUID, {
      studyInstanceUID: e.studyInstanceUID,
      instances: e.instances,
      stableAt: e.stableAt.toISOString(),
    });
  };
  const onJob = (e: ServerEventMap['ai-job'][0]): void =>
    aiEvent('ai-job', e.studyInstanceUID, e.analyzerId, {
      jobId: e.jobId,
      studyInstanceUID: e.studyInstanceUID,
      analyzerId: e.analyzerId,
      state: e.state,
      priority: e.priority,
      ...(e.errorCode ? { errorCode: e.errorCode } : {}),
    });
  const onLock = (e: ServerEventMap['study-lock'][0]): void => studyEvent('study-lock', e.studyInstanceUID, e);
  const onResult = (e: ServerEventMap['ai-result'][0]): void =>
    aiEvent('ai-result', e.studyInstanceUID, e.analyzerId, e);
  const onNotification = (n: Notification): void =>
    fanOut('notification', n, (p) =>
      n.userPk !== null ? n.userPk === p.id : p.institutionPk === null || p.institutionPk === n.institutionPk,
    );

  ctx.events.on('instance-stored', onStored);
  ctx.events.on('study-stable', onStable);
  ctx.events.on('ai-job', onJob);
  ctx.events.on('ai-result', onResult);
  ctx.events.on('study-lock', onLock);
  oversight.events.on('notification', onNotification);

  const heartbeat = setInterval(() => {
    for (const c of clients) if (!c.raw.destroyed) c.raw.write(': heartbeat\n\n');
  }, heartbeatMs);
  heartbeat.unref();

  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    ctx.events.off('instance-stored', onStored);
    ctx.events.off('study-stable', onStable);
    ctx.events.off('ai-job', onJob);
    ctx.events.off('ai-result', onResult);
    ctx.events.off('study-lock', onLock);
    oversight.events.off('notification', onNotification);
    for (const c of clients) c.raw.end();
    clients.clear();
  });

  app.get('/api/events', { config: { access: 'authenticated' } }, async (request, reply) => {
    const principal = request.principal;
    if (!principal) throw new Error('the auth guard did not run');
    const headers: Record<string, string | number | string[]> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v;
    reply.hijack();
    reply.raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    reply.raw.write('retry: 5000\n: connected\n\n');
    const client: Client = { principal, raw: reply.raw };
    clients.add(client);
    request.raw.on('close', () => clients.delete(client));
  });

  return { clients: () => clients.size };
}
