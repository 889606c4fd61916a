import { LingshuError } from '@lingshu/dicom';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { clearSessionCookie, setSessionCookie } from './credentials.js';
import { PERMISSIONS, type Principal } from './principal.js';
import { REAUTH_DEFAULT_SEC } from './reauth.js';
import { type AuthUser, toAuthUser, userPrincipal } from './users.js';

const str = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;

export const LOGIN_SCHEMA = {
  body: {
    type: 'object',
    required: ['username', 'password'],
    properties: { username: str(64), password: str(256) },
  },
} as const;

/** Who the principal is, as the UI needs it. */
export function principalBody(principal: Principal, user?: AuthUser) {
  return {
    kind: principal.kind,
    user: user ?? null,
    role: principal.role,
    institution: user?.institution ?? (principal.institutionPk ? { id: principal.institutionPk } : null),
    permissions: PERMISSIONS.filter((p) => principal.permissions.has(p)),
  };
}

export function requestAddress(request: FastifyRequest): string {
  return request.ip;
}

/** The user behind a session (not a token, not the local principal), or AUTH_FORBIDDEN. */
export function sessionUser(request: FastifyRequest): Principal & { kind: 'user' } {
  const p = request.principal;
  if (p?.kind !== 'user') throw new LingshuError('AUTH_FORBIDDEN', 'This needs a user login (not an API token)');
  return p as Principal & { kind: 'user' };
}

/** /api/auth: login, logout, me, password change, re-authentication. */
export function registerAuthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const auth = ctx.platform.auth;
  const secure = ctx.config.secureCookies;

  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    { config: { access: 'public' }, schema: LOGIN_SCHEMA },
    async (request, reply) => {
      const via = 'POST /api/auth/login';
      const row = await auth.login(request.body.username, request.body.password, {
        address: requestAddress(request),
        via,
      });
      const session = await auth.createSession(String(row.pk), requestAddress(request));
      setSessionCookie(reply, request, session.cookieValue, session.expiresAt, secure);
      reply.header('cache-control', 'no-store');
      return { ...principalBody(userPrincipal(row), toAuthUser(row)), expiresAt: session.expiresAt.toISOString() };
    },
  );

  app.post('/api/auth/logout', { config: { access: 'authenticated' } }, async (request, reply) => {
    if (request.authSession) await auth.endSession(request.authSession.id);
    clearSessionCookie(reply, request, secure);
    if (request.principal?.kind === 'user')
      await auth.record({
        action: 'logout',
        outcome: 'success',
        principal: request.principal,
        address: requestAddress(request),
        via: 'POST /api/auth/logout',
      });
    return reply.status(204).send();
  });

  app.get('/api/auth/me', { config: { access: 'authenticated' } }, async (request, reply) => {
    const principal = request.principal ?? fail();
    reply.header('cache-control', 'no-store');
    if (principal.kind === 'user') return principalBody(principal, await auth.getUser(principal.id));
    return principalBody(principal);
  });

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/api/auth/password',
    {
      config: { access: 'authenticated' },
      schema: {
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          properties: { currentPassword: str(256), newPassword: str(256) },
        },
      },
    },
    async (request, reply) => {
      const user = sessionUser(request);
      await auth.changeOwnPassword(
        user.id,
        request.body.currentPassword,
        request.body.newPassword,
        request.authSession?.id,
      );
      await auth.record({
        action: 'admin',
        outcome: 'success',
        principal: user,
        address: requestAddress(request),
        via: 'POST /api/auth/password',
        resource: { type: 'user', id: user.id },
        detail: { change: 'password' },
      });
      return reply.status(204).send();
    },
  );

  app.post<{ Body: { password: string } }>(
    '/api/auth/reauth',
    {
      config: { access: 'authenticated' },
      schema: { body: { type: 'object', required: ['password'], properties: { password: str(256) } } },
    },
    async (request) => {
      const user = sessionUser(request);
      const session = request.authSession;
      if (!session) throw new LingshuError('AUTH_FORBIDDEN', 'Re-authentication needs a login session');
      const at = await auth.reauthenticate(session.id, user.id, request.body.password, {
        address: requestAddress(request),
        via: 'POST /api/auth/reauth',
      });
      return { reauthenticatedAt: at.toISOString(), validForSeconds: REAUTH_DEFAULT_SEC };
    },
  );
}

function fail(): never {
  throw new LingshuError('AUTH_REQUIRED');
}
