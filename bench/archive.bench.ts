/**
 * `npm run bench:archive`: Lingshu against Orthanc 1.10 (Debian, default SQLite index, DICOMweb
 * plugin) on the same machine, the same data and in the same run. Each ingest path starts both
 * archives fresh. Prints medians and the Lingshu/Orthanc ratio; writes bench/results/archive-*.json.
 * The STOW-RS paths also run against the floor (`archive/floorServer.ts`: node:http that only
 * hashes, writes and syncs each body), printed apart as what any Node.js archive could reach.
 *
 *   npm run bench:archive                  # 1 000 × 512² CT, 3 runs, QIDO at 10 000 studies
 *   npm run bench:archive -- --quick       # 100 instances, 1 run, QIDO at 1 000 studies
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getString, parseDicom, Tags } from '@lingshu/dicom';
import { hasOrthanc, type Peer, REPO_ROOT, startFloor, startLingshu, startOrthanc } from './archive/peers.js';
import { firstFrameLatencies, latencyStats, qidoLatencies, seriesRetrieval } from './archive/retrieve.js';
import { storescu, stow, stowEach } from './archive/stow.js';
import { qidoQueries, queryStudyInstance } from './archive/studies.js';
import { prepareBenchSeries, readAll } from './series.js';
import { fmt, median, table } from './stats.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    instances: { type: 'string' },
    studies: { type: 'string' },
  },
});
const quick = args.quick ?? false;
const runs = Number(args.runs ?? (quick ? 1 : 3));
const instances = Number(args.instances ?? (quick ? 100 : 1000));
const qidoStudies = Number(args.studies ?? (quick ? 1000 : 10_000));

type IngestPath = 'stow-1' | 'stow-4' | 'storescu';
const PATHS: Record<IngestPath, string> = {
  'stow-1': 'STOW-RS, 1 instance/request, 1 client',
  'stow-4': 'STOW-RS, 1 instance/request, 4 clients',
  storescu: 'C-STORE, storescu, 1 association',
};

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function withPeer<T>(start: () => Promise<Peer>, fn: (p: Peer) => Promise<T>): Promise<T> {
  const peer = await start();
  try {
    return await fn(peer);
  } finally {
    await peer.stop();
  }
}

async function main(): Promise<void> {
  const orthanc = hasOrthanc();
  if (!orthanc) log('WARNING: Orthanc is not installed (apt-get install orthanc orthanc-dicomweb): no ratios');
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const starters: Array<() => Promise<Peer>> = [() => startLingshu()];
  if (databaseUrl) starters.push(() => startLingshu(databaseUrl));
  else log('DATABASE_URL is not set: Lingshu with a PostgreSQL index is not measured');
  if (orthanc) starters.push(startOrthanc);

  log(`Preparing ${instances} × 512² CT instances (cached after the first run)…`);
  const series = await prepareBenchSeries({ slices: instances, matrix: 512, seed: 42 });
  const files = series.variants.native;
  const bytes = await readAll(files.files);
  const first = parseDicom(bytes[0]!, { untilTag: Tags.PixelData }).dataset;
  const study = getString(first, Tags.StudyInstanceUID) ?? '';
  const seriesUid = getString(first, Tags.SeriesInstanceUID) ?? '';
  const sops = bytes.map(
    (b) => getString(parseDicom(b, { untilTag: Tags.PixelData }).dataset, Tags.SOPInstanceUID) ?? '',
  );
  const mb = files.bytes / 1e6;
  log(`${bytes.length} instances, ${fmt(mb)} MB, explicit VR little endian`);

  const ingest: Record<string, Record<IngestPath, number[]>> = {};
  const floor: Record<'stow-1' | 'stow-4', number[]> = { 'stow-1': [], 'stow-4': [] };
  const wado: Record<string, { mbPerSecond: number[]; firstFrameMs: number[] }> = {};
  for (let run = 0; run < runs; run++) {
    // Alternate which archive goes first so neither always gets the cooler machine.
    const order = run % 2 === 0 ? starters : [...starters].reverse();
    for (const p of Object.keys(PATHS) as IngestPath[]) {
      for (const start of order) {
        await withPeer(start, async (peer) => {
          let seconds: number;
          if (p === 'stow-1') seconds = await stowEach(peer.dicomweb, bytes, 1);
          else if (p === 'stow-4') seconds = await stowEach(peer.dicomweb, bytes, 4);
          else seconds = await storescu(peer.aeTitle, peer.dicomPort, files.dir);
          const rate = bytes.length / seconds;
          ingest[peer.name] ??= { 'stow-1': [], 'stow-4': [], storescu: [] };
          const byPath = ingest[peer.name]!;
          byPath[p].push(rate);
          log(`run ${run + 1}/${runs} ${peer.name.padEnd(7)} ${PATHS[p]}: ${fmt(rate)} inst/s`);
          if (p === 'stow-4') {
            wado[peer.name] ??= { mbPerSecond: [], firstFrameMs: [] };
            const w = wado[peer.name]!;
            const r = await seriesRetrieval(peer.dicomweb, study, seriesUid);
            w.mbPerSecond.push(r.mbPerSecond);
            const sample = sops.filter((_, i) => i % Math.max(1, Math.floor(sops.length / 50)) === 0).slice(0, 50);
            w.firstFrameMs.push(median(await firstFrameLatencies(peer.dicomweb, study, seriesUid, sample)));
            log(`run ${run + 1}/${runs} ${peer.name.padEnd(7)} WADO-RS series ${fmt(r.mbPerSecond)} MB/s`);
          }
        });
      }
      if (p === 'stow-1' || p === 'stow-4') {
        await withPeer(startFloor, async (peer) => {
          const rate = bytes.length / (await stowEach(peer.dicomweb, bytes, p === 'stow-1' ? 1 : 4));
          floor[p].push(rate);
          log(`run ${run + 1}/${runs} floor   ${PATHS[p]}: ${fmt(rate)} inst/s`);
        });
      }
    }
  }

  log(`QIDO-RS: indexing ${qidoStudies} studies in each archive…`);
  const qido: Record<string, ReturnType<typeof latencyStats>> = {};
  const queries = qidoQueries(qidoStudies >= 10_000 ? 520 : 120);
  for (const start of starters) {
    await withPeer(start, async (peer) => {
      const batch = 100;
      for (let n = 0; n < qidoStudies; n += batch) {
        const parts = Array.from({ length: Math.min(batch, qidoStudies - n) }, (_, i) => queryStudyInstance(n + i));
        await stow(peer.dicomweb, parts);
      }
      qido[peer.name] = latencyStats(await qidoLatencies(peer.dicomweb, queries));
      log(`${peer.name}: QIDO-RS median ${fmt(qido[peer.name]!.medianMs)} ms, p95 ${fmt(qido[peer.name]!.p95Ms)} ms`);
    });
  }

  const ratio = (a: number | undefined, b: number | undefined): string =>
    a !== undefined && b !== undefined && b > 0 ? `${fmt(a / b, 2)}×` : '—';
  const names = ['Lingshu', ...(databaseUrl ? ['Lingshu+PG'] : []), ...(orthanc ? ['Orthanc'] : [])];
  const lingshus = names.filter((n) => n !== 'Orthanc');
  const rows: Array<Record<string, string>> = [];
  /** One row: the figure per archive, and Lingshu/Orthanc (`higherIsBetter` false: Orthanc/Lingshu). */
  const row = (figure: string, value: (name: string) => number | undefined, higherIsBetter: boolean): void => {
    const r: Record<string, string> = { figure };
    for (const n of names) {
      const v = value(n);
      r[n] = v === undefined ? '—' : fmt(v);
    }
    const o = value('Orthanc');
    for (const n of lingshus) {
      const v = value(n);
      r[`${n}/Orthanc`] = higherIsBetter ? ratio(v, o) : ratio(o, v);
    }
    rows.push(r);
  };
  for (const p of Object.keys(PATHS) as IngestPath[]) {
    row(`${PATHS[p]} (inst/s)`, (n) => (ingest[n] ? median(ingest[n][p]) : undefined), true);
  }
  row('WADO-RS full series (MB/s)', (n) => (wado[n] ? median(wado[n].mbPerSecond) : undefined), true);
  row(
    'WADO-RS first frame, median (ms; ratio = speed-up)',
    (n) => (wado[n] ? median(wado[n].firstFrameMs) : undefined),
    false,
  );
  row(`QIDO-RS at ${qidoStudies} studies, median (ms; ratio = speed-up)`, (n) => qido[n]?.medianMs, false);
  row(`QIDO-RS at ${qidoStudies} studies, p95 (ms; ratio = speed-up)`, (n) => qido[n]?.p95Ms, false);
  process.stdout.write(
    `\nArchive benchmark: ${bytes.length} × 512² CT (${fmt(mb)} MB), median of ${runs} run(s)\n\n${table(rows)}\n`,
  );
  const floorRows = (['stow-1', 'stow-4'] as const).map((p) => ({
    figure: `${PATHS[p]} (inst/s)`,
    floor: fmt(median(floor[p])),
    'floor/Orthanc': ratio(median(floor[p]), ingest.Orthanc ? median(ingest.Orthanc[p]) : undefined),
  }));
  process.stdout.write(
    `\nFloor: node:http that only hashes, writes and fdatasyncs each body (no parsing, index or audit)\n\n${table(floorRows)}\n`,
  );
  const outDir = path.join(REPO_ROOT, 'bench/results');
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `archive-${new Date().toISOString().replaceAll(':', '-')}.json`);
  await writeFile(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), instances: bytes.length, megabytes: mb, runs, qidoStudies, ingest, floor, wado, qido }, null, 2)}\n`,
  );
  log(`wrote ${path.relative(REPO_ROOT, file)}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:archive failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
