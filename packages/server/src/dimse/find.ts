import type { AccessScope } from '@lingshu/archive';
import { toLingshuError } from '@lingshu/dicom';
import type { AssociationAudit } from '../audit/dimse.js';
import type { ServerContext } from '../context.js';
import { identifierMatches, readIdentifier, requestedTags, responseIdentifier } from './identifier.js';
import { CFindResponse, type DimseCFindRequest, type DimseCFindResponse, Status } from './lib.js';
import type { CancelSet } from './scp.js';
import { QR } from './syntaxes.js';

/** C-FIND failure statuses (PS3.4 C.4.1.1.4). */
const IdentifierDoesNotMatchSopClass = 0xa900;
const UnableToProcess = 0xc000;

function response(request: DimseCFindRequest, status: number): DimseCFindResponse {
  const r = CFindResponse.fromRequest(request);
  // dcmjs-dimse fills in Study Root; answer with the model the SCU asked (patient or study root).
  r.setAffectedSopClassUid(request.getAffectedSopClassUid());
  r.setStatus(status);
  return r;
}

/**
 * C-FIND SCP for the Patient Root and Study Root models (PS3.4 C.6.1, C.6.2): one pending
 * response per match, then success; a C-CANCEL stops the matches and answers "cancel".
 */
export async function handleFind(
  ctx: ServerContext,
  request: DimseCFindRequest,
  send: (responses: DimseCFindResponse[]) => void,
  cancelled: CancelSet,
  access: AccessScope,
  audit?: AssociationAudit,
): Promise<void> {
  const messageId = request.getMessageId();
  try {
    const id = readIdentifier(request.getDataset());
    const model = request.getAffectedSopClassUid();
    // Study Root has no PATIENT level (PS3.4 C.6.2.1).
    if (model === QR.StudyRootFind && id.level === 'PATIENT') {
      send([response(request, IdentifierDoesNotMatchSopClass)]);
      return;
    }
    const requested = requestedTags(id);
    const { results, truncated } = await ctx.archive.query(
      {
        level: id.level,
        matches: identifierMatches(id),
        includeFields: requested,
      },
      access,
    );
    void audit?.query(id.level, results, true);
    const ts = request.getDataset()?.getTransferSyntaxUid() ?? '';
    for (const [n, result] of results.entries()) {
      // Yield between matches so a C-CANCEL arriving meanwhile is seen (PS3.7 9.3.2.3).
      if (n > 0) await new Promise((r) => setImmediate(r));
      if (cancelled.delete(messageId)) {
        send([response(request, Status.Cancel)]);
        return;
      }
      const pending = response(request, Status.Pending);
      pending.setDataset(responseIdentifier(result, requested, id.level, ts));
      send([pending]);
    }
    if (truncated) ctx.log.warn({ service: 'C-FIND', results: results.length }, 'DIMSE C-FIND results truncated');
    ctx.log.info({ service: 'C-FIND', level: id.level, results: results.length }, 'DIMSE C-FIND done');
    send([response(request, Status.Success)]);
  } catch (e) {
    const err = toLingshuError(e);
    void audit?.query('', [], false);
    ctx.log.warn({ service: 'C-FIND', code: err.code }, 'DIMSE C-FIND failed');
    send([response(request, UnableToProcess)]);
  } finally {
    cancelled.delete(messageId);
  }
}
