import type { StoreResult } from '@lingshu/archive';
import { type ErrorCode, getString, isValidUid, LingshuError, parseDicom, Tags, toLingshuError } from '@lingshu/dicom';
import type { Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { notifyStored } from '../events/notify.js';
import { auditRefusedForeignStudy } from '../institutions/ownership.js';
import { parseMediaType } from '../multipart/mediaType.js';
import type { ReceivedPart } from '../multipart/readParts.js';
import { sopClassAccepted } from './stowFailure.js';
import type { StowOwner } from './stowOwner.js';

/** What happened to one part of a STOW-RS request. UIDs are for the response only, never for logs. */
export type PartOutcome =
  | {
      ok: true;
      status: 'stored' | 'duplicate' | 'overwritten';
      sopClassUID: string;
      sopInstanceUID: string;
      studyInstanceUID: string;
      seriesInstanceUID: string;
    }
  | {
      ok: false;
      code: ErrorCode;
      message: string;
      sopClassUID?: string;
      sopInstanceUID?: string;
    };

export interface PartRules {
  /** Media type of parts without their own Content-Type (the request's `type` parameter). */
  defaultType: string | undefined;
  /** Study-level STOW: every instance must belong to this study. */
  study: string | undefined;
  /** Institution new studies belong to, and whether others' studies are refused (stowOwner.ts). */
  owner: StowOwner;
  /** Who sends (for the audit event of a refused instance). */
  principal?: Principal;
}

export function failed(
  code: ErrorCode,
  message: string,
  uids: { sopClassUID?: string; sopInstanceUID?: string } = {},
): PartOutcome {
  return { ok: false, code, message, ...uids };
}

function uid(read: () => string | undefined): string | undefined {
  try {
    const v = read()?.replace(/\0/g, '').trim();
    // Only well-formed UIDs go back to the client (a mutated value may be any bytes).
    return v !== undefined && isValidUid(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Validates one received part (media type, size, header parse, SOP Class, study) and stores it.
 * The header parse stops before Series Instance UID; the archive parses the whole instance again
 * and rejects it on its own if anything further is broken, so nothing partial is ever kept.
 */
export async function storePart(ctx: ServerContext, part: ReceivedPart, rules: PartRules): Promise<PartOutcome> {
  if (part.tooLarge) {
    return failed('HTTP_PAYLOAD_TOO_LARGE', 'The instance is larger than the configured instance limit');
  }
  const type = parseMediaType(part.headers.get('content-type'))?.essence ?? rules.defaultType;
  if (type !== 'application/dicom') {
    return failed('HTTP_UNSUPPORTED_MEDIA_TYPE', 'Only application/dicom parts are accepted');
  }
  let sopClassUID: string | undefined;
  let sopInstanceUID: string | undefined;
  let study: string | undefined;
  try {
    const { dataset } = parseDicom(part.bytes, { untilTag: Tags.SeriesInstanceUID });
    sopClassUID = uid(() => getString(dataset, Tags.SOPClassUID));
    sopInstanceUID = uid(() => getString(dataset, Tags.SOPInstanceUID));
    const ids = { ...(sopClassUID ? { sopClassUID } : {}), ...(sopInstanceUID ? { sopInstanceUID } : {}) };
    if (sopClassUID && !sopClassAccepted(sopClassUID)) {
      return failed('STOW_SOP_CLASS_UNSUPPORTED', 'The SOP class of the instance is not accepted', ids);
    }
    study = uid(() => getString(dataset, Tags.StudyInstanceUID));
    if (rules.study !== undefined && study !== undefined && study !== rules.study) {
      return failed('STOW_STUDY_MISMATCH', 'The instance belongs to a different study than the request targets', ids);
    }
  } catch (e) {
    const err = toLingshuError(e);
    return failed(err.code, err.code === 'INTERNAL' ? 'The instance could not be read' : err.message);
  }
  const item = {
    bytes: part.bytes,
    source: `part ${part.index + 1}`,
    institutionPk: rules.owner.institutionPk,
    foreignStudy: rules.owner.foreignStudy,
  };
  // The archive retries a failed micro-batch one instance at a time, so a bad neighbour never
  // takes a good part down with it.
  const result = await ctx.archive.store(item);
  // New or replaced instances feed study-stable tracking; identical duplicates are not news.
  notifyStored(ctx, result, 'stow');
  if (result.error?.code === 'ARCHIVE_STUDY_NOT_WRITABLE' && rules.principal)
    await auditRefusedForeignStudy(ctx, rules.principal, study, 'POST /dicomweb/studies');
  return fromStoreResult(result, { sopClassUID, sopInstanceUID });
}

function fromStoreResult(r: StoreResult, known: { sopClassUID?: string; sopInstanceUID?: string }): PartOutcome {
  if (r.status !== 'rejected' && r.sopClassUID && r.sopInstanceUID && r.studyInstanceUID && r.seriesInstanceUID) {
    return {
      ok: true,
      status: r.status,
      sopClassUID: r.sopClassUID,
      sopInstanceUID: r.sopInstanceUID,
      studyInstanceUID: r.studyInstanceUID,
      seriesInstanceUID: r.seriesInstanceUID,
    };
  }
  const error = r.error ?? new LingshuError('INTERNAL', 'The archive gave no result for the instance');
  const ids = {
    ...((r.sopClassUID ?? known.sopClassUID) ? { sopClassUID: r.sopClassUID ?? known.sopClassUID } : {}),
    ...((r.sopInstanceUID ?? known.sopInstanceUID) ? { sopInstanceUID: r.sopInstanceUID ?? known.sopInstanceUID } : {}),
  };
  return failed(error.code, error.message, ids);
}
