import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { registerUserAdminRoutes } from './adminRoutes.js';
import { registerOidcRoutes } from './oidcRoutes.js';
import { registerAuthRoutes } from './routes.js';
import { registerTokenRoutes } from './tokenRoutes.js';

/** Every identity route: /api/auth (login, tokens, SSO) and /api/admin/users. */
export function registerIdentityRoutes(app: FastifyInstance, ctx: ServerContext): void {
  registerAuthRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerUserAdminRoutes(app, ctx);
  registerOidcRoutes(app, ctx);
}
