/**
 * `npm run bench:viewer [-- --quick] [-- --runs N --slices N --studies N --timeout SECONDS]`
 *
 * The reading workspace's loading speed in headless chromium (playwright-core, Debian's
 * /usr/bin/chromium, SwiftShader WebGL) against `lingshu serve` on loopback:
 * 1. a fresh server (PGlite, temp data dir) stores a 512² phantom chest CT of 400 slices (cached
 *    under os.tmpdir()) and 5 000 more worklist studies (index rows by SQL);
 * 2. per run, a fresh browser context (empty HTTP and image caches) at 1920×1080 logs in through
 *    the login form, then: double-click on the CT in the worklist → first image on screen (goal
 *    ≤ 1 s) → the whole stack loaded (goal ≤ 3 s); a new worklist page → rows visible, jump to
 *    the end, a 120-frame scroll to the bottom;
 * 3. prints median, p95 and min per figure with the goals; writes bench/results/viewer-<time>.json.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { fmt, median, table } from './stats.js';
import { login, type OpenTiming, openStudyTimed, type WorklistTiming, worklistTimed } from './viewer/measure.js';
import { ROOT, startFixture, stopFixture } from './viewer/setup.js';

const CHROMIUM = process.env.LINGSHU_CHROMIUM ?? '/usr/bin/chromium';
const RESULTS_DIR = path.join(ROOT, 'bench/results');
const USER = 'bench.reader';
const PASSWORD = 'Bench-Viewer-2026';

interface BenchArgs {
  quick: boolean;
  runs: number;
  slices: number;
  studies: number;
  /** Longest wait for the first image, the full stack and the worklist rows, ms. */
  timeoutMs: number;
}

function readArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      slices: { type: 'string' },
      studies: { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  const positive = (raw: string | undefined, fallback: number, name: string): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  return {
    quick: values.quick,
    runs: positive(values.runs, values.quick ? 2 : 5, 'runs'),
    slices: positive(values.slices, values.quick ? 64 : 400, 'slices'),
    studies: positive(values.studies, values.quick ? 1000 : 5000, 'studies'),
    timeoutMs: positive(values.timeout, 60, 'timeout') * 1000,
  };
}

interface Figure {
  figure: string;
  goalMs: number | null;
  values: number[];
  misses: number;
}

function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? Number.NaN;
}

function figure(name: string, goalMs: number | null, raw: ReadonlyArray<number | null>): Figure {
  const values = raw.filter((v): v is number => v !== null);
  return { figure: name, goalMs, values, misses: raw.length - values.length };
}

function row(f: Figure): Record<string, string> {
  const has = f.values.length > 0;
  const med = has ? median(f.values) : Number.NaN;
  return {
    figure: f.figure,
    'median ms': has ? fmt(med, 0) : 'n/a',
    'p95 ms': has ? fmt(percentile(f.values, 0.95), 0) : 'n/a',
    'min ms': has ? fmt(Math.min(...f.values), 0) : 'n/a',
    runs: `${f.values.length}${f.misses ? ` (+${f.misses} timed out)` : ''}`,
    goal: f.goalMs === null ? '—' : `≤ ${fmt(f.goalMs, 0)} ms`,
    met: f.goalMs === null || !has ? '' : med <= f.goalMs && f.misses === 0 ? 'yes' : 'NO',
  };
}

