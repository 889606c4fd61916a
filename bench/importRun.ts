/**
 * One import run in a child process, the way users run it: `lingshu import DIR --data D --json`
 * (or, with `via: 'api'`, bench/importWorker.ts calling Archive.storeInstances directly), into a
 * fresh data directory with durable (fsync) writes, and for PostgreSQL into a fresh schema that
 * is dropped afterwards. Peak memory is the child's maxRSS from GNU time.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export type IndexBackend = 'pglite' | 'postgres';
export type ImportPath = 'cli' | 'api';

export interface ImportRunSpec {
  dir: string;
  backend: IndexBackend;
  via: ImportPath;
  /** Required for the postgres backend. */
  databaseUrl?: string;
  expectedInstances: number;
}

export interface ImportRunResult {
  instances: number;
  bytes: number;
  /** Child process, start to exit (includes Node start-up and opening the index). */
  wallSeconds: number;
  /** The importer's own timing (discovery to last commit). */
  importSeconds: number;
  /** Peak resident memory of the importing process (MB), or null when it cannot be measured. */
  maxRssMB: number | null;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO_ROOT, 'packages/cli/bin/lingshu.js');
const WORKER = path.join(REPO_ROOT, 'bench/importWorker.ts');
const GNU_TIME = '/usr/bin/time';

interface ChildOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The last JSON object printed on stdout (the CLI prints its summary pretty-printed). */
function lastJson(stdout: string): Record<string, unknown> {
  const start = stdout.lastIndexOf('\n{');
  const text = start >= 0 ? stdout.slice(start + 1) : stdout.slice(stdout.indexOf('{'));
  return JSON.parse(text) as Record<string, unknown>;
}

function number(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`import output lacks ${what}`);
  return value;
}

async function withFreshSchema<T>(databaseUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const schema = `lingshu_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(databaseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

async function runImport(
  spec: ImportRunSpec,
  dataDir: string,
  databaseUrl: string | undefined,
): Promise<ImportRunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const nodeArgs =
    spec.via === 'cli'
      ? [CLI, 'import', spec.dir, '--data', dataDir, '--json']
      : ['--import', 'tsx', WORKER, spec.dir, dataDir];
  const timeFile = path.join(dataDir, '..', `${path.basename(dataDir)}.time`);
  const useTime = existsSync(GNU_TIME);
  const t0 = performance.now();
  const out = useTime
    ? await runChild(GNU_TIME, ['-v', '-o', timeFile, process.execPath, ...nodeArgs], env)
    : await runChild(process.execPath, nodeArgs, env);
  const wallSeconds = (performance.now() - t0) / 1000;
  if (out.code !== 0) {
    throw new Error(
      `import (${spec.via}) exited with ${out.code}: ${out.stderr.trim().split('\n').slice(-5).join(' | ')}`,
    );
  }
  const summary = lastJson(out.stdout);
  const instances =
    spec.via === 'cli'
      ? number((summary.added as Record<string, unknown>)?.instances, 'added.instances')
      : number(summary.instances, 'instances');
  if (instances !== spec.expectedInstances) {
    throw new Error(`import stored ${instances} instances, expected ${spec.expectedInstances}`);
  }
  let maxRssMB: number | null = typeof summary.maxRssKB === 'number' ? summary.maxRssKB / 1024 : null;
  if (useTime) {
    const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(await readFile(timeFile, 'utf8'));
    if (match) maxRssMB = Number(match[1]) / 1024;
    await rm(timeFile, { force: true });
  }
  return {
    instances,
    bytes: number(summary.bytes, 'bytes'),
    wallSeconds,
    importSeconds: number(summary.elapsedSeconds, 'elapsedSeconds'),
    maxRssMB,
  };
}

/** Imports `spec.dir` once into a fresh archive, then removes the archive. */
export async function importOnce(spec: ImportRunSpec): Promise<ImportRunResult> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'lingshu-bench-import-'));
  const dataDir = path.join(scratch, 'data');
  try {
    if (spec.backend === 'postgres') {
      if (!spec.databaseUrl) throw new Error('the postgres backend needs DATABASE_URL');
      return await withFreshSchema(spec.databaseUrl, (url) => runImport(spec, dataDir, url));
    }
    return await runImport(spec, dataDir, undefined);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
