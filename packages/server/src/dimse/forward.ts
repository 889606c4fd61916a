import { ALL_STUDIES } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import type { RemoteAe } from '../config.js';
import type { ServerContext } from '../context.js';
import { CMoveRequest, type DimseCMoveResponse, Status } from './lib.js';
import { storedInstance } from './resolve.js';
import { openAssociation, storageContexts, storeOne, storeOutcome } from './scu.js';
import { COMMAND_TRANSFER_SYNTAXES, QR } from './syntaxes.js';

/** Sub-operation counts of a forward or a pull (PS3.4 C.4.2.3.1 naming). */
export interface TransferResult {
  completed: number;
  failed: number;
  warning: number;
}

function remote(ctx: ServerContext, aeTitle: string): RemoteAe {
  const peer = ctx.config.remoteAes.find((r) => r.aeTitle.trim() === aeTitle.trim());
  if (!peer) throw new LingshuError('DIMSE_UNKNOWN_DESTINATION', 'The destination AE is not configured in remoteAes');
  return peer;
}

async function forward(
  ctx: ServerContext,
  scope: { studyUid: string; seriesUid?: string },
  destinationAeTitle: string,
): Promise<TransferResult> {
  const peer = remote(ctx, destinationAeTitle);
  // Forwarding is the platform's own action (AI results, rules): it reads across institutions.
  const files = await ctx.archive.findInstances(scope, ALL_STUDIES);
  if (files.length === 0) throw new LingshuError('ARCHIVE_NOT_FOUND', 'Nothing stored to forward');
  const instances = files.map((f) => storedInstance(ctx, f));
  const scu = await openAssociation(peer, ctx.config.aeTitle, storageContexts(instances));
  const result: TransferResult = { completed: 0, failed: 0, warning: 0 };
  try {
    for (const instance of instances) {
      try {
        const outcome = storeOutcome(await storeOne(scu.network, instance));
        result[outcome === 'completed' ? 'completed' : outcome === 'warning' ? 'warning' : 'failed']++;
      } catch {
        result.failed++;
      }
    }
  } finally {
    await scu.release();
  }
  ctx.log.info({ ...result }, 'DIMSE forward done');
  return result;
}

/**
 * Sends every stored instance of a study to a configured remote AE (C-STORE SCU), in the stored
 * transfer syntax when the peer accepts it, else explicit/implicit VR little endian.
 */
export function forwardStudy(
  ctx: ServerContext,
  studyUID: string,
  destinationAeTitle: string,
): Promise<TransferResult> {
  return forward(ctx, { studyUid: studyUID }, destinationAeTitle);
}

/** Sends one series of a study to a configured remote AE (C-STORE SCU). */
export function forwardSeries(
  ctx: ServerContext,
  studyUID: string,
  seriesUID: string,
  destinationAeTitle: string,
): Promise<TransferResult> {
  return forward(ctx, { studyUid: studyUID, seriesUid: seriesUID }, destinationAeTitle);
}

/**
 * Pulls a study from a remote archive with C-MOVE (Study Root, PS3.4 C.4.2), naming Lingshu's own
 * AE as the move destination: the remote must know that AE (host/port of the running DIMSE
 * listener), and the instances arrive through the C-STORE SCP like any other store.
 */
export async function retrieveFromRemote(
  ctx: ServerContext,
  remoteAeTitle: string,
  studyUID: string,
): Promise<TransferResult> {
  const peer = remote(ctx, remoteAeTitle);
  const scu = await openAssociation(peer, ctx.config.aeTitle, [
    { abstract: QR.StudyRootMove, syntaxes: COMMAND_TRANSFER_SYNTAXES },
  ]);
  try {
    const request = CMoveRequest.createStudyMoveRequest(ctx.config.aeTitle, studyUID);
    const final = await new Promise<DimseCMoveResponse>((resolve, reject) => {
      const onClose = (): void => reject(new LingshuError('DIMSE_PEER_FAILED', 'The association closed'));
      scu.network.once('close', onClose);
      request.on('response', (response: DimseCMoveResponse) => {
        if (response.getStatus() === Status.Pending) return;
        scu.network.off('close', onClose);
        resolve(response);
      });
      scu.network.sendRequests(request);
    });
    const status = final.getStatus();
    const result: TransferResult = {
      completed: final.getCompleted() ?? 0,
      failed: final.getFailures() ?? 0,
      warning: final.getWarnings() ?? 0,
    };
    ctx.log.info({ status, ...result }, 'DIMSE pull done');
    if (status !== Status.Success && (status & 0xf000) !== 0xb000) {
      throw new LingshuError('DIMSE_PEER_FAILED', 'The remote archive failed the C-MOVE', {
        details: { status: `0x${status.toString(16).padStart(4, '0')}`, ...result },
      });
    }
    return result;
  } finally {
    await scu.release();
  }
}
