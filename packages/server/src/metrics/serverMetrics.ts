import type { EventEmitter } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Archive } from '@lingshu/archive';
import type { ServerEventMap } from '../context.js';
import { type Counter, type Histogram, MetricsRegistry, SECONDS_BUCKETS } from './registry.js';

/** The server's metrics: the registry plus the instruments other adapters feed. */
export interface ServerMetrics {
  registry: MetricsRegistry;
  httpDuration: Histogram;
  ingestBytes: Counter;
  dimseAssociations: Counter;
  /** Stops listening and sampling. */
  close(): void;
}

const JOB_BUCKETS: readonly number[] = [0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];
const GAUGE_CACHE_MS = 5000;

/**
 * Creates the registry and subscribes it to the event bus (instances stored, AI jobs and
 * results) and to the process (memory, event-loop lag). Database gauges (job states, archive
 * size) are read at scrape time and cached for ≤ 5 s.
 */
export function createServerMetrics(archive: Archive, events: EventEmitter<ServerEventMap>): ServerMetrics {
  const registry = new MetricsRegistry();
  const stored = registry.counter('lingshu_instances_stored_total', 'DICOM instances stored, by ingest path', [
    'source',
  ]);
  const ingestBytes = registry.counter(
    'lingshu_ingest_bytes_total',
    'Request bytes received by ingest endpoints (STOW-RS bodies), by ingest path',
    ['source'],
  );
  const httpDuration = registry.histogram(
    'lingshu_http_request_duration_seconds',
    'HTTP request duration by route pattern, method and status',
    ['route', 'method', 'status'],
    SECONDS_BUCKETS,
  );
  const dimseAssociations = registry.counter(
    'lingshu_dimse_associations_total',
    'DIMSE associations accepted or rejected',
    ['outcome'],
  );
  const aiJobs = registry.gauge('lingshu_ai_jobs', 'AI jobs by state (from the job table, cached up to 5 s)', [
    'state',
  ]);
  const jobDuration = registry.histogram(
    'lingshu_ai_job_duration_seconds',
    'AI job run time (active to end), by analyzer',
    ['analyzer'],
    JOB_BUCKETS,
  );
  const queueLatency = registry.histogram(
    'lingshu_ai_queue_latency_seconds',
    'AI job wait in the queue (queued to active)',
    [],
    JOB_BUCKETS,
  );
  const aiResults = registry.counter('lingshu_ai_results_total', 'AI results stored, by analyzer and status', [
    'analyzer',
    'status',
  ]);
  const studies = registry.gauge('lingshu_archive_studies', 'Studies in the archive (cached up to 5 s)');
  const instances = registry.gauge('lingshu_archive_instances', 'Instances in the archive (cached up to 5 s)');
  const rss = registry.gauge('lingshu_process_resident_memory_bytes', 'Resident set size of this process');
  const heap = registry.gauge('lingshu_process_heap_used_bytes', 'V8 heap in use');
  const lag = registry.gauge('lingshu_event_loop_lag_seconds', 'Event-loop delay since the last scrape', ['quantile']);
  const uptime = registry.gauge('lingshu_process_uptime_seconds', 'Seconds since the process started');

  const onStored = (e: ServerEventMap['instance-stored'][0]): void => stored.inc({ source: e.source });
  const onJob = (e: ServerEventMap['ai-job'][0]): void => {
    if (e.durationMs === undefined) return;
    if (e.state === 'active') queueLatency.observe({}, e.durationMs / 1000);
    else if (e.state === 'completed' || e.state === 'failed' || e.state === 'dead' || e.state === 'retry')
      jobDuration.observe({ analyzer: e.analyzerId }, e.durationMs / 1000);
  };
  const onResult = (e: ServerEventMap['ai-result'][0]): void =>
    aiResults.inc({ analyzer: e.analyzerId, status: e.status });
  events.on('instance-stored', onStored);
  events.on('ai-job', onJob);
  events.on('ai-result', onResult);

  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  registry.onCollect(() => {
    const m = process.memoryUsage();
    rss.set({}, m.rss);
    heap.set({}, m.heapUsed);
    uptime.set({}, Math.round(process.uptime()));
    // Histogram figures are in nanoseconds; NaN/0 before the first sample.
    lag.set({ quantile: '0.5' }, (loop.percentile(50) || 0) / 1e9);
    lag.set({ quantile: '0.99' }, (loop.percentile(99) || 0) / 1e9);
    lag.set({ quantile: '1' }, (loop.max || 0) / 1e9);
    loop.reset();
  });

  let dbAt = 0;
  registry.onCollect(async () => {
    if (Date.now() - dbAt < GAUGE_CACHE_MS) return;
    dbAt = Date.now();
    const counts = await archive.counts();
    studies.set({}, counts.studies);
    instances.set({}, counts.instances);
    const { rows } = (await archive.index.executeSql(`SELECT to_regclass('ai_job_runs') IS NOT NULL AS ok`)) as {
      rows: Array<{ ok: boolean }>;
    };
    if (!rows[0]?.ok) return;
    const states = (await archive.index.executeSql(
      'SELECT state, count(*)::int AS n FROM ai_job_runs GROUP BY state',
    )) as { rows: Array<{ state: string; n: number }> };
    aiJobs.reset();
    for (const s of ['queued', 'active', 'retry', 'completed', 'failed', 'dead', 'cancelled'])
      aiJobs.set({ state: s }, 0);
    for (const r of states.rows) aiJobs.set({ state: r.state }, Number(r.n));
  });

  return {
    registry,
    httpDuration,
    ingestBytes,
    dimseAssociations,
    close: () => {
      events.off('instance-stored', onStored);
      events.off('ai-job', onJob);
      events.off('ai-result', onResult);
      loop.disable();
    },
  };
}
