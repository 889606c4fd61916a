import { LingshuError } from '@lingshu/dicom';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { sendError } from '../http/errors.js';
import { checkAuthRequired } from './authConfig.js';
import { credentialsOf } from './credentials.js';
import { PERMISSIONS, type Principal } from './principal.js';
import { publicRouteOf } from './publicRoutes.js';

/** Who an unauthenticated request is when `authRequired` is false (loopback hosts only). */
export const LOCAL_PRINCIPAL: Principal = {
  kind: 'system',
  id: 'local',
  name: 'local',
  role: 'admin',
  institutionPk: null,
  permissions: new Set(PERMISSIONS),
};

export const WWW_AUTHENTICATE = 'Bearer realm="lingshu"';

/** A route as the guard saw it being added (for the route inventory test and docs). */
export interface RouteInventoryEntry {
  method: string;
  url: string;
  access: string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route added after the guard, with its declared access. */
    routeInventory: RouteInventoryEntry[];
  }
}

function reject(request: FastifyRequest, reply: FastifyReply, err: LingshuError): FastifyReply {
  request.log.info({ code: err.code }, 'request rejected');
  if (err.code === 'AUTH_REQUIRED') reply.header('www-authenticate', WWW_AUTHENTICATE);
  return sendError(reply, err);
}

/** The principal behind the request's credentials; null when it has none; 'invalid' when they fail. */
async function resolvePrincipal(ctx: ServerContext, request: FastifyRequest): Promise<Principal | null | 'invalid'> {
  const auth = ctx.platform.auth;
  const creds = credentialsOf(request);
  switch (creds.kind) {
    case 'none':
      return null;
    case 'malformed':
      return 'invalid';
    case 'bearer':
      return (await auth.resolveToken(creds.token)) ?? 'invalid';
    case 'basic':
      return (
        (await auth.resolveBasic(creds.username, creds.password, {
          address: request.ip,
          via: `basic ${request.method} ${request.routeOptions.url ?? ''}`.trim(),
        })) ?? 'invalid'
      );
    case 'session': {
      const s = await auth.resolveSession(creds.value);
      if (!s) return 'invalid';
      request.authSession = { id: s.sessionId, reauthenticatedAt: s.reauthenticatedAt };
      return s.principal;
    }
  }
}

/**
 * The auth guard: every route declares `config.access`; a 'public' route must be on
 * PUBLIC_ROUTES (checked when the route is added), any other request needs a session cookie,
 * a Bearer API token or HTTP Basic credentials, and the route's permission. Routes without
 * `access` are refused to everyone. 401 AUTH_REQUIRED / 403 AUTH_FORBIDDEN.
 */
export function installAuthGuard(app: FastifyInstance, ctx: ServerContext): void {
  checkAuthRequired(ctx.config);
  app.decorate('routeInventory', [] as RouteInventoryEntry[]);
  app.addHook('onRoute', (route) => {
    const listed = publicRouteOf(route.method, route.url);
    const access = route.config?.access;
    if (access === undefined && listed?.plugin) route.config = { ...(route.config ?? {}), access: 'public' };
    else if (access === 'public' && !listed)
      throw new Error(`route ${String(route.method)} ${route.url} is public but not on PUBLIC_ROUTES`);
    for (const method of typeof route.method === 'string' ? [route.method] : route.method)
      app.routeInventory.push({ method, url: route.url, access: route.config?.access });
  });
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (access === 'public') return;
    const resolved = await resolvePrincipal(ctx, request);
    if (resolved === 'invalid')
      return reject(request, reply, new LingshuError('AUTH_REQUIRED', 'The credentials are invalid or expired'));
    const principal = resolved ?? (ctx.config.authRequired ? null : LOCAL_PRINCIPAL);
    if (!principal) return reject(request, reply, new LingshuError('AUTH_REQUIRED'));
    request.principal = principal;
    // No route matched: the 404 handler answers (only to authenticated callers).
    if (request.routeOptions.url === undefined) return;
    if (access === undefined) {
      request.log.error({ route: request.routeOptions.url }, 'route declares no access: refused');
      return reject(request, reply, new LingshuError('AUTH_FORBIDDEN', 'This route is not open to anyone'));
    }
    if (access !== 'authenticated' && !principal.permissions.has(access))
      return reject(request, reply, new LingshuError('AUTH_FORBIDDEN', undefined, { details: { permission: access } }));
  });
}
