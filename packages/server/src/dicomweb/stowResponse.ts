import type { DicomJsonDataset, LingshuError } from '@lingshu/dicom';
import { stowFailureReason } from './stowFailure.js';
import type { PartOutcome } from './stowPart.js';

export interface StowResponse {
  /** HTTP status (PS3.18 §10.5.3). */
  status: number;
  /** Store Instances Response (PS3.18 Annex I), DICOM JSON. */
  body: DicomJsonDataset;
  stored: number;
  failed: number;
}

export interface StowResponseOptions {
  /** `…/dicomweb`, absolute, without a trailing slash. */
  baseUrl: string;
  /** The study of a study-level request. */
  study?: string;
  /** The body stopped being readable (malformed, truncated, too large) after the outcomes listed. */
  streamError?: LingshuError;
}

const ui = (v: string): { vr: 'UI'; Value: string[] } => ({ vr: 'UI', Value: [v] });
const ur = (v: string): { vr: 'UR'; Value: string[] } => ({ vr: 'UR', Value: [v] });

/**
 * Builds the response. Status per PS3.18 §10.5.3: 200 every instance stored; 202 some stored and
 * some failed; 409 none stored although the request was well formed (e.g. SOP Class unsupported,
 * study mismatch, unreadable instances). When the body broke off, the complete parts before the
 * break are still reported: 202 if any was stored, otherwise 400 (malformed) or 413 (too large).
 * An identical re-send of a stored instance counts as stored (idempotent retry), without warning.
 */
export function buildStowResponse(outcomes: readonly PartOutcome[], options: StowResponseOptions): StowResponse {
  const referenced: DicomJsonDataset[] = [];
  const failedItems: DicomJsonDataset[] = [];
  const studies = new Set<string>();
  const enc = encodeURIComponent;
  for (const o of outcomes) {
    if (o.ok) {
      studies.add(o.studyInstanceUID);
      referenced.push({
        '00081150': ui(o.sopClassUID),
        '00081155': ui(o.sopInstanceUID),
        '00081190': ur(
          `${options.baseUrl}/studies/${enc(o.studyInstanceUID)}/series/${enc(o.seriesInstanceUID)}/instances/${enc(o.sopInstanceUID)}`,
        ),
      });
    } else {
      failedItems.push({
        // Type 1 in the module, but unknown for an unreadable part: sent empty rather than invented.
        '00081150': o.sopClassUID ? ui(o.sopClassUID) : { vr: 'UI' },
        '00081155': o.sopInstanceUID ? ui(o.sopInstanceUID) : { vr: 'UI' },
        '00081197': { vr: 'US', Value: [stowFailureReason(o.code)] },
      });
    }
  }
  const body: DicomJsonDataset = {};
  const study = options.study ?? (studies.size === 1 ? [...studies][0] : undefined);
  if (study !== undefined) body['00081190'] = ur(`${options.baseUrl}/studies/${enc(study)}`);
  if (failedItems.length > 0) body['00081198'] = { vr: 'SQ', Value: failedItems };
  if (referenced.length > 0) body['00081199'] = { vr: 'SQ', Value: referenced };
  const stored = referenced.length;
  const failed = failedItems.length;
  let status: number;
  if (options.streamError) {
    status = stored > 0 ? 202 : options.streamError.code === 'HTTP_PAYLOAD_TOO_LARGE' ? 413 : 400;
  } else {
    status = failed === 0 ? 200 : stored > 0 ? 202 : 409;
  }
  return { status, body, stored, failed };
}
