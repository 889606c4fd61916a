import type { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import {
  type Analyzer,
  matchStudy,
  type Priority,
  type RoutingDecision,
  type RoutingRule,
  validateRules,
} from '@lingshu/ai';
import type { Archive } from '@lingshu/archive';
import { LingshuError, toLingshuError } from '@lingshu/dicom';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { AuditSink } from '../audit/types.js';
import type { ServerEventMap } from '../context.js';
import { ANALYZE_QUEUE, BOSS_PRIORITY, bossSchema, RETRY_LIMIT, startBoss } from './boss.js';
import { type JobListFilter, type JobRun, listJobRuns, listResults, markRun, type StoredResult } from './queries.js';
import { loadRules, saveRules } from './rulesStore.js';
import { type AnalyzeJobData, runAnalyzeJob } from './runJob.js';
import { loadStudyFacts } from './studyFacts.js';

export interface JobServiceOptions {
  archive: Archive;
  log: Logger;
  events: EventEmitter<ServerEventMap>;
  analyzers: readonly Analyzer[];
  /** Active-job timeout (s): longer runs are aborted and retried; a dead worker's job is retried after it. */
  timeoutSeconds: number;
  retryDelaySeconds: number;
  /** Enqueue on `study-stable` (the server); off in standalone workers and CLI commands. */
  listen: boolean;
  forward?: (studyUid: string, seriesUid: string) => Promise<unknown>;
  /** Audit trail for result writes and forwards (looked up when recording). */
  audit?: AuditSink;
  /**
   * Autonomy mode of an analyzer at an institution (oversight area). Analyzers in mode 'off' are
   * not queued. Absent: every routed analyzer runs.
   */
  modeFor?: (analyzerId: string, institutionPk: string | null) => Promise<string>;
  /** How often idle workers poll the queue (s, ≥ 0.5). */
  pollingIntervalSeconds?: number;
}

export interface EnqueuedJob {
  jobId: string | null;
  analyzerId: string;
  priority: Priority;
  ruleId?: string;
  /** False when an identical job was already waiting (singleton per study and analyzer) or the analyzer is off. */
  queued: boolean;
  /** Set when the analyzer was routed but not queued because its autonomy mode is 'off' here. */
  skipped?: 'autonomy-off';
}

export interface DryRun extends RoutingDecision {
  studyInstanceUID: string;
}

/** AI orchestration: routing rules, the pg-boss queue, workers and stored results (`platform.jobs`). */
export interface JobService {
  readonly analyzers: ReadonlyMap<string, Analyzer>;
  /** Adds analyzers (standalone workers load extra ones from a module) before workers start. */
  registerAnalyzers(list: readonly Analyzer[]): void;
  rules(): Promise<RoutingRule[]>;
  /** Validates and replaces the ordered rule list (RULE_INVALID naming the bad field). */
  setRules(raw: unknown, updatedBy: string): Promise<RoutingRule[]>;
  dryRun(studyUid: string, orderPriority?: Priority): Promise<DryRun>;
  /** Routes a stored study and queues one job per analyzer (or the given analyzers). */
  enqueueForStudy(
    studyUid: string,
    options: { reason: string; priority?: Priority; analyzerIds?: string[] },
  ): Promise<EnqueuedJob[]>;
  listJobs(filter?: JobListFilter): Promise<JobRun[]>;
  getJob(jobId: string): Promise<JobRun>;
  retryJob(jobId: string): Promise<void>;
  cancelJob(jobId: string): Promise<void>;
  /** Results of a study; `institutionPks` null = every institution. */
  results(studyUid: string, institutionPks: readonly string[] | null): Promise<StoredResult[]>;
  /** Starts `concurrency` in-process workers (idempotent per call: adds more). */
  startWorkers(concurrency: number): Promise<void>;
  close(): Promise<void>;
}

const JOB_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkJobId(jobId: string): void {
  if (!JOB_ID_RE.test(jobId)) throw new LingshuError('JOB_NOT_FOUND', 'No AI job has this id');
}

export async function openJobService(o: JobServiceOptions): Promise<JobService> {
  const { archive, log, events } = o;
  const analyzers = new Map<string, Analyzer>(o.analyzers.map((a) => [a.descriptor.id, a]));
  const boss: PgBoss = await startBoss(archive, {
    timeoutSeconds: o.timeoutSeconds,
    retryDelaySeconds: o.retryDelaySeconds,
  });
  boss.on('error', (e: Error) => log.warn({ kind: e.name }, 'job queue error'));
  const schema = bossSchema(archive);
  const running = new Set<AbortController>();
  let workerCount = 0;
  let closed = false;

  const known = (): ReadonlySet<string> => new Set(analyzers.keys());

  const dryRun = async (studyUid: string, orderPriority?: Priority): Promise<DryRun> => {
    const found = await loadStudyFacts(archive, studyUid);
    if (!found) throw new LingshuError('ARCHIVE_NOT_FOUND', 'No stored study has this Study Instance UID');
    const decision = matchStudy(await loadRules(archive), found.facts, orderPriority);
    return { studyInstanceUID: studyUid, ...decision };
  };

  const enqueueForStudy: JobService['enqueueForStudy'] = async (studyUid, options) => {
    let routed: Array<{ analyzerId: string; priority: Priority; ruleId?: string }>;
    if (options.analyzerIds) {
      for (const id of options.analyzerIds) {
        if (!analyzers.has(id))
          throw new LingshuError('AI_BAD_INPUT', 'Unknown analyzer id', { details: { analyzerId: id } });
      }
      if (!(await loadStudyFacts(archive, studyUid)))
        throw new LingshuError('ARCHIVE_NOT_FOUND', 'No stored study has this Study Instance UID');
      routed = options.analyzerIds.map((analyzerId) => ({ analyzerId, priority: options.priority ?? 'routine' }));
    } else {
      routed = (await dryRun(studyUid, options.priority)).analyzers;
    }
    const out: EnqueuedJob[] = [];
    const owner = o.modeFor && routed.length > 0 ? (await loadStudyFacts(archive, studyUid))?.owner : undefined;
    for (const r of routed) {
      if (o.modeFor && (await o.modeFor(r.analyzerId, owner?.institutionPk ?? null)) === 'off') {
        out.push({
          jobId: null,
          analyzerId: r.analyzerId,
          priority: r.priority,
          ...(r.ruleId ? { ruleId: r.ruleId } : {}),
          queued: false,
          skipped: 'autonomy-off',
        });
        continue;
      }
      const data: AnalyzeJobData = {
        studyUid,
        analyzerId: r.analyzerId,
        priority: r.priority,
        reason: options.reason,
        ...(r.ruleId ? { ruleId: r.ruleId } : {}),
      };
      const jobId = await boss.send(ANALYZE_QUEUE, data, {
        priority: BOSS_PRIORITY[r.priority],
        singletonKey: `${studyUid}:${r.analyzerId}`,
      });
      if (jobId) {
        await markRun(archive, jobId, {
          insert: {
            study_uid: studyUid,
            analyzer_id: r.analyzerId,
            priority: r.priority,
            reason: options.reason,
            rule_id: r.ruleId ?? null,
          },
          state: 'queued',
        });
        events.emit('ai-job', {
          jobId,
          studyInstanceUID: studyUid,
          analyzerId: r.analyzerId,
          state: 'queued',
          priority: r.priority,
        });
      }
      out.push({
        jobId,
        analyzerId: r.analyzerId,
        priority: r.priority,
        ...(r.ruleId ? { ruleId: r.ruleId } : {}),
        queued: jobId !== null,
      });
    }
    return out;
  };

  const onStable = (e: ServerEventMap['study-stable'][0]): void => {
    if (closed) return;
    enqueueForStudy(e.studyInstanceUID, { reason: 'study-stable' }).then(
      (jobs) => log.info({ jobs: jobs.filter((j) => j.queued).length }, 'AI jobs queued for a stable study'),
      (err: unknown) => log.warn({ code: toLingshuError(err).code }, 'AI routing failed for a stable study'),
    );
  };
  if (o.listen) events.on('study-stable', onStable);

  const handle = async (workerName: string, job: PgBoss.JobWithMetadata<AnalyzeJobData>): Promise<unknown> => {
    const attempt = job.retryCount + 1;
    const base = {
      jobId: job.id,
      studyInstanceUID: job.data.studyUid,
      analyzerId: job.data.analyzerId,
      priority: job.data.priority,
    };
    const startedAt = Date.now();
    await markRun(archive, job.id, {
      state: 'active',
      attempts: attempt,
      worker: workerName,
      started: true,
      data: job.data,
    });
    events.emit('ai-job', {
      ...base,
      state: 'active',
      worker: workerName,
      durationMs: startedAt - job.createdOn.getTime(),
    });
    const ac = new AbortController();
    running.add(ac);
    // Abort a little before pg-boss gives up on the handler, so the analyzer stops too.
    let timedOut = false;
    const timeout = setTimeout(
      () => {
        timedOut = true;
        ac.abort();
      },
      Math.max(500, job.expireInSeconds * 1000 - 250),
    );
    const poll = setInterval(() => {
      boss.getJobById<AnalyzeJobData>(ANALYZE_QUEUE, job.id).then(
        (j) => {
          if (j?.state === 'cancelled') ac.abort();
        },
        () => undefined,
      );
    }, 1000);
    try {
      const outcome = await runAnalyzeJob(
        {
          archive,
          log,
          events,
          analyzers,
          worker: workerName,
          ...(o.forward ? { forward: o.forward } : {}),
          ...(o.audit ? { audit: o.audit } : {}),
        },
        job.id,
        job.data,
        ac.signal,
      );
      await markRun(archive, job.id, { state: 'completed', resultPk: outcome.resultPk });
      events.emit('ai-job', { ...base, state: 'completed', worker: workerName, durationMs: Date.now() - startedAt });
      return { resultPk: outcome.resultPk, reused: outcome.reused };
    } catch (e) {
      const err = timedOut
        ? new LingshuError('AI_FAILED', `The analysis took longer than ${job.expireInSeconds} s`)
        : toLingshuError(e);
      const current = await boss.getJobById(ANALYZE_QUEUE, job.id).catch(() => null);
      const state = current?.state === 'cancelled' ? 'cancelled' : job.retryCount >= job.retryLimit ? 'dead' : 'retry';
      const message = err.code === 'INTERNAL' ? 'Internal error in the analysis' : err.message;
      await markRun(archive, job.id, { state, error: { code: err.code, message } });
      events.emit('ai-job', {
        ...base,
        state,
        worker: workerName,
        errorCode: err.code,
        durationMs: Date.now() - startedAt,
      });
      log.warn({ code: err.code, analyzerId: job.data.analyzerId, attempt, state }, 'AI job failed');
      throw new Error(`${err.code}: ${message}`);
    } finally {
      clearTimeout(timeout);
      clearInterval(poll);
      running.delete(ac);
    }
  };

  const startWorkers = async (concurrency: number): Promise<void> => {
    for (let n = 0; n < concurrency; n++) {
      const name = `${hostname()}:${process.pid}:${++workerCount}`;
      let id: string | undefined;
      id = await boss.work<AnalyzeJobData>(
        ANALYZE_QUEUE,
        { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: o.pollingIntervalSeconds ?? 0.5 },
        async ([job]) => {
          if (!job) return undefined;
          try {
            return await handle(name, job);
          } finally {
            // After a job, fetch the next one at once instead of waiting for the polling interval.
            if (id && !closed) boss.notifyWorker(id);
          }
        },
      );
    }
  };

  return {
    analyzers,
    registerAnalyzers: (list) => {
      for (const a of list) analyzers.set(a.descriptor.id, a);
    },
    rules: () => loadRules(archive),
    setRules: async (raw, updatedBy) => {
      const rules = validateRules(raw, known());
      await saveRules(archive, rules, updatedBy);
      return rules;
    },
    dryRun,
    enqueueForStudy,
    listJobs: (filter = {}) => listJobRuns(archive, schema, filter),
    getJob: async (jobId) => {
      checkJobId(jobId);
      const [job] = await listJobRuns(archive, schema, { jobId });
      if (!job) throw new LingshuError('JOB_NOT_FOUND', 'No AI job has this id');
      return job;
    },
    retryJob: async (jobId) => {
      checkJobId(jobId);
      const job = await boss.getJobById(ANALYZE_QUEUE, jobId);
      if (!job) throw new LingshuError('JOB_NOT_FOUND', 'No AI job has this id');
      if (job.state !== 'failed' && job.state !== 'cancelled')
        throw new LingshuError('HTTP_BAD_PARAMETER', 'Only failed (dead-letter) or cancelled jobs can be retried');
      if (job.state === 'cancelled') await boss.resume(ANALYZE_QUEUE, jobId);
      else await boss.retry(ANALYZE_QUEUE, jobId);
      await markRun(archive, jobId, { state: 'retry' });
    },
    cancelJob: async (jobId) => {
      checkJobId(jobId);
      const job = await boss.getJobById(ANALYZE_QUEUE, jobId);
      if (!job) throw new LingshuError('JOB_NOT_FOUND', 'No AI job has this id');
      if (job.state === 'completed' || job.state === 'failed' || job.state === 'cancelled')
        throw new LingshuError('HTTP_BAD_PARAMETER', 'The job has already ended');
      await boss.cancel(ANALYZE_QUEUE, jobId);
      await markRun(archive, jobId, { state: 'cancelled' });
      events.emit('ai-job', {
        jobId,
        studyInstanceUID: (job.data as AnalyzeJobData).studyUid,
        analyzerId: (job.data as AnalyzeJobData).analyzerId,
        state: 'cancelled',
        priority: (job.data as AnalyzeJobData).priority,
      });
    },
    results: (studyUid, institutionPks) => listResults(archive, studyUid, institutionPks),
    startWorkers,
    close: async () => {
      if (closed) return;
      closed = true;
      events.off('study-stable', onStable);
      // Let running analyses finish (bounded); what is left stays active and is retried after the timeout.
      await boss.stop({ graceful: true, wait: true, timeout: 15_000 });
      for (const ac of running) ac.abort();
    },
  };
}

export { RETRY_LIMIT };
