/**
 * `npm run bench:orchestration [-- --studies K --runs N --matrix M]`
 *
 * AI orchestration end to end, as `lingshu serve` runs it: a server on a fresh temp data dir
 * (PGlite; PostgreSQL in a throw-away schema when DATABASE_URL is set) with 1, then 2 in-process
 * AI workers and a short quiet period (`stableAfterMs`).
 *
 * 1. Direct: the chest CT analyzer on each study, read from the archive the way a worker reads
 *    it (load + run, in this process, no queue).
 * 2. Throughput, per worker count: K chest phantoms imported at once (instances stored +
 *    `instance-stored` events, as `lingshu import` does); timed from the first `study-stable` to
 *    the last result stored → studies/hour; queue latency (queued → active) median/p95.
 * 3. Overhead: one worker, studies imported one after the other (each once the previous result is
 *    stored): stable → result per study, minus the direct time (medians).
 *
 * Prints a table of medians over the runs; writes bench/results/orchestration-<time>.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SeriesInput, StudyInput } from '@lingshu/ai';
import { createChestCtAnalyzer } from '@lingshu/analyzer-chest-ct';
import { ALL_STUDIES, Archive } from '@lingshu/archive';
import { getString, parseDicom, Tags } from '@lingshu/dicom';
import { generateStudy, type StudySpec, studyUid } from '@lingshu/phantom';
import {
  DEFAULT_SERVER_CONFIG,
  notifyStored,
  type RunningServer,
  type ServerConfig,
  type ServerEventMap,
  startServer,
} from '@lingshu/server';
import pino from 'pino';
import { fmt, median, table } from './stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const STABLE_AFTER_MS = 300;
const SEED = 7000;

interface Args {
  studies: number;
  runs: number;
  matrix: number;
}

function readArgs(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: { studies: { type: 'string' }, runs: { type: 'string' }, matrix: { type: 'string' } },
  });
  const positive = (raw: string | undefined, fallback: number, name: string): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  return {
    studies: positive(values.studies, 6, 'studies'),
    runs: positive(values.runs, 1, 'runs'),
    matrix: positive(values.matrix, 96, 'matrix'),
  };
}

/** A small chest phantom the chest CT analyzer accepts: M² × 62 slices of 5 mm, one solid nodule. */
function benchSpec(i: number, matrix: number): StudySpec {
  const seed = SEED + i;
  return {
    name: `orchestration-${i}`,
    seed,
    patient: {
      name: 'Bench^Orchestration=基准^编排',
      id: `ORCH-${seed}`,
      birthDate: '19600101',
      sex: 'M',
      anatomySeed: seed,
    },
    studyDate: '20240101',
    truthGridMm: 6,
    phantom: {
      kind: 'chest',
      nodules: [{ id: 'N1', type: 'solid', shape: 'ellipsoid', site: 'parenchymal', lobe: 'RUL', diameterMm: 14 }],
    },
    series: { matrix, fieldOfViewMm: 360, sliceThicknessMm: 5, kernel: 'lung', dose: 'standard', vendor: 'siemens' },
  };
}

interface Study {
  uid: string;
  files: Array<{ bytes: Uint8Array }>;
}

/** The study as a worker reads it from the archive (one dataset per stored instance). */
async function loadFromArchive(archive: Archive, uid: string): Promise<StudyInput> {
  const files = await archive.findInstances({ studyUid: uid }, ALL_STUDIES);
  const bySeries = new Map<string, SeriesInput>();
  for (const f of files) {
    const parsed = parseDicom(await archive.readInstance(f.sopUid, ALL_STUDIES));
    let s = bySeries.get(f.seriesUid);
    if (!s) {
      s = { seriesInstanceUID: f.seriesUid, instances: [] };
      bySeries.set(f.seriesUid, s);
    }
    s.instances.push({
      dataset: parsed.dataset,
      transferSyntaxUID: parsed.transferSyntaxUID,
      sopInstanceUID: getString(parsed.dataset, Tags.SOPInstanceUID) ?? f.sopUid,
    });
  }
  return { studyInstanceUID: uid, series: [...bySeries.values()] };
}

interface Server {
  server: RunningServer;
  dir: string;
  schema?: string;
}

