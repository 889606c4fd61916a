import { connect } from 'node:net';
import { LingshuError, TransferSyntax } from '@lingshu/dicom';
import type { RemoteAe } from '../config.js';
import {
  association,
  CStoreRequest,
  type DimseAssociation,
  type DimseRequest,
  type DimseResponse,
  PresentationContextResult,
  Scp,
} from './lib.js';
import { datasetIn } from './p10.js';
import { RawDataset } from './rawDataset.js';

/** What a storage sub-operation needs to know about a stored instance. */
export interface StoredInstance {
  sopClassUid: string;
  sopUid: string;
  transferSyntaxUid: string;
  read(): Promise<Uint8Array>;
}

/** The outgoing side of an association; `Scp` is dcmjs-dimse's network class with request handling. */
type Network = InstanceType<typeof Scp>;

function associationOf(network: Network): DimseAssociation {
  return (network as unknown as { association: DimseAssociation }).association;
}

/**
 * The syntax to send a stored instance in over this association: the stored syntax when accepted
 * for its SOP class (bytes unchanged), else explicit, else implicit VR little endian.
 */
export function chooseSyntax(assoc: DimseAssociation, sopClassUid: string, stored: string): string | undefined {
  const accepted = new Set<string>();
  for (const { id } of assoc.getPresentationContexts()) {
    const pc = assoc.getPresentationContext(id);
    if (pc.getAbstractSyntaxUid() !== sopClassUid || pc.getResult() !== PresentationContextResult.Accept) continue;
    const ts = pc.getAcceptedTransferSyntaxUid();
    if (ts) accepted.add(ts);
  }
  for (const ts of [stored, TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian]) {
    if (accepted.has(ts)) return ts;
  }
  return undefined;
}

function sendAndWait<R extends DimseResponse>(network: Network, request: DimseRequest): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const onClose = (): void => reject(new LingshuError('DIMSE_PEER_FAILED', 'The association closed'));
    network.once('close', onClose);
    request.on('response', (response: R) => {
      // Pending responses (C-MOVE/C-GET progress) are not the end of the operation.
      if (response.getStatus() === 0xff00 || response.getStatus() === 0xff01) return;
      network.off('close', onClose);
      resolve(response);
    });
    network.sendRequests(request);
  });
}

/**
 * Sends one stored instance as a C-STORE sub-operation on `network` and returns the peer's status.
 * Throws DIMSE_PEER_FAILED when no presentation context fits.
 */
export async function storeOne(network: Network, instance: StoredInstance, priority?: number): Promise<number> {
  const ts = chooseSyntax(associationOf(network), instance.sopClassUid, instance.transferSyntaxUid);
  if (!ts) throw new LingshuError('DIMSE_PEER_FAILED', 'The peer accepted no context for this SOP class');
  const bytes = await datasetIn(await instance.read(), ts);
  return storeRaw(network, instance.sopClassUid, instance.sopUid, bytes, ts, priority);
}

/** Sends already-encoded dataset bytes (in `ts`, which must be accepted) as one C-STORE; returns the status. */
export async function storeRaw(
  network: Network,
  sopClassUid: string,
  sopUid: string,
  body: Uint8Array,
  ts: string,
  priority?: number,
): Promise<number> {
  const dataset = new RawDataset(body, ts, { SOPClassUID: sopClassUid, SOPInstanceUID: sopUid });
  const request = new CStoreRequest(dataset, priority);
  const response = await sendAndWait(network, request);
  return response.getStatus();
}

/** A C-STORE status that counts as completed (success) or as a warning (PS3.4 B.2.3). */
export function storeOutcome(status: number): 'completed' | 'warning' | 'failed' {
  if (status === 0) return 'completed';
  if (status === 0x0001 || (status & 0xf000) === 0xb000) return 'warning';
  return 'failed';
}

/** An outgoing association opened by Lingshu (C-STORE SCU, C-MOVE SCU). */
export interface ScuAssociation {
  network: Network;
  release(): Promise<void>;
}

/** Proposes storage contexts for these instances: stored syntax alone, plus explicit/implicit LE. */
export function storageContexts(instances: readonly StoredInstance[]): Array<{ abstract: string; syntaxes: string[] }> {
  const out: Array<{ abstract: string; syntaxes: string[] }> = [];
  const seen = new Set<string>();
  for (const i of instances) {
    const key = `${i.sopClassUid}|${i.transferSyntaxUid}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const le = [TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian] as string[];
    if (!le.includes(i.transferSyntaxUid)) out.push({ abstract: i.sopClassUid, syntaxes: [i.transferSyntaxUid] });
    if (!seen.has(`${i.sopClassUid}|LE`)) {
      seen.add(`${i.sopClassUid}|LE`);
      out.push({ abstract: i.sopClassUid, syntaxes: le });
    }
  }
  return out;
}

/** Opens an association to `peer` proposing `contexts`; rejects with DIMSE_PEER_FAILED when refused. */
export function openAssociation(
  peer: RemoteAe,
  callingAe: string,
  contexts: ReadonlyArray<{ abstract: string; syntaxes: readonly string[] }>,
): Promise<ScuAssociation> {
  const request = new association.Association(callingAe, peer.aeTitle);
  for (const c of contexts) {
    const id = request.addPresentationContext(c.abstract);
    for (const ts of c.syntaxes) request.addTransferSyntaxToPresentationContext(id, ts);
  }
  return new Promise<ScuAssociation>((resolve, reject) => {
    const socket = connect({ host: peer.host, port: peer.port });
    const network = new Scp(socket, { associationTimeout: 30_000, pduTimeout: 60_000 });
    const fail = (message: string): void => {
      socket.destroy();
      reject(new LingshuError('DIMSE_PEER_FAILED', message));
    };
    network.on('connect', () => network.sendAssociationRequest(request));
    network.on('associationAccepted', () => {
      resolve({
        network,
        release: () =>
          new Promise<void>((done) => {
            if (socket.destroyed) return done();
            network.once('close', () => done());
            network.on('associationReleaseResponse', () => socket.end());
            network.sendAssociationReleaseRequest();
          }),
      });
    });
    network.on('associationRejected', () => fail('The peer rejected the association'));
    network.on('networkError', () => fail('Network error talking to the peer'));
    network.on('close', () => fail('The peer closed the connection'));
  });
}
