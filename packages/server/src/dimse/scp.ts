import type { ServerContext } from '../context.js';

export interface DimseListener {
  port: number;
  close(): Promise<void>;
}

/** Starts the DIMSE SCP (C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET) on config.host:config.dicomPort. */
export async function startDimse(_ctx: ServerContext): Promise<DimseListener> {
  throw new Error('not implemented');
}
