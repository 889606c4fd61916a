/**
 * `npm run bench:chest-ct [-- --scans N --threads N --regenerate --targets --target-scans N]`
 *
 * 1. Generates (once, cached under os.tmpdir()) N phantom chest CT scans of 512×512×300 (1 mm),
 *    drawn like the evaluation's scans (nodules of every kind, emphysema, infection) from bench
 *    seeds 5000…, written as DICOM files.
 * 2. Analyses each in a child process (`bench/chestCtWorker.ts`) under GNU `time -v`: analyzer
 *    seconds per scan (reading the files is timed apart), the child's peak RSS, and wall seconds
 *    per step (`--threads N`: the analyzer's thread count, default its own).
 * 3. With --targets: `lingshu eval --phantoms 50 --seed 1000 --json` (held-out seeds, 512²) and the
 *    issue 4 targets checked against its figures. This takes long (about an hour on 2 cores).
 * Prints a table and a summary; writes bench/results/chest-ct-<time>.json.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type EvalMetrics, evalStudySpec } from '@lingshu/cli';
import { type StudySpec, writeStudyToDir } from '@lingshu/phantom';
import { fmt, median, table } from './stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const WORKER = path.join(ROOT, 'bench', 'chestCtWorker.ts');
const CLI = path.join(ROOT, 'packages', 'cli', 'bin', 'lingshu.js');
const GNU_TIME = '/usr/bin/time';
const BENCH_SEED = 5000;
const SLICES = 300;
const MATRIX = 512;

interface Args {
  scans: number;
  threads?: number;
  regenerate: boolean;
  targets: boolean;
  targetScans: number;
}

function readArgs(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      scans: { type: 'string' },
      threads: { type: 'string' },
      regenerate: { type: 'boolean', default: false },
      targets: { type: 'boolean', default: false },
      'target-scans': { type: 'string' },
    },
  });
  const positive = (raw: string | undefined, fallback: number, name: string): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  return {
    scans: positive(values.scans, 3, 'scans'),
    ...(values.threads === undefined ? {} : { threads: positive(values.threads, 1, 'threads') }),
    regenerate: values.regenerate,
    targets: values.targets,
    targetScans: positive(values['target-scans'], 50, 'target-scans'),
  };
}

/** An evaluation-style scan at 1 mm, 300 slices centred on the phantom's thorax (lungs covered). */
export function benchScanSpec(seed: number): StudySpec {
  const spec = evalStudySpec(seed, { matrix: MATRIX, thicknesses: [1] });
  const centre = 27.5;
  const half = (SLICES - 1) / 2;
  return {
    ...spec,
    series: { ...spec.series, sliceThicknessMm: 1, zRangeMm: [centre - half, centre + half] },
  };
}

async function prepareScan(seed: number, regenerate: boolean): Promise<{ dir: string; cached: boolean }> {
  const spec = benchScanSpec(seed);
  const hash = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 12);
  const root = path.join(os.tmpdir(), `lingshu-bench-chest-${hash}`);
  const marker = path.join(root, 'complete.json');
  if (!regenerate && existsSync(marker)) return { dir: root, cached: true };
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await writeStudyToDir(spec, root);
  await writeFile(marker, `${JSON.stringify({ seed, slices: SLICES, matrix: MATRIX })}\n`);
  return { dir: root, cached: false };
}

interface ChildOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runChild(command: string, args: string[]): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface ScanRun {
  seed: number;
  readSeconds: number;
  analyseSeconds: number;
  analyseCpuSeconds: number;
  /** CPU seconds of the analyzing (main) thread alone, where the system tells (Linux). */
  mainThreadCpuSeconds?: number;
  /** Wall seconds of each analyzer step (select, load, lungs, nodules, emphysema, infection + label map). */
  stepSeconds: Record<string, number>;
  status: string;
  findings?: number;
  reason?: string;
  maxRssMB: number;
}

