import type { EventEmitter } from 'node:events';
import type { Analyzer } from '@lingshu/ai';
import { createChestCtAnalyzer } from '@lingshu/analyzer-chest-ct';
import type { Archive } from '@lingshu/archive';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config.js';
import type { ServerContext, ServerEventMap } from '../context.js';
import { forwardSeries } from '../dimse/forward.js';
import { migratePlatform } from '../platform/migrate.js';
import { JOBS_MIGRATIONS } from './migrations.js';
import { type JobService, openJobService } from './service.js';

/** The analyzers every Lingshu process has (a standalone worker may add more). */
export function builtInAnalyzers(): Analyzer[] {
  return [createChestCtAnalyzer()];
}

/**
 * Opens the jobs area: migrations, the queue and `study-stable` routing. Workers start on request
 * (`startServer` starts `config.aiWorkers`; `lingshu worker` its `--concurrency`), so one-shot
 * commands never take jobs. `context` gives the full server context once it exists (forwarding).
 */
export async function openJobs(
  archive: Archive,
  config: ServerConfig,
  log: Logger,
  events: EventEmitter<ServerEventMap>,
  context: () => ServerContext,
  modeFor?: (analyzerId: string, institutionPk: string | null) => Promise<string>,
): Promise<JobService> {
  await migratePlatform(archive.index.db, 'jobs', JOBS_MIGRATIONS);
  const forwardTo = config.aiForwardTo;
  const jobs = await openJobService({
    archive,
    log,
    events,
    analyzers: builtInAnalyzers(),
    timeoutSeconds: config.aiJobTimeoutSeconds,
    retryDelaySeconds: config.aiRetryDelaySeconds,
    listen: true,
    ...(modeFor ? { modeFor } : {}),
    // The trail is opened before this area; looked up when recording so the order stays free.
    audit: { record: (event) => context().platform.audit.record(event) },
    ...(forwardTo
      ? { forward: (study: string, series: string) => forwardSeries(context(), study, series, forwardTo) }
      : {}),
  });
  return jobs;
}
