/**
 * kill -9 during a large import, then restart: every instance the import reported as stored is
 * indexed and readable with its exact bytes, no index row points at a missing or partial file,
 * and running the import again completes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Archive } from '@lingshu/archive';
import { uidFromName } from '@lingshu/dicom';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyInstance } from '../packages/archive/src/testing.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'packages/cli/bin/lingshu.js');
const FILES = 900;
const work = mkdtempSync(join(tmpdir(), 'lingshu-crash-'));
const source = join(work, 'source');
const schemas: string[] = [];

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  if (process.env.DATABASE_URL && schemas.length > 0) {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await c.end();
  }
});

/** 900 CT-like instances of 256×256 16-bit pixels (~128 KB each) across 3 studies. */
function writeSource(): Map<string, string> {
  const sha = new Map<string, string>();
  for (let n = 0; n < FILES; n++) {
    const study = n % 3;
    const sop = uidFromName(`i:crash${n}`);
    const bytes = tinyInstance({
      patientId: `CRASH${study}`,
      study: `crash${study}`,
      series: `crash${study}`,
      instance: `crash${n}`,
      matrix: 256,
      pixelValue: n % 4096,
    });
    const dir = join(source, `s${study}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `IM${String(n).padStart(5, '0')}.dcm`), bytes);
    sha.set(sop, createHash('sha256').update(bytes).digest('hex'));
  }
  return sha;
}

function runImport(dataDir: string, log: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [CLI, 'import', source, '--data', dataDir, '--log', log, '--json'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function storedInLog(log: string): string[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        const entry = JSON.parse(l) as { status?: string; sopInstanceUID?: string };
        return entry.status === 'stored' && entry.sopInstanceUID ? [entry.sopInstanceUID] : [];
      } catch {
        return []; // the last line may be cut by the kill
      }
    });
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the import to progress');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sha = writeSource();
const backends = [
  { name: 'PGlite', url: undefined as string | undefined },
  ...(process.env.DATABASE_URL ? [{ name: 'PostgreSQL', url: process.env.DATABASE_URL }] : []),
];
if (!process.env.DATABASE_URL) console.warn('SKIP: kill -9 test on PostgreSQL needs DATABASE_URL');

describe.each(backends)('kill -9 during import ($name)', ({ name, url }) => {
  it('keeps every reported instance, indexes no partial file, and a re-run completes', async () => {
    const dataDir = join(work, `data-${name}`);
    const log = join(work, `import-${name}.jsonl`);
    const schema = `lingshu_crash_${Date.now().toString(36)}`;
    const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'en_US.UTF-8' };
    delete env.DATABASE_URL;
    if (url) {
      schemas.push(schema);
      env.DATABASE_URL = url;
      env.LINGSHU_DB_SCHEMA = schema;
    }
    const child = runImport(dataDir, log, env);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Kill once a good part (but not all) of the import has been reported as stored.
    await waitFor(() => storedInLog(log).length >= 150 || child.exitCode !== null, 120_000);
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    await exited;
    const reported = storedInLog(log);
    expect(reported.length).toBeGreaterThanOrEqual(150);
    expect(reported.length).toBeLessThan(FILES);

    const archive = await Archive.open({ dataDir, ...(url ? { databaseUrl: url, schema } : {}) });
    try {
      for (const sop of reported) {
        const bytes = await archive.readInstance(sop, { kind: 'all' });
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha.get(sop));
      }
      for (const loc of await archive.listInstanceLocations()) {
        const bytes = readFileSync(archive.files.path(loc.storageKey));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(loc.sha256);
      }
    } finally {
      await archive.close();
    }

    const rerun = runImport(dataDir, `${log}.2`, env);
    let out = '';
    rerun.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((r) => rerun.on('exit', (c) => r(c)));
    expect(code).toBe(0);
    const after = await Archive.open({ dataDir, ...(url ? { databaseUrl: url, schema } : {}) });
    try {
      expect(await after.counts()).toEqual({ patients: 3, studies: 3, series: 3, instances: FILES });
    } finally {
      await after.close();
    }
    expect(out).toContain('"instances"');
  }, 300_000);
});
