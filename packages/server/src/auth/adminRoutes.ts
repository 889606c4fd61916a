import { LingshuError } from '@lingshu/dicom';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { type Principal, ROLES, type Role } from './principal.js';
import { requestAddress } from './routes.js';
import type { AuthUser } from './users.js';

const ADMIN = { access: 'users:admin' } as const;
const ID_PARAMS = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9]{1,18}$' } } } as const;
const institution = { anyOf: [{ type: 'string', minLength: 1, maxLength: 64 }, { type: 'null' }] } as const;

/** An admin bound to an institution manages only that institution's users (network-wide admins: all). */
function assertManages(principal: Principal, target: { institution: AuthUser['institution'] } | null): void {
  if (principal.institutionPk === null) return;
  if (!target || target.institution?.id !== principal.institutionPk)
    throw new LingshuError('AUTH_FORBIDDEN', 'Only network-wide administrators manage users of other institutions');
}

/** /api/admin/users: list, create, change role/institution/disabled, unlock, reset password. */
export function registerUserAdminRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const auth = ctx.platform.auth;
  const audit = async (request: FastifyRequest, via: string, id: string, detail: Record<string, string | boolean>) => {
    await auth.record({
      action: 'admin',
      outcome: 'success',
      ...(request.principal ? { principal: request.principal } : {}),
      address: requestAddress(request),
      via,
      resource: { type: 'user', id },
      detail,
    });
  };
  const target = async (request: FastifyRequest<{ Params: { id: string } }>): Promise<AuthUser> => {
    const user = await auth.getUser(request.params.id);
    if (!user) throw new LingshuError('HTTP_NOT_FOUND', 'No user has this id');
    assertManages(request.principal as Principal, user);
    return user;
  };

  app.get('/api/admin/users', { config: ADMIN }, async (request) => {
    const principal = request.principal as Principal;
    const users = await auth.listUsers();
    return {
      users:
        principal.institutionPk === null ? users : users.filter((u) => u.institution?.id === principal.institutionPk),
    };
  });

  app.post<{
    Body: { username: string; role: Role; institution?: string | null; displayName?: string; password?: string };
  }>(
    '/api/admin/users',
    {
      config: ADMIN,
      schema: {
        body: {
          type: 'object',
          required: ['username', 'role'],
          properties: {
            username: { type: 'string', minLength: 2, maxLength: 64 },
            role: { type: 'string', enum: [...ROLES] },
            institution,
            displayName: { type: 'string', maxLength: 200 },
            password: { type: 'string', minLength: 1, maxLength: 256 },
          },
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal as Principal;
      const b = request.body;
      if (principal.institutionPk !== null) {
        const pk = await auth.users.institutionPk(b.institution, b.role);
        if (pk !== principal.institutionPk) assertManages(principal, null);
      }
      const user = await auth.createUser({
        username: b.username,
        role: b.role,
        ...(b.institution !== undefined ? { institution: b.institution } : {}),
        ...(b.displayName !== undefined ? { displayName: b.displayName } : {}),
        ...(b.password !== undefined ? { password: b.password } : {}),
      });
      await audit(request, 'POST /api/admin/users', user.id, { change: 'create', role: user.role });
      return reply.status(201).send(user);
    },
  );

  app.patch<{
    Params: { id: string };
    Body: { role?: Role; institution?: string | null; displayName?: string; disabled?: boolean };
  }>(
    '/api/admin/users/:id',
    {
      config: ADMIN,
      schema: {
        params: ID_PARAMS,
        body: {
          type: 'object',
          properties: {
            role: { type: 'string', enum: [...ROLES] },
            institution,
            displayName: { type: 'string', maxLength: 200 },
            disabled: { type: 'boolean' },
          },
        },
      },
    },
    async (request) => {
      const principal = request.principal as Principal;
      const before = await target(request);
      const b = request.body;
      if (before.id === principal.id && (b.disabled === true || (b.role !== undefined && b.role !== 'admin')))
        throw new LingshuError('AUTH_FORBIDDEN', 'Administrators cannot disable or demote themselves');
      if (principal.institutionPk !== null && b.institution !== undefined) {
        const pk = await auth.users.institutionPk(b.institution, b.role ?? before.role);
        if (pk !== principal.institutionPk) assertManages(principal, null);
      }
      const user = await auth.updateUser(before.id, b);
      const detail: Record<string, string | boolean> = { change: 'update' };
      if (b.role !== undefined) detail.role = user.role;
      if (b.institution !== undefined) detail.institution = user.institution?.code ?? 'network';
      if (b.disabled !== undefined) detail.disabled = user.disabled;
      await audit(request, 'PATCH /api/admin/users/:id', user.id, detail);
      return user;
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/admin/users/:id/unlock',
    { config: ADMIN, schema: { params: ID_PARAMS } },
    async (request) => {
      const user = await target(request);
      await auth.unlockUser(user.id);
      await audit(request, 'POST /api/admin/users/:id/unlock', user.id, { change: 'unlock' });
      return (await auth.getUser(user.id)) ?? user;
    },
  );

  app.post<{ Params: { id: string }; Body: { password: string } }>(
    '/api/admin/users/:id/password',
    {
      config: ADMIN,
      schema: {
        params: ID_PARAMS,
        body: {
          type: 'object',
          required: ['password'],
          properties: { password: { type: 'string', minLength: 1, maxLength: 256 } },
        },
      },
    },
    async (request, reply) => {
      const user = await target(request);
      await auth.setPassword(user.id, request.body.password);
      await audit(request, 'POST /api/admin/users/:id/password', user.id, { change: 'password-reset' });
      return reply.status(204).send();
    },
  );
}