/** `frame 64× 300–2100 (40)`: when each kind of request ended, ms after the double-click (median latency). */
function phaseLine(open: OpenTiming): string {
  return Object.entries(open.requests)
    .map(([k, p]) => `${k} ${p.count}× ${fmt(p.firstEndMs, 0)}–${fmt(p.lastEndMs, 0)} (${fmt(p.medianLatencyMs, 0)})`)
    .join(', ');
}

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2));
  if (!existsSync(CHROMIUM))
    throw new Error(`No chromium at ${CHROMIUM} (apt-get install chromium, or set LINGSHU_CHROMIUM)`);
  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
  console.log(
    `Lingshu viewer benchmark${args.quick ? ' (--quick)' : ''}: ${machine.cpu}, ${machine.cores} cores, ` +
      `Node ${machine.node}, load ${machine.loadAverage1m}`,
  );

  const fixture = await startFixture({ slices: args.slices, worklistStudies: args.studies });
  const base = fixture.server.httpUrl;
  console.log(
    `Study: ${fixture.slices} × 512² CT (${fmt(fixture.seriesMegabytes, 0)} MB, explicit VR LE) stored in ` +
      `${fmt(fixture.seconds.store, 1)} s; worklist: ${fixture.worklistStudies} studies (seeded in ` +
      `${fmt(fixture.seconds.seed, 1)} s)${fixture.seconds.generate ? `; series generated in ${fmt(fixture.seconds.generate, 0)} s` : ''}`,
  );
  await fixture.server.ctx.platform.auth.createUser({ username: USER, role: 'radiologist', password: PASSWORD });

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  const opens: OpenTiming[] = [];
  const lists: WorklistTiming[] = [];
  try {
    for (let r = 0; r < args.runs; r++) {
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      // tsx keeps function names with a `__name` helper that the page functions would call; room
      // for every frame request in the resource timing buffer (default 250 entries).
      await context.addInitScript({
        content: 'globalThis.__name ??= (f) => f; performance.setResourceTimingBufferSize(5000);',
      });
      try {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await login(page, base, USER, PASSWORD);
        const open = await openStudyTimed(page, fixture.studyUid, args.timeoutMs);
        if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
        await page.close();
        const list = await worklistTimed(context, base, args.timeoutMs);
        opens.push(open);
        lists.push(list);
        process.stderr.write(
          `  run ${r + 1}/${args.runs}: first image ${fmt(open.firstImageMs ?? Number.NaN, 0)} ms, ` +
            `stack ${open.loaded}/${open.total} in ${fmt(open.fullStackMs ?? Number.NaN, 0)} ms` +
            `${open.failed ? ` (${open.failed} failed)` : ''} [${phaseLine(open)}]; worklist rows ${fmt(list.rowsVisibleMs ?? Number.NaN, 0)} ms, ` +
            `end ${fmt(list.scrollToEndMs ?? Number.NaN, 0)} ms\n`,
        );
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await stopFixture(fixture);
  }

  const figures = [
    figure(
      `open ${fixture.slices}-slice CT → first image`,
      1000,
      opens.map((o) => o.firstImageMs),
    ),
    figure(
      `open ${fixture.slices}-slice CT → full stack loaded`,
      3000,
      opens.map((o) => o.fullStackMs),
    ),
    figure(
      `worklist ${fixture.worklistStudies} studies → rows visible`,
      null,
      lists.map((l) => l.rowsVisibleMs),
    ),
    figure(
      'worklist → jump to the end, last row rendered',
      null,
      lists.map((l) => l.scrollToEndMs),
    ),
    figure(
      'worklist → 120-frame scroll to the bottom',
      null,
      lists.map((l) => l.scrollSweepMs),
    ),
    figure(
      'worklist scroll, p95 frame interval',
      null,
      lists.map((l) => l.scrollFrameP95Ms),
    ),
  ];
  const loadAfter = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
  console.log(`\nMedian, p95 and min of ${args.runs} run(s), chromium 1920×1080, loopback (load now ${loadAfter}):`);
  console.log(table(figures.map(row)));

  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(RESULTS_DIR, `viewer-${stamp}${args.quick ? '-quick' : ''}.json`);
  const result = {
    date: new Date().toISOString(),
    command: `npm run bench:viewer -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { ...machine, loadAverage1mAfter: loadAfter },
    args,
    fixture: {
      slices: fixture.slices,
      megabytes: fixture.seriesMegabytes,
      worklistStudies: fixture.worklistStudies,
      seconds: fixture.seconds,
    },
    figures: figures.map((f) => ({ ...f, ...row(f) })),
    runs: opens.map((open, i) => ({ open, worklist: lists[i] })),
  };
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nResults written to ${path.relative(process.cwd(), file)}`);
}

await main();