async function analyseScan(seed: number, dir: string, threads: number | undefined): Promise<ScanRun> {
  const timeFile = path.join(os.tmpdir(), `lingshu-bench-chest-${process.pid}-${seed}.time`);
  const nodeArgs = ['--import', 'tsx', WORKER, dir, ...(threads === undefined ? [] : [String(threads)])];
  const useTime = existsSync(GNU_TIME);
  const out = useTime
    ? await runChild(GNU_TIME, ['-v', '-o', timeFile, process.execPath, ...nodeArgs])
    : await runChild(process.execPath, nodeArgs);
  if (out.code !== 0)
    throw new Error(
      `analysis of seed ${seed} exited with ${out.code}: ${out.stderr.trim().split('\n').slice(-5).join(' | ')}`,
    );
  const line = out.stdout.trim().split('\n').pop() ?? '{}';
  const r = JSON.parse(line) as Record<string, unknown>;
  let maxRssMB = Number(r.maxRssKB) / 1024;
  if (useTime) {
    const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(await readFile(timeFile, 'utf8'));
    if (match) maxRssMB = Number(match[1]) / 1024;
    await rm(timeFile, { force: true });
  }
  return {
    seed,
    readSeconds: Number(r.readSeconds),
    analyseSeconds: Number(r.analyseSeconds),
    analyseCpuSeconds: Number(r.analyseCpuSeconds),
    ...(typeof r.mainThreadCpuSeconds === 'number' ? { mainThreadCpuSeconds: r.mainThreadCpuSeconds } : {}),
    stepSeconds: (r.stepSeconds ?? {}) as Record<string, number>,
    status: String(r.status),
    ...(typeof r.findings === 'number' ? { findings: r.findings } : {}),
    ...(typeof r.reason === 'string' ? { reason: r.reason } : {}),
    maxRssMB,
  };
}

interface TargetCheck {
  name: string;
  target: string;
  value: string;
  pass: boolean | null;
}

function checkTargets(m: EvalMetrics): TargetCheck[] {
  const t = m.atOneFpPerScan;
  const p = (v: number | null): string => (v === null ? '-' : `${fmt(100 * v)} %`);
  const solid = t.solidOrPartSolidAtLeast5mm.value;
  const ggn = t.groundGlassAtLeast6mm.value;
  const vol = m.volumeErrorPercent.medianAbs;
  const laa = m.laa950ErrorPp.maxAbs;
  return [
    {
      name: 'solid/part-solid ≥ 5 mm sensitivity at ≤ 1 FP/scan',
      target: '≥ 95 %',
      value: p(solid),
      pass: solid === null ? null : solid >= 0.95,
    },
    {
      name: 'GGN ≥ 6 mm sensitivity at ≤ 1 FP/scan',
      target: '≥ 85 %',
      value: p(ggn),
      pass: ggn === null ? null : ggn >= 0.85,
    },
    {
      name: 'FP/scan at that threshold',
      target: '≤ 1',
      value: fmt(t.falsePositivesPerScan, 2),
      pass: t.falsePositivesPerScan <= 1,
    },
    {
      name: 'median |volume error|, nodules ≥ 6 mm',
      target: '≤ 10 %',
      value: vol === null ? '-' : `${fmt(vol)} %`,
      pass: vol === null ? null : vol <= 10,
    },
    {
      name: 'max |LAA-950 error|',
      target: '≤ 0.5 pp',
      value: laa === null ? '-' : `${fmt(laa, 2)} pp`,
      pass: laa === null ? null : laa <= 0.5,
    },
  ];
}

