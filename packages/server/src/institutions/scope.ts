import { type AccessScope, ALL_STUDIES, institutionScope } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import type { Principal } from '../auth/principal.js';

/**
 * The studies a principal may see (医联体 tenancy): network-wide principals (institutionPk null:
 * administrators, the platform itself, the local principal when auth is off) see all; everyone
 * else sees their own institution's studies plus the studies explicitly shared with it. A hub
 * user does not see its primary sites' studies unless they are shared.
 *
 * A route that reads studies always has a principal (the auth guard sets it); a missing one is a
 * wiring error and is refused, never widened to 'all'.
 */
export function scopeOf(principal: Principal | undefined): AccessScope {
  if (!principal) throw new LingshuError('AUTH_REQUIRED', 'No principal on a route that reads studies');
  return principal.institutionPk === null ? ALL_STUDIES : institutionScope(principal.institutionPk);
}
