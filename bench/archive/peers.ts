/**
 * The two archives the benchmark compares, each started fresh in its own temp directory:
 * Lingshu (`lingshu serve`, the way users run it, embedded PGlite index, durable writes) and
 * Orthanc 1.10 from Debian with its default SQLite index and the Debian DICOMweb plugin.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../../packages/server/src/dimse/testing.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(REPO_ROOT, 'packages/cli/bin/lingshu.js');
export const ORTHANC = '/usr/sbin/Orthanc';
export const ORTHANC_DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

export interface Peer {
  /** The server's process id (its CPU time is read from /proc). */
  pid: number;
  /** `Lingshu`, `Lingshu+PG` (index on a PostgreSQL server) or `Orthanc`. */
  name: string;
  /** DICOMweb root, without a trailing slash. */
  dicomweb: string;
  aeTitle: string;
  dicomPort: number;
  dataDir: string;
  stop(): Promise<void>;
}

async function waitFor(url: string, child: ChildProcess, what: string, timeoutMs = 180_000): Promise<void> {
  const started = Date.now();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error(`${what} exited during start-up`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not become ready in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function hasOrthanc(): boolean {
  return spawnSync(ORTHANC, ['--version']).error === undefined;
}

/**
 * `lingshu serve` in a child process; with `databaseUrl` its index is on that PostgreSQL server,
 * in a throw-away schema dropped at stop.
 */
export async function startLingshu(databaseUrl?: string, nodeArgs: readonly string[] = []): Promise<Peer> {
  const schema = databaseUrl ? `lingshu_bench_${randomBytes(6).toString('hex')}` : '';
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lingshu-bench-archive-'));
  const httpPort = await freePort();
  const dicomPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      CLI,
      'serve',
      '--data',
      dataDir,
      '--http-port',
      String(httpPort),
      '--dicom-port',
      String(dicomPort),
      '--no-demo',
    ],
    {
      cwd: REPO_ROOT,
      // The embedded default (PGlite), whatever the calling shell has configured.
      // Loopback only, no login: the benchmark measures the archive, not authentication.
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl ?? '',
        LINGSHU_DB_SCHEMA: schema,
        LINGSHU_LOG_LEVEL: 'warn',
        LINGSHU_AUTH_REQUIRED: 'false',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitFor(`http://127.0.0.1:${httpPort}/readyz`, child, 'lingshu serve').catch(async (e: unknown) => {
    // A start-up that times out must not leave the server running behind the failed benchmark.
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  });
  return {
    pid: child.pid ?? 0,
    name: databaseUrl ? 'Lingshu+PG' : 'Lingshu',
    dicomweb: `http://127.0.0.1:${httpPort}/dicomweb`,
    aeTitle: 'LINGSHU',
    dicomPort,
    dataDir,
    async stop() {
      await stopChild(child);
      await rm(dataDir, { recursive: true, force: true });
      if (databaseUrl) {
        const c = new pg.Client({ connectionString: databaseUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    },
  };
}

/** The floor receiver's modes (floorServer.ts) and their names in the figures. */
const FLOOR_NAMES = {
  sync: 'Floor (node:http + fdatasync)',
  nosync: 'Floor (node:http, no sync)',
  journal: 'Floor (node:http + journal append + fdatasync)',
} as const;

/**
 * Not an archive: `floorServer.ts`, the least a durable Node.js receiver does per STOW-RS request
 * (read, hash, write, sync, rename, sync the folder), the same without the syncs (`nosync`), or
 * appending to one journal file with one fdatasync per request (`journal`).
 * It answers every POST with 200, so it is for ingest figures only.
 */
export async function startFloor(mode: keyof typeof FLOOR_NAMES = 'sync'): Promise<Peer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lingshu-bench-floor-'));
  const httpPort = await freePort();
  const script = path.join(REPO_ROOT, 'bench/archive/floorServer.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, String(httpPort), mode], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(`http://127.0.0.1:${httpPort}/`, child, 'the floor receiver').catch(async (e: unknown) => {
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  });
  return {
    pid: child.pid ?? 0,
    name: FLOOR_NAMES[mode],
    dicomweb: `http://127.0.0.1:${httpPort}`,
    aeTitle: '',
    dicomPort: 0,
    dataDir,
    async stop() {
      await stopChild(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startOrthanc(): Promise<Peer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lingshu-bench-orthanc-'));
  const httpPort = await freePort();
  const dicomPort = await freePort();
  const config = {
    Name: 'ORTHANC_BENCH',
    StorageDirectory: path.join(dataDir, 'storage'),
    IndexDirectory: path.join(dataDir, 'storage'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: 'ORTHANC',
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    Plugins: [ORTHANC_DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
  };
  await writeFile(path.join(dataDir, 'orthanc.json'), JSON.stringify(config));
  const child = spawn(ORTHANC, [path.join(dataDir, 'orthanc.json')], { stdio: 'ignore' });
  await waitFor(`http://127.0.0.1:${httpPort}/system`, child, 'Orthanc').catch(async (e: unknown) => {
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  });
  return {
    pid: child.pid ?? 0,
    name: 'Orthanc',
    dicomweb: `http://127.0.0.1:${httpPort}/dicom-web`,
    aeTitle: 'ORTHANC',
    dicomPort,
    dataDir,
    async stop() {
      await stopChild(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
