import { LingshuError } from '@lingshu/dicom';
import { loadChestCtAnalyzer, type TracedSeed, truthLungRads } from '../analyze/integrations.js';
import { createStepProgress } from '../analyze/stepProgress.js';
import {
  type CliContext,
  EXIT_FAILURE,
  EXIT_OK,
  helpContext,
  parseCommandArgs,
  parsePositiveInt,
  printHelp,
} from '../context.js';
import { runEval } from '../eval/harness.js';
import { formatEvalReport } from '../eval/report.js';
import { HELD_OUT_SEED_START, TUNING_SEEDS } from '../eval/specs.js';
import { isLang } from '../i18n.js';

const OPTIONS = {
  phantoms: { type: 'string' },
  seed: { type: 'string' },
  matrix: { type: 'string' },
  quick: { type: 'boolean' },
  json: { type: 'boolean' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Quick runs: a 256² matrix and thick slices only (minutes, not an hour). */
export const QUICK = { matrix: 256, thicknesses: [1.25, 2.5, 5] } as const;

/**
 * `lingshu eval --phantoms N --seed S [--matrix M] [--quick] [--json]`: generates N phantom chest CT
 * scans (seeds S…S+N−1), analyses each through DICOM in memory and prints detection, FROC,
 * measurement, Lung-RADS, lung and runtime figures. Exit 1 when no scan could be analysed.
 */
export async function evalCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  ctx = helpContext(ctx, values.lang);
  if (values.help) return printHelp(ctx, 'usage.eval');
  if (values.lang !== undefined && !isLang(values.lang)) throw new LingshuError('USAGE', '--lang must be en or zh-CN');
  if (positionals.length > 0) throw new LingshuError('USAGE', 'lingshu eval takes no paths');
  const phantoms = parsePositiveInt(values.phantoms, '--phantoms', 10);
  const seed = parsePositiveInt(values.seed, '--seed', HELD_OUT_SEED_START);
  const matrix = parsePositiveInt(values.matrix, '--matrix', values.quick ? QUICK.matrix : 512);
  if (matrix < 64 || matrix > 1024) throw new LingshuError('USAGE', '--matrix must be between 64 and 1024');
  const seeds = Array.from({ length: phantoms }, (_, i) => seed + i);
  const heldOut = seed >= HELD_OUT_SEED_START;
  if (seed <= TUNING_SEEDS.last && !values.json) ctx.stderr.write(`${ctx.t('eval.tuningSeeds')}\n`);

  // The detector's traced seeds of the scan just analysed: why each missed nodule was missed.
  let trace: TracedSeed[] | undefined;
  const analyzer = await loadChestCtAnalyzer({
    onNoduleTrace: (seeds) => {
      trace = seeds;
    },
  });
  // Progress goes to stderr even with --json: an evaluation runs for minutes to an hour.
  const progress = createStepProgress({ stream: ctx.stderr, label: ctx.t('eval.running') });
  let done = 0;
  const run = await runEval({
    analyzer,
    seeds,
    spec: { matrix, ...(values.quick ? { thicknesses: QUICK.thicknesses } : {}) },
    truthLungRads,
    takeNoduleTrace: () => {
      const taken = trace;
      trace = undefined;
      return taken;
    },
    onStep: (step, fraction) =>
      progress.update((done + fraction) / seeds.length, `${done + 1}/${seeds.length} ${step}`),
    onScan: (n) => {
      done = n;
    },
  }).finally(() => progress.stop());

  const info = { seeds: { first: seed, last: seed + phantoms - 1 }, matrix, peakRssMb: run.peakRssMb, heldOut };
  if (values.json) {
    ctx.stdout.write(
      `${JSON.stringify({ ...info, analyzer: { id: analyzer.descriptor.id, version: analyzer.descriptor.version }, quick: values.quick === true, metrics: run.metrics, scans: run.outcomes }, null, 2)}\n`,
    );
  } else ctx.stdout.write(`${formatEvalReport(run.metrics, info, ctx.t)}\n`);
  return run.metrics.analysed > 0 ? EXIT_OK : EXIT_FAILURE;
}
