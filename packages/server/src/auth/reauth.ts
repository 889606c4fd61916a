import { LingshuError } from '@lingshu/dicom';
import type { FastifyRequest } from 'fastify';

/** How long a re-authentication proves presence by default (report signing). */
export const REAUTH_DEFAULT_SEC = 300;

/**
 * Throws AUTH_REAUTH_REQUIRED unless the request's login session re-entered its password
 * (POST /api/auth/reauth) within `maxAgeSec`. API tokens and Basic credentials never qualify.
 */
export function requireRecentReauth(request: FastifyRequest, maxAgeSec: number = REAUTH_DEFAULT_SEC): void {
  const at = request.authSession?.reauthenticatedAt;
  if (request.principal?.kind !== 'user' || !at || Date.now() - at.getTime() > maxAgeSec * 1000)
    throw new LingshuError('AUTH_REAUTH_REQUIRED', undefined, { details: { maxAgeSec } });
}
