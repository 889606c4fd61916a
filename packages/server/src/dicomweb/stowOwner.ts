import { LingshuError } from '@lingshu/dicom';
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';

/** Who new studies of a STOW-RS request belong to, and what happens to instances of others' studies. */
export interface StowOwner {
  institutionPk: string;
  foreignStudy: 'store' | 'reject';
}

/**
 * STOW-RS ownership (docs/institutions.md): a user of an institution stores into that
 * institution, and an instance for a study owned by another institution is refused (Failure
 * Reason 0110, ARCHIVE_STUDY_NOT_WRITABLE). Network-wide principals store into the 'default' hub,
 * or into `?institution=CODE`, which only principals with 'institutions:admin' may name.
 */
export async function stowOwner(ctx: ServerContext, req: FastifyRequest): Promise<StowOwner> {
  const principal = req.principal;
  if (!principal) throw new LingshuError('AUTH_REQUIRED', 'No principal on a route that stores studies');
  const code = new URL(req.url, 'http://localhost').searchParams.get('institution');
  if (code !== null) {
    if (!principal.permissions.has('institutions:admin'))
      throw new LingshuError('AUTH_FORBIDDEN', 'Only institution administrators may name the institution', {
        details: { parameter: 'institution', permission: 'institutions:admin' },
      });
    const named = await ctx.archive.institutions.byCode(code);
    if (!named) throw new LingshuError('INSTITUTION_NOT_FOUND', undefined, { details: { parameter: 'institution' } });
    return { institutionPk: named.pk, foreignStudy: principal.institutionPk === null ? 'store' : 'reject' };
  }
  if (principal.institutionPk !== null) return { institutionPk: principal.institutionPk, foreignStudy: 'reject' };
  return { institutionPk: await ctx.archive.institutions.defaultHubPk(), foreignStudy: 'store' };
}
