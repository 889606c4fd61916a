import type { AuditAction, AuditEventInput } from '../audit/types.js';
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
    /** Records one audit event per request with this action (audit/hook.ts); PHI routes declare it. */
    audit?: AuditAction;
    /** The resource the route is about when the path does not say (e.g. the audit trail itself). */
    auditResource?: NonNullable<AuditEventInput['resource']>;
  }
  interface FastifyRequest {
    /** Set by the auth guard before any handler runs; undefined only on public routes. */
    principal?: Principal;
    /** The login session behind `principal` (cookie logins only). */
    authSession?: { id: string; reauthenticatedAt: Date | null };
  }
}
