import { type AccessScope, DEFAULT_INSTITUTION_CODE, institutionScope, type StoreResult } from '@lingshu/archive';
import type { Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';

/** The institution a DIMSE peer acts for, and the studies it may see. */
export interface DimseTenant {
  institutionPk: string;
  /** Owned by the institution, plus shared with it. */
  access: AccessScope;
}

/**
 * The institution of a calling AE title (institutions.ae_titles, exact and case-sensitive after
 * trimming padding). Unknown AE titles belong to the 'default' hub, or to nobody when
 * `strictAeMapping` is set (undefined: the association is refused).
 */
export async function dimseTenant(
  ctx: Pick<ServerContext, 'archive' | 'config'>,
  callingAe: string,
): Promise<DimseTenant | undefined> {
  const mapped = await ctx.archive.institutions.byAeTitle(callingAe);
  const institution =
    mapped ??
    (ctx.config.strictAeMapping ? undefined : await ctx.archive.institutions.byCode(DEFAULT_INSTITUTION_CODE));
  if (!institution) return undefined;
  return { institutionPk: institution.pk, access: institutionScope(institution.pk) };
}

/** Who sent an instance that went into another institution's study (for the audit event). */
export type ForeignSender =
  | { principal: Principal; via: string }
  | { actorName: string; actorKind: 'dimse' | 'system'; via: string };

/**
 * An instance sent by one institution for a study another institution owns is stored into that
 * study (no data is lost; the owner does not change) and recorded as a security alert in the
 * audit trail, so the owner's administrators can review it. No PHI goes to the log.
 */
export async function auditForeignStudy(
  ctx: Pick<ServerContext, 'platform' | 'log'>,
  result: StoreResult,
  senderInstitutionPk: string,
  sender: ForeignSender,
): Promise<void> {
  if (!result.foreignStudy || !result.studyInstanceUID) return;
  ctx.log.warn({ via: sender.via }, 'instance stored into a study owned by another institution');
  await ctx.platform?.audit?.record({
    action: 'security-alert',
    outcome: 'success',
    ...('principal' in sender
      ? { principal: sender.principal }
      : { actorName: sender.actorName, actorKind: sender.actorKind }),
    via: sender.via,
    resource: {
      type: 'instance',
      ...(result.sopInstanceUID ? { id: result.sopInstanceUID } : {}),
      studyUids: [result.studyInstanceUID],
    },
    detail: {
      reason: 'foreign-study',
      senderInstitution: senderInstitutionPk,
      ownerInstitution: result.institutionPk ?? '',
    },
  });
}

/**
 * A STOW-RS instance refused because its study belongs to another institution: recorded as a
 * failed security alert (who tried, which study UID), never in the application log with UIDs.
 */
export async function auditRefusedForeignStudy(
  ctx: Pick<ServerContext, 'platform'>,
  principal: Principal,
  studyUid: string | undefined,
  via: string,
): Promise<void> {
  await ctx.platform?.audit?.record({
    action: 'security-alert',
    outcome: 'failure',
    principal,
    via,
    resource: { type: 'study', ...(studyUid ? { studyUids: [studyUid] } : {}) },
    detail: { reason: 'foreign-study', code: 'ARCHIVE_STUDY_NOT_WRITABLE' },
  });
}