async function runTargets(scans: number): Promise<{ metrics: EvalMetrics; checks: TargetCheck[]; seconds: number }> {
  const t0 = performance.now();
  const out = await runChild(process.execPath, [CLI, 'eval', '--phantoms', String(scans), '--seed', '1000', '--json']);
  if (out.code !== 0)
    throw new Error(`lingshu eval exited with ${out.code}: ${out.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  const record = JSON.parse(out.stdout) as { metrics: EvalMetrics };
  return { metrics: record.metrics, checks: checkTargets(record.metrics), seconds: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2));
  const runs: ScanRun[] = [];
  for (let i = 0; i < args.scans; i++) {
    const seed = BENCH_SEED + i;
    const t0 = performance.now();
    const { dir, cached } = await prepareScan(seed, args.regenerate);
    if (!cached)
      console.log(`generated scan ${seed} (${SLICES} × ${MATRIX}²) in ${fmt((performance.now() - t0) / 1000)} s`);
    const run = await analyseScan(seed, dir, args.threads);
    console.log(
      `seed ${seed}: ${run.status}, analysis ${fmt(run.analyseSeconds, 2)} s, peak RSS ${fmt(run.maxRssMB, 0)} MB`,
    );
    runs.push(run);
  }
  console.log(
    `\n${table(
      runs.map((r) => ({
        seed: String(r.seed),
        status: r.status,
        findings: r.findings === undefined ? '-' : String(r.findings),
        'read s': fmt(r.readSeconds, 2),
        'analyse s': fmt(r.analyseSeconds, 2),
        'CPU s': fmt(r.analyseCpuSeconds, 2),
        'main-thread CPU s': r.mainThreadCpuSeconds === undefined ? '-' : fmt(r.mainThreadCpuSeconds, 2),
        'peak RSS MB': fmt(r.maxRssMB, 0),
      })),
    )}`,
  );
  const medianSeconds = median(runs.map((r) => r.analyseSeconds));
  const medianCpuSeconds = median(runs.map((r) => r.analyseCpuSeconds));
  const peakMB = Math.max(...runs.map((r) => r.maxRssMB));
  // The steps follow one another on the analyzing thread (helpers work inside them): their wall
  // times add up to the critical path.
  const stepNames = [...new Set(runs.flatMap((r) => Object.keys(r.stepSeconds)))];
  const medianSteps = Object.fromEntries(
    stepNames.map((s) => [s, median(runs.flatMap((r) => (r.stepSeconds[s] === undefined ? [] : [r.stepSeconds[s]!])))]),
  );
  console.log(
    `\nchest CT ${MATRIX}×${MATRIX}×${SLICES}${args.threads === undefined ? '' : `, ${args.threads} thread(s)`}: median ${fmt(medianSeconds, 2)} s per scan (target ≤ 10 s; CPU ${fmt(medianCpuSeconds, 2)} s, load average ${fmt(os.loadavg()[0]!, 1)}), peak RSS ${fmt(peakMB, 0)} MB`,
  );
  console.log(`median wall s per step: ${stepNames.map((s) => `${s} ${fmt(medianSteps[s]!, 2)}`).join(', ')}`);
  const targets = args.targets ? await runTargets(args.targetScans) : undefined;
  if (targets) {
    console.log(
      `\nTargets on ${args.targetScans} held-out phantom scans (seeds 1000…, ${fmt(targets.seconds / 60)} min):`,
    );
    console.log(
      table(
        targets.checks.map((c) => ({
          figure: c.name,
          target: c.target,
          value: c.value,
          pass: c.pass === null ? '-' : c.pass ? 'yes' : 'NO',
        })),
      ),
    );
  }
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `chest-ct-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const cpus = os.cpus();
  await writeFile(
    file,
    `${JSON.stringify(
      {
        machine: {
          cpu: cpus[0]?.model.trim() ?? 'unknown',
          cores: cpus.length,
          node: process.version,
          loadAverage1m: os.loadavg()[0],
        },
        scan: { matrix: MATRIX, slices: SLICES, sliceThicknessMm: 1 },
        ...(args.threads === undefined ? {} : { threads: args.threads }),
        runs,
        medianAnalyseSeconds: medianSeconds,
        medianStepSeconds: medianSteps,
        medianAnalyseCpuSeconds: medianCpuSeconds,
        peakRssMB: peakMB,
        ...(targets ? { targets } : {}),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwrote ${path.relative(ROOT, file)}`);
}

await main();
