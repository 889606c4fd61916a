import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LingshuError } from '@lingshu/dicom';
import { demoStudies, writeStudyToDir } from '@lingshu/phantom';
import { type CliContext, EXIT_OK, helpContext, parseCommandArgs, parsePositiveInt, printHelp } from '../context.js';
import { countWritten, shrinkStudy, type WrittenFiles } from '../demoFiles.js';
import { isLang } from '../i18n.js';
import { createProgress } from '../progress.js';

const OPTIONS = {
  out: { type: 'string' },
  seed: { type: 'string' },
  small: { type: 'boolean' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface DemoOptions {
  outDir: string;
  seed: number;
  /** Matrix and slice thickness for a quick run; absent = the phantom's own. */
  shrink?: { matrix: number; sliceThicknessMm: number };
  onStudy?(done: number, total: number): void;
}

export interface DemoResult extends WrittenFiles {
  studies: number;
  outDir: string;
}

/** Writes the phantom demo studies (with their truth) under `outDir`. */
export async function writeDemo(options: DemoOptions): Promise<DemoResult> {
  const specs = demoStudies(options.seed);
  await mkdir(options.outDir, { recursive: true });
  let done = 0;
  options.onStudy?.(0, specs.length);
  for (const spec of specs) {
    const s = options.shrink ? shrinkStudy(spec, options.shrink.matrix, options.shrink.sliceThicknessMm) : spec;
    await writeStudyToDir(s, options.outDir);
    options.onStudy?.(++done, specs.length);
  }
  return { studies: specs.length, outDir: options.outDir, ...(await countWritten(options.outDir)) };
}

export const SMALL_DEMO = { matrix: 64, sliceThicknessMm: 10 };

/** `lingshu demo --out DIR [--seed N] [--small]`. */
export async function demoCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS);
  ctx = helpContext(ctx, values.lang);
  if (values.help) return printHelp(ctx, 'usage.demo');
  if (values.lang !== undefined && !isLang(values.lang)) throw new LingshuError('USAGE', '--lang must be en or zh-CN');
  if (!values.out) throw new LingshuError('USAGE', ctx.t('demo.outRequired'));
  const seed = values.seed === undefined ? 42 : parsePositiveInt(values.seed, '--seed', 42);
  const outDir = resolve(ctx.cwd, values.out);
  ctx.stderr.write(`${ctx.t('demo.writing')}\n`);
  let progress: ReturnType<typeof createProgress> | undefined;
  const result = await writeDemo({
    outDir,
    seed,
    ...(values.small ? { shrink: SMALL_DEMO } : {}),
    onStudy: (done, total) => {
      progress ??= createProgress({
        totalFiles: total,
        stream: ctx.stderr,
        t: ctx.t,
        plainIntervalSeconds: 0,
        unit: 'studies',
      });
      if (done > 0) progress.tick(1, 0);
      if (done === total) progress.stop();
    },
  });
  ctx.stdout.write(
    `${ctx.t('demo.done', { studies: result.studies, series: result.series, files: result.files, out: outDir })}\n`,
  );
  return EXIT_OK;
}
