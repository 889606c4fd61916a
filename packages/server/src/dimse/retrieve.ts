import type { AccessScope } from '@lingshu/archive';
import { toLingshuError } from '@lingshu/dicom';
import type { AssociationAudit } from '../audit/dimse.js';
import type { ServerContext } from '../context.js';
import { readIdentifier } from './identifier.js';
import {
  CGetResponse,
  CMoveResponse,
  type DimseCGetRequest,
  type DimseCGetResponse,
  type DimseCMoveRequest,
  type DimseCMoveResponse,
  Status,
} from './lib.js';
import { resolveInstances, storedInstance } from './resolve.js';
import type { CancelSet } from './scp.js';
import {
  openAssociation,
  type ScuAssociation,
  type StoredInstance,
  storageContexts,
  storeOne,
  storeOutcome,
} from './scu.js';

/** C-MOVE/C-GET statuses (PS3.4 C.4.2.1.5, C.4.3.1.4). */
export const RetrieveStatus = {
  UnableToPerformSubOperations: 0xa702,
  MoveDestinationUnknown: 0xa801,
  IdentifierDoesNotMatchSopClass: 0xa900,
  UnableToProcess: 0xc000,
  SubOperationsCompleteWithFailures: 0xb000,
} as const;

type RetrieveResponse = DimseCMoveResponse | DimseCGetResponse;

interface Counts {
  remaining: number;
  completed: number;
  failed: number;
  warning: number;
}

function withCounts<R extends RetrieveResponse>(r: R, status: number, c: Counts, final: boolean): R {
  r.setStatus(status);
  // Remaining is only meaningful while pending (PS3.4 C.4.2.3.1).
  if (!final) r.setRemaining(c.remaining);
  r.setCompleted(c.completed);
  r.setFailures(c.failed);
  r.setWarnings(c.warning);
  return r;
}

function finalStatus(c: Counts): number {
  if (c.failed === 0 && c.warning === 0) return Status.Success;
  if (c.completed === 0 && c.warning === 0) return RetrieveStatus.UnableToPerformSubOperations;
  return RetrieveStatus.SubOperationsCompleteWithFailures;
}

/**
 * Runs the storage sub-operations one after another on `network`, sending a pending response with
 * the counts after each (PS3.4 C.4.2.3.1); stops with "cancel" after a C-CANCEL.
 */
async function runSubOperations<R extends RetrieveResponse>(
  ctx: ServerContext,
  instances: StoredInstance[],
  network: ScuAssociation['network'],
  make: () => R,
  send: (responses: R[]) => void,
  isCancelled: () => boolean,
): Promise<void> {
  const c: Counts = { remaining: instances.length, completed: 0, failed: 0, warning: 0 };
  for (const instance of instances) {
    if (isCancelled()) {
      send([withCounts(make(), Status.Cancel, c, false)]);
      return;
    }
    let outcome: 'completed' | 'warning' | 'failed';
    try {
      outcome = storeOutcome(await storeOne(network, instance));
    } catch (e) {
      ctx.log.warn({ code: toLingshuError(e).code }, 'DIMSE storage sub-operation failed');
      outcome = 'failed';
    }
    c.remaining--;
    if (outcome === 'completed') c.completed++;
    else if (outcome === 'warning') c.warning++;
    else c.failed++;
    if (c.remaining > 0) send([withCounts(make(), Status.Pending, c, false)]);
  }
  send([withCounts(make(), finalStatus(c), c, true)]);
  ctx.log.info({ completed: c.completed, failed: c.failed, warning: c.warning }, 'DIMSE retrieve done');
}

function moveResponse(request: DimseCMoveRequest): DimseCMoveResponse {
  const r = CMoveResponse.fromRequest(request);
  r.setAffectedSopClassUid(request.getAffectedSopClassUid());
  return r;
}

function getResponse(request: DimseCGetRequest): DimseCGetResponse {
  const r = CGetResponse.fromRequest(request);
  r.setAffectedSopClassUid(request.getAffectedSopClassUid());
  return r;
}

