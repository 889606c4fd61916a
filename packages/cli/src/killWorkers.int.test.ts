/**
 * Scale-out on PostgreSQL: three `lingshu worker` processes share one queue and one archive;
 * 200 jobs; one worker is SIGKILLed while it holds a job. Every job must finish exactly once:
 * one result row per study, one completed analyzer run per study, and the killed worker's job
 * finished by another worker after the queue's timeout recovered it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_STUDIES, Archive } from '@lingshu/archive';
import { uidFromName } from '@lingshu/dicom';
import { DEFAULT_SERVER_CONFIG, openContext, type ServerContext } from '@lingshu/server';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ctInstance, REPO_ROOT } from './testing/fixtures.js';
import { analyzers } from './testing/sleepAnalyzers.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: the multi-worker kill test needs PostgreSQL (DATABASE_URL)');

const JOBS = 200;
const TIMEOUT_S = 8;
const MODULE = join(REPO_ROOT, 'packages/cli/src/testing/sleepAnalyzers.ts');

interface RunRecord {
  event: 'start' | 'end';
  study: string;
  pid: number;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!databaseUrl)('lingshu worker × 3 on PostgreSQL, one killed mid-job', () => {
  const schema = `lingshu_test_kill_${process.pid}_${Date.now().toString(36)}`;
  let dir: string;
  let runLog: string;
  let archive: Archive;
  let ctx: ServerContext;
  const workers: Array<{
    child: ChildProcess;
    out: string;
    exit: Promise<{ code: number | null; signal: string | null }>;
  }> = [];
  const studies = Array.from({ length: JOBS }, (_, i) => uidFromName(`cli-test-study:kill-${i}`));
  const hold = studies[30] as string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lingshu-kill-'));
    runLog = join(dir, 'runs.jsonl');
    writeFileSync(runLog, '');
    archive = await Archive.open({ dataDir: dir, databaseUrl: databaseUrl as string, schema });
    const stored = await archive.storeInstances(
      studies.map((_, i) => ({ bytes: ctInstance({ study: `kill-${i}`, series: 's', instance: 1 }) })),
    );
    expect(stored.filter((s) => s.status === 'stored')).toHaveLength(JOBS);
    ctx = await openContext(
      archive,
      {
        ...DEFAULT_SERVER_CONFIG,
        dataDir: dir,
        databaseUrl: databaseUrl as string,
        dbSchema: schema,
        dicomPort: null,
        demo: false,
        aiWorkers: 0,
        aiJobTimeoutSeconds: TIMEOUT_S,
        aiRetryDelaySeconds: 0,
      },
      pino({ level: 'silent' }),
    );
    ctx.platform.jobs.registerAnalyzers(analyzers);
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exit));
    await ctx?.platform.close();
    await archive?.close();
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.query(`DROP SCHEMA IF EXISTS ${schema}_boss CASCADE`);
    await c.end();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const records = (): RunRecord[] =>
    readFileSync(runLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RunRecord);

  it('finishes all 200 jobs exactly once; the killed worker’s job is retried elsewhere', async () => {
    for (let n = 0; n < 3; n++) {
      const child = spawn(process.execPath, [CLI, 'worker', '--analyzers-module', MODULE], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          LANG: 'en_US.UTF-8',
          LC_ALL: '',
          DATABASE_URL: databaseUrl,
          LINGSHU_DB_SCHEMA: schema,
          LINGSHU_DATA_DIR: dir,
          LINGSHU_AI_JOB_TIMEOUT_SECONDS: String(TIMEOUT_S),
          LINGSHU_AI_RETRY_DELAY_SECONDS: '0',
          LINGSHU_LOG_LEVEL: 'warn',
          LINGSHU_TEST_RUN_LOG: runLog,
          LINGSHU_TEST_HOLD_STUDY: hold,
          LINGSHU_TEST_HOLD_MARKER: join(dir, 'hold-marker'),
        },
      });
      const w = {
        child,
        out: '',
        exit: new Promise<{ code: number | null; signal: string | null }>((resolve) =>
          child.on('exit', (code, signal) => resolve({ code, signal })),
        ),
      };
      child.stdout?.on('data', (d: Buffer) => (w.out += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (w.out += d.toString()));
      workers.push(w);
    }
    await waitFor(
      '3 workers ready',
      () => (workers.every((w) => /AI worker ready/.test(w.out)) ? true : undefined),
      45_000,
    );
    expect(workers.every((w) => w.out.includes('test-sleep'))).toBe(true);

    for (const study of studies) {
      const [job] = await ctx.platform.jobs.enqueueForStudy(study, { reason: 'test', analyzerIds: ['test-sleep'] });
      expect(job?.queued).toBe(true);
    }

    // Kill the worker analysing the held study (its first run waits until killed) while it holds the job.
    const victimPid = await waitFor(
      'the held study to start',
      () => records().find((r) => r.study === hold && r.event === 'start')?.pid,
      30_000,
    );
    const victim = workers.find((w) => w.child.pid === victimPid);
    expect(victim).toBeDefined();
    const [held] = await ctx.platform.jobs.listJobs({ studyUid: hold });
    expect(held).toMatchObject({ state: 'active', attempts: 1 });
    expect(held?.worker).toContain(`:${victimPid}:`);
    victim?.child.kill('SIGKILL');
    expect(await victim?.exit).toEqual({ code: null, signal: 'SIGKILL' });

    const done = await waitFor(
      'all jobs completed',
      async () => {
        const jobs = await ctx.platform.jobs.listJobs({ limit: 1000 });
        return jobs.length === JOBS && jobs.every((j) => j.state === 'completed') ? jobs : undefined;
      },
      60_000,
    );
    expect(new Set(done.map((j) => j.studyInstanceUID)).size).toBe(JOBS);

    // Exactly one result row per study (the unique key), each recorded by a worker.
    const rows = await archive.index.executeSql(
      'SELECT study_uid, count(*)::int AS n, min(worker) AS worker FROM ai_results GROUP BY study_uid',
    );
    const perStudy = rows.rows as Array<{ study_uid: string; n: number; worker: string }>;
    expect(perStudy).toHaveLength(JOBS);
    expect(perStudy.every((r) => r.n === 1)).toBe(true);
    expect(new Set(perStudy.map((r) => r.study_uid))).toEqual(new Set(studies));

    // Exactly one completed analyzer run per study: nothing was analysed to completion twice.
    const runs = records();
    const ends = new Map<string, number>();
    for (const r of runs) if (r.event === 'end') ends.set(r.study, (ends.get(r.study) ?? 0) + 1);
    expect(ends.size).toBe(JOBS);
    expect([...ends.values()].every((n) => n === 1)).toBe(true);

    // The held study started on the victim, was recovered after the timeout and finished elsewhere.
    const heldRuns = runs.filter((r) => r.study === hold);
    expect(heldRuns.filter((r) => r.event === 'start').map((r) => r.pid)[0]).toBe(victimPid);
    const heldEnd = heldRuns.find((r) => r.event === 'end');
    expect(heldEnd?.pid).not.toBe(victimPid);
    const heldJob = done.find((j) => j.studyInstanceUID === hold);
    expect(heldJob?.attempts).toBe(2);
    const survivors = new Set(workers.filter((w) => w !== victim).map((w) => w.child.pid));
    expect(survivors.has(heldEnd?.pid)).toBe(true);
    // Work was shared: every surviving worker completed jobs.
    for (const pid of survivors) expect(runs.some((r) => r.event === 'end' && r.pid === pid)).toBe(true);

    // The survivors stop cleanly on SIGTERM.
    for (const w of workers) if (w !== victim) w.child.kill('SIGTERM');
    for (const w of workers) if (w !== victim) expect((await w.exit).code).toBe(0);
    // No PHI in what the workers printed.
    expect(workers.map((w) => w.out).join('\n')).not.toMatch(/Test\^Patient|CLI-P1/);
    expect((await archive.findInstances({ studyUid: hold }, ALL_STUDIES)).length).toBe(1);
  }, 120_000);
});
