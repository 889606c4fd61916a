import type { EventEmitter } from 'node:events';
import type { ServerEventMap } from '../context.js';

export interface StableStudyTracker {
  /** Studies waiting for their quiet period to end. */
  pending(): number;
  /** Stops listening and clears every timer; no `study-stable` is emitted afterwards. */
  close(): void;
}

interface Pending {
  timer: NodeJS.Timeout;
  instances: number;
}

/**
 * Declares a study stable once no new instance has arrived for `stableAfterMs` (the DICOM world
 * has no "study complete" signal; PACS and routers use such a quiet period). Emits
 * `study-stable` once per quiet period; instances arriving later start a new period, and the
 * study is announced again when that one ends. `instances` counts the arrivals in the period.
 */
export function trackStableStudies(
  events: EventEmitter<ServerEventMap>,
  stableAfterMs: number,
  now: () => Date = () => new Date(),
): StableStudyTracker {
  const studies = new Map<string, Pending>();
  const fire = (studyInstanceUID: string): void => {
    const p = studies.get(studyInstanceUID);
    studies.delete(studyInstanceUID);
    if (p) events.emit('study-stable', { studyInstanceUID, instances: p.instances, stableAt: now() });
  };
  const onStored = (e: ServerEventMap['instance-stored'][0]): void => {
    const p = studies.get(e.studyInstanceUID);
    if (p) {
      p.instances++;
      p.timer.refresh();
      return;
    }
    const timer = setTimeout(() => fire(e.studyInstanceUID), stableAfterMs);
    // A pending quiet period must not keep the process alive on its own.
    timer.unref();
    studies.set(e.studyInstanceUID, { timer, instances: 1 });
  };
  events.on('instance-stored', onStored);
  return {
    pending: () => studies.size,
    close: () => {
      events.off('instance-stored', onStored);
      for (const p of studies.values()) clearTimeout(p.timer);
      studies.clear();
    },
  };
}
