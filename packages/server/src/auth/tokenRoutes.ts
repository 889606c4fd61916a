import { LingshuError } from '@lingshu/dicom';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { can } from './principal.js';
import { requestAddress, sessionUser } from './routes.js';

/** /api/auth/tokens: one's own API tokens (users:admin sees and revokes everyone's). */
export function registerTokenRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const auth = ctx.platform.auth;

  app.get<{ Querystring: { all?: boolean } }>(
    '/api/auth/tokens',
    {
      config: { access: 'authenticated' },
      schema: { querystring: { type: 'object', properties: { all: { type: 'boolean' } } } },
    },
    async (request) => {
      const user = sessionUser(request);
      const all = request.query.all === true && can(user, 'users:admin');
      return { tokens: await auth.tokens.list(all ? undefined : user.id) };
    },
  );

  app.post<{ Body: { name: string; scopes?: string[]; expiresDays?: number } }>(
    '/api/auth/tokens',
    {
      config: { access: 'authenticated' },
      schema: {
        body: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            scopes: { type: 'array', items: { type: 'string', maxLength: 40 }, maxItems: 40 },
            expiresDays: { type: 'integer', minimum: 1, maximum: 3650 },
          },
        },
      },
    },
    async (request, reply) => {
      const user = sessionUser(request);
      const { token, info } = await auth.createToken(user.id, {
        name: request.body.name,
        ...(request.body.scopes ? { scopes: request.body.scopes } : {}),
        ...(request.body.expiresDays !== undefined ? { expiresDays: request.body.expiresDays } : {}),
      });
      await auth.record({
        action: 'admin',
        outcome: 'success',
        principal: user,
        address: requestAddress(request),
        via: 'POST /api/auth/tokens',
        resource: { type: 'token', id: info.id },
        detail: { change: 'token-create', scopes: (info.scopes ?? ['*']).join(' ') },
      });
      reply.header('cache-control', 'no-store');
      // The token is shown once; only its hash is stored.
      return reply.status(201).send({ token, ...info });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/auth/tokens/:id',
    { config: { access: 'authenticated' } },
    async (request, reply) => {
      const principal = request.principal;
      if (!principal || (principal.kind !== 'user' && principal.kind !== 'system'))
        throw new LingshuError('AUTH_FORBIDDEN', 'This needs a user login (not an API token)');
      const info = await auth.tokens.byPk(request.params.id);
      const mine = info?.userId === principal.id && principal.kind === 'user';
      if (!info || (!mine && !can(principal, 'users:admin')))
        throw new LingshuError('HTTP_NOT_FOUND', 'No token has this id');
      await auth.tokens.revoke(info.id);
      await auth.record({
        action: 'admin',
        outcome: 'success',
        principal,
        address: requestAddress(request),
        via: 'DELETE /api/auth/tokens/:id',
        resource: { type: 'token', id: info.id },
        detail: { change: 'token-revoke' },
      });
      return reply.status(204).send();
    },
  );
}
