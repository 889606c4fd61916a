import { createServer, type Server, type Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { AssociationAudit } from '../audit/dimse.js';
import type { ServerContext } from '../context.js';
import { type DimseTenant, dimseTenant } from '../institutions/ownership.js';
import { checkAssociation, negotiateContexts } from './association.js';
import { handleFind } from './find.js';
import {
  CEchoResponse,
  type DimseAssociation,
  type DimseCCancelRequest,
  type DimseCEchoRequest,
  type DimseCEchoResponse,
  type DimseCFindRequest,
  type DimseCFindResponse,
  type DimseCGetRequest,
  type DimseCGetResponse,
  type DimseCMoveRequest,
  type DimseCMoveResponse,
  type DimseCStoreRequest,
  type DimseCStoreResponse,
  type DimseDataset,
  type DimsePresentationContext,
  type DimseRequest,
  type DimseResponse,
  RejectReason,
  RejectResult,
  RejectSource,
  Scp,
  Status,
} from './lib.js';
import { DatasetCollector, RawDataset } from './rawDataset.js';
import { handleGet, handleMove } from './retrieve.js';
import { handleStore } from './store.js';

export interface DimseListener {
  port: number;
  close(): Promise<void>;
}

export interface DimseOptions {
  /** Most associations served at once; more are rejected as transient congestion (default 32). */
  maxAssociations?: number;
}

/** Per-listener state shared by its associations (no module-level state). */
export interface ListenerState {
  ctx: ServerContext;
  active: number;
  maxAssociations: number;
}

/** Cancellation flags of one association, by the message ID of the C-FIND/C-MOVE/C-GET. */
export type CancelSet = Set<number>;

/** One association: dcmjs-dimse calls these methods; each delegates to a service module. */
export class LingshuScp extends Scp {
  private callingAe = '';
  /** The calling AE's institution (set before the association is accepted). */
  private tenant: DimseTenant = { institutionPk: '0', access: { kind: 'institutions', institutionPks: [] } };
  readonly cancelled: CancelSet = new Set();
  /** The association's audit events (C-STORE tallies are written when it ends). */
  readonly audit: AssociationAudit;

  constructor(
    socket: Socket,
    private readonly state: ListenerState,
  ) {
    super(socket, { associationTimeout: 30_000, pduTimeout: 60_000 });
    this.audit = new AssociationAudit(state.ctx, socket.remoteAddress);
  }

  override associationRequested(association: DimseAssociation): void {
    const { ctx } = this.state;
    const rejection = checkAssociation(association, ctx.config, this.state.active, this.state.maxAssociations);
    if (rejection) {
      ctx.log.warn({ reason: rejection.why }, 'DIMSE association rejected');
      this.sendAssociationReject(rejection.result, rejection.source, rejection.reason);
      return;
    }
    this.callingAe = association.getCallingAeTitle().trim();
    // Tenancy: the calling AE's institution decides what C-STORE owns and C-FIND/C-MOVE/C-GET see.
    void dimseTenant(ctx, this.callingAe).then(
      (tenant) => {
        if (!tenant) {
          ctx.log.warn({ reason: 'calling-ae', code: 'DIMSE_AE_NOT_ALLOWED' }, 'DIMSE association rejected');
          this.sendAssociationReject(
            RejectResult.Permanent,
            RejectSource.ServiceUser,
            RejectReason.CallingAeNotRecognized,
          );
          return;
        }
        this.tenant = tenant;
        this.audit.identify(this.callingAe, tenant.institutionPk);
        const accepted = negotiateContexts(association);
        ctx.log.info({ contexts: accepted }, 'DIMSE association accepted');
        this.sendAssociationAccept();
      },
      () => {
        ctx.log.error({ reason: 'institution-lookup' }, 'DIMSE association rejected');
        this.sendAssociationReject(RejectResult.Transient, RejectSource.ServiceUser, RejectReason.NoReasonGiven);
      },
    );
  }

  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }

  override createStoreWritableStream(_context: DimsePresentationContext, _request: DimseCStoreRequest): Writable {
    return new DatasetCollector(this.state.ctx.config.maxInstanceBytes);
  }

  override createDatasetFromStoreWritableStream(
    writable: Writable,
    context: DimsePresentationContext,
    callback: (dataset: DimseDataset) => void,
  ): void {
    const collector = writable as DatasetCollector;
    const ts = context.getAcceptedTransferSyntaxUid() ?? '';
    callback(new RawDataset(collector.oversized ? new Uint8Array(0) : collector.bytes(), ts, {}, collector.oversized));
  }

  override cEchoRequest(request: DimseCEchoRequest, callback: (response: DimseCEchoResponse) => void): void {
    const response = CEchoResponse.fromRequest(request);
    response.setStatus(Status.Success);
    callback(response);
  }

  override cStoreRequest(request: DimseCStoreRequest, callback: (response: DimseCStoreResponse) => void): void {
    void handleStore(this.state.ctx, request, this.callingAe, this.tenant, this.audit).then(callback, (e: unknown) => {
      this.state.ctx.log.error({ err: e instanceof Error ? e.name : 'unknown' }, 'DIMSE C-STORE failed');
    });
  }

  /**
   * dcmjs-dimse's callback may be called once only, so responses are sent one by one with
   * `sendResponse` (pending responses stream out as matches/sub-operations progress) and the
   * callback is completed with nothing left to send.
   */
  private responder<R extends DimseResponse>(request: DimseRequest): (responses: R[]) => void {
    return (responses) => {
      for (const r of responses) this.sendResponse(request, r);
    };
  }

  private finish(service: string, work: Promise<void>, callback: (responses: never[]) => void): void {
    work
      .catch((e: unknown) => {
        this.state.ctx.log.error({ service, err: e instanceof Error ? e.name : 'unknown' }, 'DIMSE service failed');
      })
      .finally(() => callback([]));
  }

  override cFindRequest(request: DimseCFindRequest, callback: (responses: DimseCFindResponse[]) => void): void {
    this.finish(
      'C-FIND',
      handleFind(this.state.ctx, request, this.responder(request), this.cancelled, this.tenant.access, this.audit),
      callback,
    );
  }

  override cMoveRequest(request: DimseCMoveRequest, callback: (responses: DimseCMoveResponse[]) => void): void {
    const work = handleMove(
      this.state.ctx,
      request,
      this.responder(request),
      this.cancelled,
      this.tenant.access,
      this.audit,
    );
    this.finish('C-MOVE', work, callback);
  }

  override cGetRequest(request: DimseCGetRequest, callback: (responses: DimseCGetResponse[]) => void): void {
    const work = handleGet(
      this.state.ctx,
      request,
      this.responder(request),
      this.cancelled,
      this,
      this.tenant.access,
      this.audit,
    );
    this.finish('C-GET', work, callback);
  }

  override cCancelRequest(request: DimseCCancelRequest): void {
    this.cancelled.add(request.getMessageIdBeingRespondedTo());
  }

  override abort(): void {
    this.state.ctx.log.info('DIMSE association aborted by the peer');
  }
}

/** Starts the DIMSE SCP (C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET) on config.host:config.dicomPort. */
export async function startDimse(ctx: ServerContext, options: DimseOptions = {}): Promise<DimseListener> {
  const state: ListenerState = { ctx, active: 0, maxAssociations: options.maxAssociations ?? 32 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    state.active++;
    const scp = new LingshuScp(socket, state);
    // The socket is already connected; dcmjs-dimse's own Server sets this flag the same way.
    (scp as unknown as { connected: boolean }).connected = true;
    scp.on('networkError', () => socket.destroy());
    socket.once('close', () => {
      void scp.audit.flush();
      sockets.delete(socket);
      state.active--;
    });
  });
  const port = ctx.config.dicomPort ?? 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ctx.config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  ctx.log.info({ port: boundPort, aeTitle: ctx.config.aeTitle }, 'DIMSE listener started');
  return {
    port: boundPort,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
