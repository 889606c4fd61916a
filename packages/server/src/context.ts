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