const NONE: Counts = { remaining: 0, completed: 0, failed: 0, warning: 0 };

/**
 * C-MOVE SCP (PS3.4 C.4.2): resolves the identifier, opens a C-STORE association to the move
 * destination from `remoteAes` (0xA801 when unknown) and sends each instance there.
 */
export async function handleMove(
  ctx: ServerContext,
  request: DimseCMoveRequest,
  send: (responses: DimseCMoveResponse[]) => void,
  cancelled: CancelSet,
  access: AccessScope,
  audit?: AssociationAudit,
): Promise<void> {
  const messageId = request.getMessageId();
  try {
    const destinationAe = String(request.getCommandDataset().getElement('MoveDestination') ?? '').trim();
    const destination = ctx.config.remoteAes.find((r) => r.aeTitle.trim() === destinationAe);
    if (!destination) {
      ctx.log.warn({ service: 'C-MOVE' }, 'DIMSE C-MOVE destination unknown');
      void audit?.retrieve('C-MOVE', [], false, { destinationKnown: false });
      send([withCounts(moveResponse(request), RetrieveStatus.MoveDestinationUnknown, NONE, true)]);
      return;
    }
    const files = await resolveInstances(ctx, readIdentifier(request.getDataset()), access);
    const instances = files.map((f) => storedInstance(ctx, f));
    // One event per C-MOVE: the studies sent and where (the destination AE title is not PHI).
    void audit?.retrieve(
      'C-MOVE',
      files.map((f) => f.studyUid),
      true,
      { instances: files.length, destination: destinationAe },
    );
    if (instances.length === 0) {
      send([withCounts(moveResponse(request), Status.Success, NONE, true)]);
      return;
    }
    let scu: ScuAssociation;
    try {
      scu = await openAssociation(destination, ctx.config.aeTitle, storageContexts(instances));
    } catch {
      ctx.log.warn({ service: 'C-MOVE' }, 'DIMSE C-MOVE destination refused the association');
      const c = { ...NONE, failed: instances.length };
      send([withCounts(moveResponse(request), RetrieveStatus.UnableToPerformSubOperations, c, true)]);
      return;
    }
    try {
      await runSubOperations(
        ctx,
        instances,
        scu.network,
        () => moveResponse(request),
        send,
        () => cancelled.has(messageId),
      );
    } finally {
      await scu.release();
    }
  } catch (e) {
    const err = toLingshuError(e);
    void audit?.retrieve('C-MOVE', [], false, { code: err.code });
    ctx.log.warn({ service: 'C-MOVE', code: err.code }, 'DIMSE C-MOVE failed');
    send([withCounts(moveResponse(request), RetrieveStatus.UnableToProcess, NONE, true)]);
  } finally {
    cancelled.delete(messageId);
  }
}

/** C-GET SCP (PS3.4 C.4.3): the storage sub-operations go back on the requesting association. */
export async function handleGet(
  ctx: ServerContext,
  request: DimseCGetRequest,
  send: (responses: DimseCGetResponse[]) => void,
  cancelled: CancelSet,
  network: ScuAssociation['network'],
  access: AccessScope,
  audit?: AssociationAudit,
): Promise<void> {
  const messageId = request.getMessageId();
  try {
    const files = await resolveInstances(ctx, readIdentifier(request.getDataset()), access);
    const instances = files.map((f) => storedInstance(ctx, f));
    void audit?.retrieve(
      'C-GET',
      files.map((f) => f.studyUid),
      true,
      { instances: files.length },
    );
    await runSubOperations(
      ctx,
      instances,
      network,
      () => getResponse(request),
      send,
      () => cancelled.has(messageId),
    );
  } catch (e) {
    const err = toLingshuError(e);
    void audit?.retrieve('C-GET', [], false, { code: err.code });
    ctx.log.warn({ service: 'C-GET', code: err.code }, 'DIMSE C-GET failed');
    send([withCounts(getResponse(request), RetrieveStatus.UnableToProcess, NONE, true)]);
  } finally {
    cancelled.delete(messageId);
  }
}
