/** Test helpers for DIMSE: a listener on a temp archive, phantom files, dcmtk runners, free ports. */

import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Archive } from '@lingshu/archive';
import { type Dataset, tagHex } from '@lingshu/dicom';
import { generateSeries, type StudySpec } from '@lingshu/phantom';
import { pino } from 'pino';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../config.js';
import type { ServerContext } from '../context.js';
import { openContext } from '../platform/open.js';
import { tinyChestSpec } from '../testing/phantomSpec.js';
import { type DimseListener, type DimseOptions, startDimse } from './scp.js';

export const hasDcmtk = spawnSync('echoscu', ['--version']).error === undefined;
if (!hasDcmtk) console.warn('SKIP: dcmtk is not installed (apt-get install dcmtk): DIMSE interop tests skipped');

export interface DimseFixture {
  ctx: ServerContext;
  listener: DimseListener;
  dir: string;
  close(): Promise<void>;
}

/** A DIMSE listener on 127.0.0.1 (ephemeral port) over a fresh PGlite archive in a temp directory. */
export async function openDimseFixture(
  config: Partial<ServerConfig> = {},
  options: DimseOptions = {},
): Promise<DimseFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'lingshu-dimse-'));
  const dataDir = join(dir, 'data');
  const archive = await Archive.open({ dataDir, durable: false });
  const ctx = await openContext(
    archive,
    {
      ...DEFAULT_SERVER_CONFIG,
      dataDir,
      dicomPort: 0,
      demo: false,
      aeTitle: 'LINGSHU',
      authRequired: false,
      ...config,
    },
    pino({ level: 'silent' }),
  );
  const listener = await startDimse(ctx, options);
  return {
    ctx,
    listener,
    dir,
    close: async () => {
      await listener.close();
      await ctx.platform.close();
      await archive.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A small phantom CT series (32², a few slices) in the given transfer syntax. */
export function dimseSpec(seed: number, transferSyntaxUID: string, name = 'Zhang^San=张^三'): StudySpec {
  return tinyChestSpec({
    name: 'dimse-chest',
    seed,
    transferSyntaxUID,
    patient: { name, id: `D${seed}`, sex: 'M' },
    characterSet: 'ISO_IR 192',
  });
}

/** Writes a phantom series to `dir` and returns the file paths and bytes. */
export async function writePhantom(spec: StudySpec, dir: string): Promise<Array<{ path: string; bytes: Uint8Array }>> {
  const out: Array<{ path: string; bytes: Uint8Array }> = [];
  let n = 0;
  for await (const g of generateSeries(spec)) {
    const path = join(dir, `${spec.seed}-${n++}.dcm`);
    await writeFile(path, g.bytes);
    out.push({ path, bytes: g.bytes });
  }
  return out;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (async, so the in-process SCP keeps serving meanwhile). */
export function run(cmd: string, args: readonly string[], timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const issuedPorts = new Set<number>();

/** A loopback port free now and not handed out before in this process (the kernel may reuse a just-closed one). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const address = srv.address();
        srv.close(() =>
          typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
        );
      });
    });
    if (!issuedPorts.has(port)) {
      issuedPorts.add(port);
      return port;
    }
  }
}

/** Element-by-element comparison of two datasets (group 0002 excluded): differing tags, empty when equal. */
export function datasetDifferences(a: Dataset, b: Dataset): string[] {
  const diffs: string[] = [];
  const tags = new Set([...a.elements.keys(), ...b.elements.keys()]);
  for (const t of tags) {
    if (t >>> 16 === 0x0002) continue;
    const x = a.get(t);
    const y = b.get(t);
    const same =
      x !== undefined &&
      y !== undefined &&
      (x.bytes && y.bytes
        ? Buffer.compare(Buffer.from(x.bytes), Buffer.from(y.bytes)) === 0
        : x.items && y.items
          ? x.items.length === y.items.length &&
            x.items.every((item, i) => datasetDifferences(item, y.items![i]!).length === 0)
          : x.fragments && y.fragments
            ? x.fragments.length === y.fragments.length &&
              x.fragments.every((f, i) => Buffer.compare(Buffer.from(f), Buffer.from(y.fragments![i]!)) === 0)
            : (x.bytes?.length ?? 0) === 0 && (y.bytes?.length ?? 0) === 0);
    if (!same) diffs.push(tagHex(t));
  }
  return diffs;
}

/** Stores Part 10 files straight into the archive (test setup, not through DIMSE). */
export async function seed(ctx: ServerContext, files: ReadonlyArray<{ bytes: Uint8Array }>): Promise<void> {
  const results = await ctx.archive.storeInstances(files.map((f) => ({ bytes: f.bytes })));
  for (const r of results)
    if (r.status !== 'stored')
      throw new Error(`seed failed: ${r.status} ${r.error?.code ?? ''} ${r.error?.message ?? ''}`);
}
