import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnalyzerOutcome, ClinicalContext } from '@lingshu/ai';
import { LingshuError } from '@lingshu/dicom';
import { type LoadedStudy, loadStudyFromArchive, loadStudyFromPath, looksLikeUid } from '../analyze/input.js';
import { defaultExporters, loadChestCtAnalyzer } from '../analyze/integrations.js';
import { defaultOutDirName, resultJson, writeOutputs } from '../analyze/outputs.js';
import { createStepProgress } from '../analyze/stepProgress.js';
import { findingsTable, studyMeasurementLines } from '../analyze/table.js';
import { loadConfig } from '../config.js';
import {
  type CliContext,
  EXIT_FAILURE,
  EXIT_OK,
  helpContext,
  parseCommandArgs,
  printHelp,
  withLang,
} from '../context.js';
import { createProgress } from '../progress.js';

const OPTIONS = {
  out: { type: 'string' },
  json: { type: 'boolean' },
  data: { type: 'string' },
  age: { type: 'string' },
  sex: { type: 'string' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function clinicalContext(age: string | undefined, sex: string | undefined): ClinicalContext | undefined {
  const c: ClinicalContext = {};
  if (age !== undefined) {
    const n = Number(age);
    if (!Number.isInteger(n) || n < 0 || n > 130)
      throw new LingshuError('USAGE', '--age must be a whole number of years');
    c.ageYears = n;
  }
  if (sex !== undefined) {
    if (sex !== 'F' && sex !== 'M') throw new LingshuError('USAGE', '--sex must be F or M');
    c.sex = sex;
  }
  return Object.keys(c).length > 0 ? c : undefined;
}

/**
 * `lingshu analyze PATH|STUDY_UID [--out DIR] [--json]`: runs the chest CT analyzer on a folder, a
 * file set or zip of one study, or a stored study; prints the findings, writes result.json, sr.dcm
 * and seg.dcm. Exit 1 for unusable input (with the reason), 2 for usage errors.
 */
export async function analyzeCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (values.help) return printHelp(helpContext(ctx, values.lang), 'usage.analyze');
  const config = loadConfig({ data: values.data, lang: values.lang }, ctx.env, ctx.cwd);
  ctx = withLang(ctx, config.lang);
  if (positionals.length !== 1) throw new LingshuError('USAGE', ctx.t('analyze.onePath'));
  const target = positionals[0]!;
  const clinical = clinicalContext(values.age, values.sex);
  const quiet = values.json === true && !ctx.stderr.isTTY;

  let reading: ReturnType<typeof createProgress> | undefined;
  const onRead = (_done: number, total: number, bytes: number): void => {
    reading ??= createProgress({ totalFiles: total, stream: ctx.stderr, t: ctx.t, quiet });
    reading.tick(1, bytes);
  };
  const path = resolve(ctx.cwd, target);
  let loaded: LoadedStudy;
  try {
    if (existsSync(path)) loaded = await loadStudyFromPath(path, onRead);
    else if (looksLikeUid(target)) {
      loaded = await loadStudyFromArchive(
        target,
        {
          dataDir: config.dataDir,
          ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
          ...(config.dbSchema ? { schema: config.dbSchema } : {}),
        },
        onRead,
      );
    } else throw new LingshuError('AI_BAD_INPUT', ctx.t('analyze.noSuchPath'));
  } finally {
    reading?.stop();
  }
  if (!quiet)
    ctx.stderr.write(
      `${ctx.t('analyze.read', { instances: loaded.instances, series: loaded.input.series.length, skipped: loaded.skipped })}\n`,
    );
  if (clinical) loaded.input.clinical = clinical;

  const analyzer = await loadChestCtAnalyzer();
  const progress = createStepProgress({ stream: ctx.stderr, label: ctx.t('analyze.running'), quiet });
  let outcome: AnalyzerOutcome;
  try {
    outcome = await analyzer.run(loaded.input, { onProgress: (p) => progress.update(p.fraction, p.step) });
    progress.update(1, 'done');
  } finally {
    progress.stop();
  }

  if (outcome.status !== 'ok') {
    if (values.json) ctx.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
    ctx.stderr.write(`${ctx.t('analyze.notApplicable', { reason: outcome.reason, code: outcome.reasonCode })}\n`);
    return EXIT_FAILURE;
  }

  const outDir = resolve(ctx.cwd, values.out ?? defaultOutDirName(outcome.provenance.studyInstanceUID));
  const exporters = defaultExporters();
  const written = await writeOutputs(outDir, outcome, loaded.input, exporters, ctx.lang);
  const summary = exporters.summary(outcome, ctx.lang);
  if (values.json) {
    ctx.stdout.write(`${JSON.stringify({ result: resultJson(outcome), summary, files: written }, null, 2)}\n`);
  } else {
    const selection = outcome.provenance.seriesSelection;
    const lines = [
      ...(selection ? [ctx.t('analyze.series', { why: selection }), ''] : []),
      findingsTable(outcome, ctx.t),
      '',
      ...studyMeasurementLines(outcome),
      ...outcome.warnings.map((w) => ctx.t('analyze.warning', { code: w.code, message: w.message })),
    ];
    if (summary) lines.push('', summary);
    lines.push(
      '',
      ctx.t('analyze.wrote', {
        out: outDir,
        files: [written.resultJson, written.sr, written.seg].filter(Boolean).length,
      }),
    );
    ctx.stdout.write(`${lines.join('\n')}\n`);
  }
  for (const p of written.problems)
    ctx.stderr.write(`${ctx.t('analyze.notWritten', { file: p.file, message: p.message })}\n`);
  return EXIT_OK;
}
