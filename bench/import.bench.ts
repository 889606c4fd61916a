/**
 * `npm run bench:import [-- --quick] [-- --runs N --slices N --via cli|api --regenerate]`
 *
 * 1. Generates (once, cached under os.tmpdir()) a 512×512 chest CT series from the phantom, native
 *    explicit VR little endian and JPEG-LS lossless.
 * 2. Imports each variant into a fresh archive (durable writes) per index backend: embedded
 *    PGlite, and PostgreSQL when DATABASE_URL is set (fresh schema, dropped afterwards), through
 *    `lingshu import` in a child process; median (min–max) of N runs.
 * 3. Header-parse throughput of @lingshu/dicom against dcmjs and dicom-parser on the native files.
 * Prints tables and one summary line per figure; writes bench/results/import-<time>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ImportPath, type ImportRunResult, type IndexBackend, importOnce } from './importRun.js';
import { benchHeaderParse, type ParseBenchResult, printParseBench } from './parse.js';
import { prepareBenchSeries, readAll, type SeriesVariant, VARIANT_LABEL } from './series.js';
import { fmt, type Spread, spread, table } from './stats.js';

interface BenchArgs {
  quick: boolean;
  runs: number;
  slices: number;
  via: ImportPath;
  regenerate: boolean;
}

interface ImportFigure {
  variant: SeriesVariant;
  backend: IndexBackend;
  files: number;
  megabytes: number;
  runs: ImportRunResult[];
  instancesPerSecond: Spread;
  megabytesPerSecond: Spread;
  importSeconds: Spread;
  wallSeconds: Spread;
  maxRssMB: Spread | null;
}

const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'results');

function readArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      slices: { type: 'string' },
      via: { type: 'string', default: 'cli' },
      regenerate: { type: 'boolean', default: false },
    },
  });
  const positive = (raw: string | undefined, fallback: number, name: string): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  if (values.via !== 'cli' && values.via !== 'api') throw new Error('--via must be cli or api');
  return {
    quick: values.quick,
    runs: positive(values.runs, values.quick ? 1 : 3, 'runs'),
    slices: positive(values.slices, values.quick ? 64 : 400, 'slices'),
    via: values.via,
    regenerate: values.regenerate,
  };
}

function machineInfo(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

function range(s: Spread, digits: number): string {
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}

async function importFigure(
  variant: SeriesVariant,
  backend: IndexBackend,
  files: { dir: string; count: number; bytes: number },
  args: BenchArgs,
): Promise<ImportFigure> {
  const runs: ImportRunResult[] = [];
  for (let r = 0; r < args.runs; r++) {
    process.stderr.write(`  import ${VARIANT_LABEL[variant]} → ${backend}, run ${r + 1}/${args.runs}… `);
    const result = await importOnce({
      dir: files.dir,
      backend,
      via: args.via,
      expectedInstances: files.count,
      ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    });
    process.stderr.write(`${fmt(result.importSeconds, 2)} s\n`);
    runs.push(result);
  }
  const rss = runs.map((r) => r.maxRssMB).filter((v): v is number => v !== null);
  return {
    variant,
    backend,
    files: files.count,
    megabytes: files.bytes / 1e6,
    runs,
    instancesPerSecond: spread(runs.map((r) => r.instances / r.importSeconds)),
    megabytesPerSecond: spread(runs.map((r) => r.bytes / 1e6 / r.importSeconds)),
    importSeconds: spread(runs.map((r) => r.importSeconds)),
    wallSeconds: spread(runs.map((r) => r.wallSeconds)),
    maxRssMB: rss.length === runs.length ? spread(rss) : null,
  };
}

function printImportTable(figures: readonly ImportFigure[], args: BenchArgs): void {
  const how = args.via === 'cli' ? '`lingshu import` (child process)' : 'Archive.storeInstances ×64 (child process)';
  console.log(`\nImport via ${how}, durable writes, median (min–max) of ${args.runs} run(s):`);
  console.log(
    table(
      figures.map((f) => ({
        series: VARIANT_LABEL[f.variant],
        index: f.backend,
        files: String(f.files),
        MB: fmt(f.megabytes, 1),
        'inst/s': range(f.instancesPerSecond, 1),
        'MB/s': range(f.megabytesPerSecond, 1),
        'import s': range(f.importSeconds, 2),
        'process wall s': range(f.wallSeconds, 2),
        'peak RSS MB': f.maxRssMB ? range(f.maxRssMB, 0) : 'n/a',
      })),
    ),
  );
}

function summaryLines(figures: readonly ImportFigure[], parse: readonly ParseBenchResult[], files: number): string[] {
  const lines = figures.map(
    (f) =>
      `import ${VARIANT_LABEL[f.variant]} → ${f.backend}: ${fmt(f.instancesPerSecond.median, 1)} inst/s, ` +
      `${fmt(f.megabytesPerSecond.median, 1)} MB/s, ${fmt(f.importSeconds.median, 2)} s for ${f.files} files` +
      (f.maxRssMB ? `, peak RSS ${fmt(f.maxRssMB.median, 0)} MB` : ''),
  );
  const ours = parse.find((p) => p.parser === 'lingshu');
  for (const p of parse) {
    if (p.parser === 'lingshu' || !ours) continue;
    lines.push(
      `header parse (${files} files): lingshu ${fmt(ours.filesPerSecond, 0)} files/s vs ${p.parser} ` +
        `${fmt(p.filesPerSecond, 0)} files/s (×${fmt(1 / p.ratioToLingshu, 2)})`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2));
  const machine = machineInfo();
  console.log(
    `Lingshu import benchmark${args.quick ? ' (--quick)' : ''}: ${machine.cpu}, ${machine.cores} cores, ` +
      `${machine.memoryGB} GB, Node ${machine.node}, load ${machine.loadAverage1m}`,
  );

  const params = { slices: args.slices, matrix: 512, seed: 20240315 };
  let lastShown = 0;
  const series = await prepareBenchSeries(params, {
    regenerate: args.regenerate,
    onProgress: (done, total) => {
      if (done === total || done - lastShown >= 50) {
        lastShown = done;
        process.stderr.write(`  generated ${done}/${total} slices\n`);
      }
    },
  });
  console.log(
    series.cached
      ? `Series: ${params.slices} × ${params.matrix}² chest CT, reused from ${series.root}`
      : `Series: ${params.slices} × ${params.matrix}² chest CT, generated in ${fmt(series.generationSeconds, 1)} s ` +
          `(not part of the figures) under ${series.root}`,
  );

  const backends: IndexBackend[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  if (!process.env.DATABASE_URL) console.log('DATABASE_URL not set: PostgreSQL backend skipped.');
  const figures: ImportFigure[] = [];
  for (const variant of ['native', 'jpeg-ls'] as const) {
    const v = series.variants[variant];
    for (const backend of backends) {
      figures.push(await importFigure(variant, backend, { dir: v.dir, count: v.files.length, bytes: v.bytes }, args));
    }
  }
  printImportTable(figures, args);

  const nativeFiles = await readAll(series.variants.native.files);
  const parseRuns = args.quick ? 3 : 5;
  const parse = benchHeaderParse(nativeFiles, parseRuns);
  printParseBench(parse, nativeFiles.length, parseRuns);

  const lines = summaryLines(figures, parse, nativeFiles.length);
  console.log('\nSummary:');
  for (const line of lines) console.log(`  ${line}`);

  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(RESULTS_DIR, `import-${stamp}${args.quick ? '-quick' : ''}.json`);
  const result = {
    date: new Date().toISOString(),
    command: `npm run bench:import -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
    args,
    series: {
      root: series.root,
      ...params,
      generationSeconds: series.generationSeconds,
      cached: series.cached,
      megabytes: { native: series.variants.native.bytes / 1e6, 'jpeg-ls': series.variants['jpeg-ls'].bytes / 1e6 },
    },
    import: figures,
    headerParse: parse,
    summary: lines,
  };
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nResults written to ${path.relative(process.cwd(), file)}`);
}

await main();