async function start(workers: number): Promise<Server> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lingshu-bench-orch-'));
  const databaseUrl = process.env.DATABASE_URL;
  const schema = databaseUrl ? `bench_orch_${Date.now().toString(36)}` : undefined;
  const config: ServerConfig = {
    ...DEFAULT_SERVER_CONFIG,
    dataDir: dir,
    httpPort: 0,
    dicomPort: null,
    demo: false,
    stableAfterMs: STABLE_AFTER_MS,
    aiWorkers: workers,
    logLevel: 'silent',
    ...(databaseUrl && schema ? { databaseUrl, dbSchema: schema } : {}),
  };
  const server = await startServer(config, { log: pino({ level: 'silent' }) });
  return { server, dir, ...(schema ? { schema } : {}) };
}

async function stop(s: Server): Promise<void> {
  await s.server.close();
  await rm(s.dir, { recursive: true, force: true });
  if (s.schema && process.env.DATABASE_URL) {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${s.schema} CASCADE`);
    await client.end();
  }
}

/** Stores a study and announces each instance (what `lingshu import` and STOW-RS do). */
async function importStudy(server: RunningServer, study: Study): Promise<void> {
  const results = await server.archive.storeInstances(study.files);
  for (const r of results) notifyStored(server.ctx, r, 'import');
}

interface Timeline {
  stable: Map<string, number>;
  result: Map<string, number>;
  status: Map<string, string>;
  queueMs: number[];
  runMs: number[];
  waitAll(uids: readonly string[], timeoutMs: number): Promise<void>;
  close(): void;
}

function watch(server: RunningServer): Timeline {
  const events = server.ctx.events;
  const stable = new Map<string, number>();
  const result = new Map<string, number>();
  const status = new Map<string, string>();
  const queueMs: number[] = [];
  const runMs: number[] = [];
  const onStable = (e: ServerEventMap['study-stable'][0]): void => {
    if (!stable.has(e.studyInstanceUID)) stable.set(e.studyInstanceUID, performance.now());
  };
  const onResult = (e: ServerEventMap['ai-result'][0]): void => {
    result.set(e.studyInstanceUID, performance.now());
    status.set(e.studyInstanceUID, e.status);
  };
  const onJob = (e: ServerEventMap['ai-job'][0]): void => {
    if (e.durationMs === undefined) return;
    if (e.state === 'active') queueMs.push(e.durationMs);
    if (e.state === 'completed') runMs.push(e.durationMs);
  };
  events.on('study-stable', onStable);
  events.on('ai-result', onResult);
  events.on('ai-job', onJob);
  return {
    stable,
    result,
    status,
    queueMs,
    runMs,
    async waitAll(uids, timeoutMs) {
      const end = Date.now() + timeoutMs;
      while (!uids.every((u) => result.has(u))) {
        if (Date.now() > end) throw new Error(`timed out: ${result.size}/${uids.length} results`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close() {
      events.off('study-stable', onStable);
      events.off('ai-result', onResult);
      events.off('ai-job', onJob);
    },
  };
}

function p95(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] ?? Number.NaN;
}

async function direct(studies: readonly Study[]): Promise<{ loadMs: number[]; runMs: number[] }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lingshu-bench-orch-direct-'));
  const archive = await Archive.open({ dataDir: dir });
  const analyzer = createChestCtAnalyzer();
  const loadMs: number[] = [];
  const runMs: number[] = [];
  try {
    for (const s of studies) await archive.storeInstances(s.files);
    for (const s of studies) {
      const t0 = performance.now();
      const input = await loadFromArchive(archive, s.uid);
      const t1 = performance.now();
      const outcome = await analyzer.run(input);
      const t2 = performance.now();
      if (outcome.status !== 'ok') throw new Error(`direct run: ${outcome.status}`);
      loadMs.push(t1 - t0);
      runMs.push(t2 - t1);
    }
  } finally {
    await archive.close();
    await rm(dir, { recursive: true, force: true });
  }
  return { loadMs, runMs };
}

interface ThroughputRun {
  workers: number;
  studiesPerHour: number;
  wallS: number;
  queueMedianMs: number;
  queueP95Ms: number;
  e2eMedianMs: number;
}

async function throughput(studies: readonly Study[], workers: number): Promise<ThroughputRun> {
  const s = await start(workers);
  const t = watch(s.server);
  try {
    await Promise.all(studies.map((st) => importStudy(s.server, st)));
    const uids = studies.map((st) => st.uid);
    await t.waitAll(uids, 30 * 60_000);
    const bad = uids.filter((u) => t.status.get(u) !== 'ok');
    if (bad.length > 0) throw new Error(`${bad.length} studies did not give an ok result`);
    const first = Math.min(...uids.map((u) => t.stable.get(u) ?? Number.NaN));
    const last = Math.max(...uids.map((u) => t.result.get(u) ?? Number.NaN));
    const wallS = (last - first) / 1000;
    return {
      workers,
      studiesPerHour: (studies.length / wallS) * 3600,
      wallS,
      queueMedianMs: median(t.queueMs),
      queueP95Ms: p95(t.queueMs),
      e2eMedianMs: median(uids.map((u) => (t.result.get(u) ?? 0) - (t.stable.get(u) ?? 0))),
    };
  } finally {
    t.close();
    await stop(s);
  }
}

/** One worker, one study at a time: stable → result per study (no queueing behind other studies). */
async function sequential(studies: readonly Study[]): Promise<{ e2eMs: number[]; queueMs: number[]; runMs: number[] }> {
  const s = await start(1);
  const t = watch(s.server);
  try {
    const e2eMs: number[] = [];
    for (const st of studies) {
      await importStudy(s.server, st);
      await t.waitAll([st.uid], 10 * 60_000);
      e2eMs.push((t.result.get(st.uid) ?? 0) - (t.stable.get(st.uid) ?? 0));
    }
    return { e2eMs, queueMs: [...t.queueMs], runMs: [...t.runMs] };
  } finally {
    t.close();
    await stop(s);
  }
}

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2));
  const index = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
  console.log(
    `bench:orchestration — ${args.studies} chest phantoms of ${args.matrix}²×62 (5 mm), ${args.runs} run(s), index ${index}, ` +
      `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  const studies: Study[] = [];
  for (let i = 0; i < args.studies; i++) {
    const spec = benchSpec(i, args.matrix);
    const { files } = await generateStudy(spec);
    studies.push({ uid: studyUid(spec, 'study'), files: files.map((f) => ({ bytes: f.bytes })) });
  }
  const runs: Array<{
    direct: Awaited<ReturnType<typeof direct>>;
    tp: ThroughputRun[];
    seq: Awaited<ReturnType<typeof sequential>>;
  }> = [];
  for (let r = 0; r < args.runs; r++) {
    const d = await direct(studies);
    const tp = [await throughput(studies, 1), await throughput(studies, 2)];
    const seq = await sequential(studies);
    runs.push({ direct: d, tp, seq });
    console.log(
      `run ${r + 1}: direct ${fmt(median(d.runMs) / 1000, 2)} s/study; ` +
        tp.map((x) => `${x.workers} worker(s) ${fmt(x.studiesPerHour, 0)} studies/h`).join(', '),
    );
  }
  const directLoad = median(runs.flatMap((r) => r.direct.loadMs));
  const directRun = median(runs.flatMap((r) => r.direct.runMs));
  const seqE2e = median(runs.flatMap((r) => r.seq.e2eMs));
  // The job's own run (active → result stored: load, analyse, write SR/SEG, store) in the same runs.
  const seqJob = median(runs.flatMap((r) => r.seq.runMs));
  const rows = [1, 2].map((w) => {
    const of = runs.map((r) => r.tp.find((x) => x.workers === w) as ThroughputRun);
    return {
      workers: String(w),
      'studies/h': fmt(median(of.map((x) => x.studiesPerHour)), 0),
      'wall s': fmt(median(of.map((x) => x.wallS)), 1),
      'queue median s': fmt(median(of.map((x) => x.queueMedianMs)) / 1000, 2),
      'queue p95 s': fmt(median(of.map((x) => x.queueP95Ms)) / 1000, 2),
      'stable→result median s': fmt(median(of.map((x) => x.e2eMedianMs)) / 1000, 2),
    };
  });
  console.log(`\nThroughput (${args.studies} studies arriving together):\n${table(rows)}`);
  console.log(
    `\nOne study at a time, 1 worker (medians per study):\n${table([
      {
        'direct load s': fmt(directLoad / 1000, 2),
        'direct analyse s': fmt(directRun / 1000, 2),
        'direct total s': fmt((directLoad + directRun) / 1000, 2),
        'stable→result s': fmt(seqE2e / 1000, 2),
        'queue s': fmt(median(runs.flatMap((r) => r.seq.queueMs)) / 1000, 2),
        'job run s': fmt(seqJob / 1000, 2),
        'overhead s': fmt((seqE2e - directLoad - directRun) / 1000, 2),
      },
    ])}`,
  );
  await mkdir(RESULTS_DIR, { recursive: true });
  const out = path.join(RESULTS_DIR, `orchestration-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(
    out,
    JSON.stringify(
      { args, index, cpus: os.cpus().length, loadavg: os.loadavg(), directLoad, directRun, seqE2e, seqJob, runs },
      null,
      2,
    ),
  );
  console.log(`\n${path.relative(ROOT, out)}`);
}

await main();
