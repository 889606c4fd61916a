import { EventEmitter } from 'node:events';
import type { Archive } from '@lingshu/archive';
import type { Logger } from 'pino';
import { AuditTrail } from '../audit/trail.js';
import { openAuth } from '../auth/open.js';
import type { AuthService } from '../auth/service.js';
import type { ServerConfig } from '../config.js';
import type { ServerContext, ServerEventMap } from '../context.js';
import { openJobs } from '../jobs/open.js';
import type { JobService } from '../jobs/service.js';
import { createServerMetrics, type ServerMetrics } from '../metrics/serverMetrics.js';
import { type OutputService, openOutputs } from '../outputs/service.js';
import { type OversightService, openOversight } from '../oversight/service.js';
import { openReports, type ReportService } from '../reports/service.js';
import { openWorklist, type WorklistService } from '../worklist/service.js';

/**
 * The platform services over the archive's database: identity, institutions, audit, AI jobs.
 * Each area adds its service here and opens it (migrations included) in `openPlatform`.
 */
export interface Platform {
  /** Users, sessions, API tokens, login (auth/service.ts). */
  auth: AuthService;
  /** The hash-chained audit trail (audit/trail.ts); flushed on close. */
  audit: AuditTrail;
  /** AI orchestration: routing rules, the job queue, workers, stored results (jobs/service.ts). */
  jobs: JobService;
  /** AI autonomy, reviews of AI findings, notifications, monitoring (oversight/service.ts). */
  oversight: OversightService;
  /** Prometheus metrics of this process (metrics/serverMetrics.ts). */
  metrics: ServerMetrics;
  /** The reading worklist and study locks (worklist/service.ts). */
  worklist: WorklistService;
  /** Structured reports: drafts, autosave, QC, signing, addenda, versions (reports/service.ts). */
  reports: ReportService;
  /** Report outputs on signing: PDF, encapsulated PDF + SR, FHIR, HL7 ORU (outputs/service.ts). */
  outputs: OutputService;
  /** Stops what the areas started (job workers, timers); the archive is closed by its owner. */
  close(): Promise<void>;
}

export async function openPlatform(
  archive: Archive,
  config: ServerConfig,
  log: Logger,
  events: EventEmitter<ServerEventMap>,
): Promise<Platform> {
  const closers: Array<() => Promise<void>> = [];
  // Opened first and closed last: the other areas' closers may still record events.
  const audit = await AuditTrail.open(archive, log);
  closers.push(() => audit.close());
  const auth = await openAuth(archive, config, log, () => audit);
  // Before jobs: it listens for their results, and closes after them (closers run in reverse).
  const oversight = await openOversight({ archive, config, log, events, audit });
  closers.push(() => oversight.close());
  // AI result forwarding calls the DIMSE adapter, which takes the full context (built lazily).
  const jobs = await openJobs(
    archive,
    config,
    log,
    events,
    () => ({ archive, config, log, events, platform }),
    oversight.modeFor,
  );
  closers.push(() => jobs.close());
  const metrics = createServerMetrics(archive, events);
  closers.push(async () => metrics.close());
  const worklist = await openWorklist({ archive, events, oversight });
  closers.push(() => worklist.close());
  const reports = await openReports({ archive, events, jobs, oversight, locks: worklist.locks });
  const outputs = await openOutputs({
    archive,
    events,
    reports,
    jobs,
    audit,
    log,
    config: {
      ...(config.pdfFontPath ? { pdfFontPath: config.pdfFontPath } : {}),
      hl7Destinations: config.hl7Destinations ?? [],
    },
  });
  closers.push(() => outputs.close());
  const platform: Platform = {
    auth,
    audit,
    jobs,
    oversight,
    metrics,
    worklist,
    reports,
    outputs,
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
  return platform;
}

/** Builds the context every adapter gets: event bus + platform services over `archive`. */
export async function openContext(archive: Archive, config: ServerConfig, log: Logger): Promise<ServerContext> {
  const events = new EventEmitter<ServerEventMap>();
  const platform = await openPlatform(archive, config, log, events);
  return { archive, config, log, events, platform };
}
