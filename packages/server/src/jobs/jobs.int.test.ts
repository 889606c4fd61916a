/**
 * AI orchestration on the embedded database (PGlite): study-stable → routing → pg-boss job →
 * the real chest CT analyzer → ai_results row + SR and SEG stored as new series of the study;
 * idempotent re-runs; cancellation; retries ending in the dead-letter list; forwarding of the
 * SR and SEG to a configured PACS (dcmtk's storescp, when installed).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHEST_CT_ANALYZER_VERSION } from '@lingshu/analyzer-chest-ct';
import { ALL_STUDIES, Archive } from '@lingshu/archive';
import { generateStudy, studyUid } from '@lingshu/phantom';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_CONFIG } from '../config.js';
import type { ServerContext, ServerEventMap } from '../context.js';
import { freePort, hasDcmtk } from '../dimse/testing.js';
import { openContext } from '../platform/open.js';
import type { JobsTables } from './migrations.js';
import { failingAnalyzer, jobsChestSpec, slowAnalyzer } from './testing/analyzers.js';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('AI jobs on PGlite', () => {
  let dir: string;
  let archive: Archive;
  let ctx: ServerContext;
  let study: string;
  let pacs: ChildProcess | undefined;
  let pacsDir: string;
  const results: Array<ServerEventMap['ai-result'][0]> = [];
  const jobEvents: Array<ServerEventMap['ai-job'][0]> = [];

  /** The study's series from the index (what QIDO-RS answers from). */
  const seriesOf = async (): Promise<Array<{ modality: string; uid: string; count: number }>> => {
    const r = await archive.index.executeSql(
      `SELECT se.modality, se.series_uid, se.num_instances FROM series se JOIN studies st ON st.pk = se.study_pk
        WHERE st.study_uid = $1 ORDER BY se.series_uid`,
      [study],
    );
    return (r.rows as Array<{ modality: string; series_uid: string; num_instances: number }>).map((s) => ({
      modality: s.modality,
      uid: s.series_uid,
      count: Number(s.num_instances),
    }));
  };
  const resultRows = () =>
    archive.index.db
      .withTables<JobsTables>()
      .selectFrom('ai_results')
      .selectAll()
      .where('study_uid', '=', study)
      .execute();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lingshu-jobs-'));
    archive = await Archive.open({ dataDir: dir });
    const spec = jobsChestSpec('jobs-chest', 501);
    const { files } = await generateStudy(spec);
    const stored = await archive.storeInstances(files.map((f) => ({ bytes: f.bytes })));
    expect(stored.every((s) => s.status === 'stored')).toBe(true);
    study = studyUid(spec, 'study');
    // A PACS to forward AI results to: dcmtk's storescp writing what it receives to a folder.
    pacsDir = join(dir, 'pacs');
    mkdirSync(pacsDir);
    const pacsPort = await freePort();
    if (hasDcmtk) pacs = spawn('storescp', ['-aet', 'PACS', '-od', pacsDir, '+xa', String(pacsPort)]);
    ctx = await openContext(
      archive,
      {
        ...DEFAULT_SERVER_CONFIG,
        dataDir: dir,
        dicomPort: null,
        demo: false,
        aiWorkers: 1,
        aiRetryDelaySeconds: 0,
        ...(hasDcmtk
          ? { remoteAes: [{ aeTitle: 'PACS', host: '127.0.0.1', port: pacsPort }], aiForwardTo: 'PACS' }
          : {}),
      },
      pino({ level: 'silent' }),
    );
    ctx.platform.jobs.registerAnalyzers([failingAnalyzer(), slowAnalyzer(20_000)]);
    await ctx.platform.jobs.startWorkers(1);
    ctx.events.on('ai-result', (e) => results.push(e));
    ctx.events.on('ai-job', (e) => jobEvents.push(e));
  }, 60_000);

  afterAll(async () => {
    await ctx?.platform.close();
    await archive?.close();
    pacs?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dry-run: the default rule routes the chest phantom to the chest CT analyzer, with reasons', async () => {
    const d = await ctx.platform.jobs.dryRun(study);
    expect(d.analyzers).toEqual([{ analyzerId: 'lingshu-chest-ct', ruleId: 'chest-ct', priority: 'routine' }]);
    expect(d.rules[0]?.conditions.map((c) => [c.condition, c.ok])).toEqual([
      ['modality', true],
      ['bodyPart', true],
      ['sliceThicknessMm', true],
    ]);
  });

  it('study-stable → job → result row, SR and SEG stored as new series of the same study', async () => {
    ctx.events.emit('study-stable', { studyInstanceUID: study, instances: 62, stableAt: new Date() });
    const event = await waitFor('ai-result', async () => results.find((r) => r.studyInstanceUID === study));
    expect(event).toMatchObject({ analyzerId: 'lingshu-chest-ct', status: 'ok', institutionPk: '1' });
    const rows = await resultRows();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      status: 'ok',
      analyzer_id: 'lingshu-chest-ct',
      analyzer_version: CHEST_CT_ANALYZER_VERSION,
    });
    expect(row.input_key).toMatch(/^[0-9a-f]{64}$/);
    expect(row.sr_sop_uid).toMatch(/^2\.25\.\d+$/);
    expect(row.seg_sop_uid).toMatch(/^2\.25\.\d+$/);
    const result = row.result as { provenance: { inputSopInstanceUIDs: string[] }; labels?: { grid: unknown } };
    expect(result.provenance.inputSopInstanceUIDs.length).toBeGreaterThan(0);
    expect(result.labels?.grid).toBeDefined();
    const series = await seriesOf();
    expect(series.map((s) => s.modality).sort()).toEqual(['CT', 'SEG', 'SR']);
    const sr = await archive.getInstanceMetadata(row.sr_sop_uid as string, ALL_STUDIES);
    expect((sr['00080060'] as { Value: string[] }).Value[0]).toBe('SR');
    // The job completes after the result is announced (and forwarded).
    const job = await waitFor('job completed', async () => {
      const [j] = await ctx.platform.jobs.listJobs({ studyUid: study });
      return j?.state === 'completed' ? j : undefined;
    });
    expect(job).toMatchObject({ attempts: 1, reason: 'study-stable', resultPk: String(row.pk) });
    expect(jobEvents.filter((e) => e.jobId === job.jobId).map((e) => e.state)).toEqual([
      'queued',
      'active',
      'completed',
    ]);
    // Forwarded to the PACS: the SEG and the SR (the job completes after the forward).
    // storescp names files <modality prefix>.<SOP Instance UID>.
    const received = readdirSync(pacsDir).map((f) => f.slice(f.indexOf('.') + 1));
    if (hasDcmtk) expect(received.sort()).toEqual([row.seg_sop_uid, row.sr_sop_uid].sort());
    else console.warn('SKIP: forwarding to a PACS needs dcmtk (storescp)');
  }, 60_000);

  it('re-running the same analysis creates no second row and no second SR/SEG', async () => {
    const before = await seriesOf();
    const [queued] = await ctx.platform.jobs.enqueueForStudy(study, { reason: 'manual', priority: 'stat' });
    expect(queued).toMatchObject({ queued: true, priority: 'stat' });
    await waitFor('re-run', async () => {
      const j = await ctx.platform.jobs.getJob(queued!.jobId as string);
      return j.state === 'completed' ? j : undefined;
    });
    expect(await resultRows()).toHaveLength(1);
    // A crash after storing the objects but before recording the row: the re-run derives the same UIDs.
    await archive.index.db.withTables<JobsTables>().deleteFrom('ai_results').where('study_uid', '=', study).execute();
    const [again] = await ctx.platform.jobs.enqueueForStudy(study, { reason: 'manual' });
    await waitFor('re-analysis', async () => {
      const j = await ctx.platform.jobs.getJob(again!.jobId as string);
      return j.state === 'completed' ? j : undefined;
    });
    expect(await resultRows()).toHaveLength(1);
    expect(await seriesOf()).toEqual(before);
  }, 60_000);

  it('a second stable event while a job waits does not queue a duplicate', async () => {
    await ctx.platform.jobs.enqueueForStudy(study, { reason: 'manual', analyzerIds: ['test-slow'] });
    const active = await waitFor('slow job active', async () =>
      (await ctx.platform.jobs.listJobs({ state: 'active' })).find((j) => j.analyzerId === 'test-slow'),
    );
    // The worker is busy: the next two requests for the same study and analyzer collapse into one queued job.
    const a = await ctx.platform.jobs.enqueueForStudy(study, { reason: 'manual', analyzerIds: ['test-slow'] });
    const b = await ctx.platform.jobs.enqueueForStudy(study, { reason: 'manual', analyzerIds: ['test-slow'] });
    expect(a[0]?.queued).toBe(true);
    expect(b[0]).toMatchObject({ queued: false, jobId: null });
    // Cancellation: the running analysis is aborted, the waiting one never starts.
    await ctx.platform.jobs.cancelJob(a[0]?.jobId as string);
    await ctx.platform.jobs.cancelJob(active.jobId);
    const cancelled = await waitFor('cancelled', async () => {
      const j = await ctx.platform.jobs.getJob(active.jobId);
      return j.state === 'cancelled' && j.errorCode === 'AI_CANCELLED' ? j : undefined;
    });
    expect(cancelled.finishedAt).not.toBeNull();
    expect((await ctx.platform.jobs.getJob(a[0]?.jobId as string)).state).toBe('cancelled');
    const rows = await resultRows();
    expect(rows.filter((r) => r.analyzer_id === 'test-slow')).toHaveLength(0);
    await expect(ctx.platform.jobs.cancelJob(active.jobId)).rejects.toMatchObject({ code: 'HTTP_BAD_PARAMETER' });
    await expect(ctx.platform.jobs.getJob('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      code: 'JOB_NOT_FOUND',
    });
  }, 60_000);

  it('a failing analyzer is retried, then listed as a dead letter; an admin retry runs it again', async () => {
    const [job] = await ctx.platform.jobs.enqueueForStudy(study, { reason: 'manual', analyzerIds: ['test-failing'] });
    const dead = await waitFor('dead letter', async () =>
      (await ctx.platform.jobs.listJobs({ state: 'dead' })).find((j) => j.jobId === job?.jobId),
    );
    expect(dead).toMatchObject({ attempts: 4, errorCode: 'AI_FAILED', analyzerId: 'test-failing' });
    expect(jobEvents.filter((e) => e.jobId === job?.jobId && e.state === 'active')).toHaveLength(4);
    await ctx.platform.jobs.retryJob(dead.jobId);
    await waitFor('fifth attempt', async () =>
      jobEvents.filter((e) => e.jobId === job?.jobId && e.state === 'active').length === 5 ? true : undefined,
    );
  }, 60_000);
});
