import type { StoreResult } from '@lingshu/archive';
import type { ServerContext, ServerEventMap } from '../context.js';

export type StoreSource = ServerEventMap['instance-stored'][0]['source'];

/**
 * Emits `instance-stored` for a store result that added or replaced an instance. STOW-RS, the
 * DIMSE C-STORE SCP and the importer call it after `archive.store*`, so study-stable tracking
 * and later consumers see every new instance once. Identical duplicates and rejections are not
 * news and emit nothing. Returns whether an event was emitted.
 */
export function notifyStored(ctx: Pick<ServerContext, 'events'>, result: StoreResult, source: StoreSource): boolean {
  if (result.status !== 'stored' && result.status !== 'overwritten') return false;
  const { studyInstanceUID, seriesInstanceUID, sopInstanceUID } = result;
  if (!studyInstanceUID || !seriesInstanceUID || !sopInstanceUID) return false;
  ctx.events.emit('instance-stored', { studyInstanceUID, seriesInstanceUID, sopInstanceUID, source });
  return true;
}
