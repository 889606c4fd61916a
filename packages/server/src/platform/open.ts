import { EventEmitter } from 'node:events';
import type { Archive } from '@lingshu/archive';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config.js';
import type { ServerContext, ServerEventMap } from '../context.js';

/**
 * The platform services over the archive's database: identity, institutions, audit, AI jobs.
 * Each area adds its service here and opens it (migrations included) in `openPlatform`.
 */
export interface Platform {
  /** Stops what the areas started (job workers, timers); the archive is closed by its owner. */
  close(): Promise<void>;
}

export async function openPlatform(
  _archive: Archive,
  _config: ServerConfig,
  _log: Logger,
  _events: EventEmitter<ServerEventMap>,
): Promise<Platform> {
  const closers: Array<() => Promise<void>> = [];
  return {
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}

/** Builds the context every adapter gets: event bus + platform services over `archive`. */
export async function openContext(archive: Archive, config: ServerConfig, log: Logger): Promise<ServerContext> {
  const events = new EventEmitter<ServerEventMap>();
  const platform = await openPlatform(archive, config, log, events);
  return { archive, config, log, events, platform };
}
