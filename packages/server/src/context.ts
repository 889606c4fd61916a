import type { EventEmitter } from 'node:events';
import type { Archive } from '@lingshu/archive';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import type { Platform } from './platform/open.js';

/** Events other layers consume (the AI routing issue listens for `study-stable`). */
export interface ServerEventMap {
  /** A new instance was stored (not emitted for identical duplicates). */
  'instance-stored': [
    {
      studyInstanceUID: string;
      seriesInstanceUID: string;
      sopInstanceUID: string;
      source: 'stow' | 'dimse' | 'import';
    },
  ];
  /** No new instance arrived for `stableAfterMs`; emitted once per quiet period per study. */
  'study-stable': [{ studyInstanceUID: string; instances: number; stableAt: Date }];
  /** An AI result was stored (jobs area); `findings` counts them (oversight derives critical findings). */
  'ai-result': [
    {
      studyInstanceUID: string;
      analyzerId: string;
      resultPk: string;
      status: 'ok' | 'not-applicable' | 'failed';
      institutionPk: string;
      findings: number;
    },
  ];
  /** A reader opened (acquired), closed (released) or abandoned (expired) a study (worklist/locks.ts). */
  'study-lock': [
    {
      studyInstanceUID: string;
      state: 'acquired' | 'released' | 'expired';
      userId: string;
      /** Display name of the lock holder (not patient data). */
      lockedBy: string;
      since: string;
    },
  ];
  /** A report was signed or got an addendum (reports/service.ts); the outputs (PDF, SR, FHIR, HL7) listen for it. */
  'report-signed': [{ studyInstanceUID: string; reportPk: string; institutionPk: string }];
  /** An AI job changed state (queued, active, completed, retry, dead, cancelled). */
  'ai-job': [
    {
      jobId: string;
      studyInstanceUID: string;
      analyzerId: string;
      state: 'queued' | 'active' | 'retry' | 'completed' | 'cancelled' | 'failed' | 'dead';
      priority: 'stat' | 'urgent' | 'routine';
      worker?: string;
      errorCode?: string;
      /** Queue wait (queued → active) or run time (active → end), in ms. */
      durationMs?: number;
    },
  ];
}

/** What every adapter (DICOMweb, DIMSE) gets: no module-level state. */
export interface ServerContext {
  archive: Archive;
  config: ServerConfig;
  log: Logger;
  events: EventEmitter<ServerEventMap>;
  /** Identity, institutions, audit, AI jobs (see platform/open.ts). */
  platform: Platform;
}
