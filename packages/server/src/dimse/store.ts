import type { AssociationAudit } from '../audit/dimse.js';
import type { ServerContext } from '../context.js';
import { notifyStored } from '../events/notify.js';
import { auditForeignStudy, type DimseTenant } from '../institutions/ownership.js';
import { CStoreResponse, type DimseCStoreRequest, type DimseCStoreResponse } from './lib.js';
import { framePart10 } from './p10.js';
import { isRawDataset } from './rawDataset.js';

/** C-STORE statuses (PS3.4 B.2.3). */
export const StoreStatus = {
  Success: 0x0000,
  OutOfResources: 0xa700,
  DataSetDoesNotMatchSopClass: 0xa900,
  CannotUnderstand: 0xc000,
} as const;

function respond(request: DimseCStoreRequest, status: number, comment?: string): DimseCStoreResponse {
  const response = CStoreResponse.fromRequest(request);
  response.setStatus(status);
  // Error Comment (0000,0902) is 64 characters at most (PS3.7 C.4.2.1.4); never carries PHI.
  if (comment) response.getCommandDataset().setElement('ErrorComment', comment.slice(0, 64));
  return response;
}

/**
 * Handles one C-STORE: frames the received bytes as Part 10 (unchanged), checks them against the
 * command, stores through the archive, and emits `instance-stored` for new instances. The archive
 * writes the file before indexing it, so a failure leaves nothing partial behind.
 */
export async function handleStore(
  ctx: ServerContext,
  request: DimseCStoreRequest,
  callingAeTitle: string,
  tenant: DimseTenant,
  audit?: AssociationAudit,
): Promise<DimseCStoreResponse> {
  const dataset = request.getDataset();
  if (!isRawDataset(dataset)) {
    audit?.stored(undefined, false);
    return respond(request, StoreStatus.CannotUnderstand, 'No dataset');
  }
  if (dataset.oversized) {
    audit?.stored(undefined, false);
    ctx.log.warn({ service: 'C-STORE' }, 'DIMSE instance larger than maxInstanceBytes refused');
    return respond(request, StoreStatus.OutOfResources, 'Instance exceeds the size limit');
  }
  let framed: ReturnType<typeof framePart10>;
  try {
    framed = framePart10(dataset.raw, dataset.getTransferSyntaxUid(), callingAeTitle);
  } catch {
    audit?.stored(undefined, false);
    ctx.log.warn({ service: 'C-STORE' }, 'DIMSE dataset could not be parsed');
    return respond(request, StoreStatus.CannotUnderstand, 'Dataset could not be parsed');
  }
  // The dataset must be the instance the command announces (PS3.4 B.2.3, status A900).
  if (
    framed.sopClassUID !== request.getAffectedSopClassUid() ||
    framed.sopInstanceUID !== request.getAffectedSopInstanceUid()
  ) {
    audit?.stored(undefined, false);
    ctx.log.warn({ service: 'C-STORE' }, 'DIMSE dataset does not match the command SOP class/instance');
    return respond(request, StoreStatus.DataSetDoesNotMatchSopClass, 'Dataset does not match the command');
  }
  // The calling AE's institution owns new studies; an instance for another institution's study is
  // kept in that study (PACS re-sends, mixed modality routing) and audited as a security alert.
  const result = await ctx.archive.store({ bytes: framed.file, source: 'dimse', institutionPk: tenant.institutionPk });
  // One audit event per study and association (AssociationAudit), not per instance.
  audit?.stored(result.studyInstanceUID, result.status !== 'rejected');
  if (result.status === 'rejected') {
    const code = result.error?.code ?? 'INTERNAL';
    ctx.log.warn({ service: 'C-STORE', code }, 'DIMSE instance rejected by the archive');
    const status = code.startsWith('DICOM_') ? StoreStatus.CannotUnderstand : StoreStatus.OutOfResources;
    return respond(request, status, result.error?.message);
  }
  notifyStored(ctx, result, 'dimse');
  await auditForeignStudy(ctx, result, tenant.institutionPk, {
    actorName: callingAeTitle,
    actorKind: 'dimse',
    via: 'C-STORE',
  });
  ctx.log.debug({ service: 'C-STORE', status: result.status }, 'DIMSE instance stored');
  return respond(request, StoreStatus.Success);
}
