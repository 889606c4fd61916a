import type { Permission, Principal } from './principal.js';

/**
 * What a route requires, declared on every route as `config: { access }`:
 * 'public' (listed in PUBLIC_ROUTES, no login), 'authenticated' (any logged-in principal),
 * or one permission. A route without `access` is refused to everyone (default deny).
 */
export type Access = 'public' | 'authenticated' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** Set by the auth guard before any handler runs; undefined only on public routes. */
    principal?: Principal;
  }
}
