import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import type { AuditEventInput } from './types.js';

/** What a handler adds to its request's audit event (the hook fills in the rest). */
export interface RequestAudit {
  resource?: NonNullable<AuditEventInput['resource']>;
  detail?: Record<string, string | number | boolean>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by handlers of audited routes that know more than the path (study UIDs found, counts). */
    audit: RequestAudit | null;
  }
}

interface PathParams {
  study?: string;
  series?: string;
  instance?: string;
}

/** The resource named by the route's path parameters (a WADO-RS URL names its study). */
function resourceFromPath(request: FastifyRequest): AuditEventInput['resource'] | undefined {
  const p = (request.params ?? {}) as PathParams;
  // WADO-URI names its objects in the query string.
  const uri = (request.query ?? {}) as { studyUID?: unknown; objectUID?: unknown };
  if (typeof uri.studyUID === 'string' && typeof p.study !== 'string') {
    const id = typeof uri.objectUID === 'string' ? uri.objectUID : uri.studyUID;
    return { type: typeof uri.objectUID === 'string' ? 'instance' : 'study', id, studyUids: [uri.studyUID] };
  }
  if (typeof p.study !== 'string') return undefined;
  if (typeof p.instance === 'string') return { type: 'instance', id: p.instance, studyUids: [p.study] };
  if (typeof p.series === 'string') return { type: 'series', id: p.series, studyUids: [p.study] };
  return { type: 'study', id: p.study, studyUids: [p.study] };
}

/**
 * Records one audit event per request on routes declaring `config: { audit: action }`, after the
 * response (written within about 100 ms, batched with other requests' events: AuditTrail), with
 * the outcome from the status code. Requests the auth guard refused are recorded
 * too (as failures), so attempts to reach PHI are in the trail. Install before the routes.
 */
export function installAuditHook(app: FastifyInstance, ctx: ServerContext): void {
  app.decorateRequest('audit', null);
  app.addHook('onResponse', async (request, reply) => {
    const action = request.routeOptions.config.audit;
    if (!action) return;
    const explicit = request.audit;
    const resource = explicit?.resource ?? request.routeOptions.config.auditResource ?? resourceFromPath(request);
    const status = reply.statusCode;
    // Nobody waits for it: the event may linger a little to share its INSERT with the next
    // requests' (trail.ts), and the hooks after this one (request log, metrics) do not wait.
    void ctx.platform.audit.record(
      {
        action,
        outcome: status < 400 ? 'success' : 'failure',
        ...(request.principal ? { principal: request.principal } : {}),
        address: request.ip,
        ...(resource ? { resource } : {}),
        via: `${request.method} ${request.routeOptions.url ?? ''}`,
        detail: { status, ...(explicit?.detail ?? {}) },
      },
      { linger: true },
    );
  });
}
