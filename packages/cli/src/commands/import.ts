import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { openArchive, type StoreItem, type StoreResult } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import { loadConfig } from '../config.js';
import {
  type CliContext,
  EXIT_FAILURE,
  EXIT_OK,
  helpContext,
  parseCommandArgs,
  parsePositiveInt,
  printHelp,
  withLang,
} from '../context.js';
import { importPaths } from '../importer.js';
import { createProgress, type Progress } from '../progress.js';
import { formatSummary } from '../summary.js';

const OPTIONS = {
  data: { type: 'string' },
  concurrency: { type: 'string' },
  'on-duplicate': { type: 'string' },
  institution: { type: 'string' },
  json: { type: 'boolean' },
  log: { type: 'string' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `lingshu import PATH…`: exit 0 when anything was imported (even with rejections), 1 when nothing could be. */
export async function importCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (values.help) return printHelp(helpContext(ctx, values.lang), 'usage.import');
  const config = loadConfig({ data: values.data, lang: values.lang }, ctx.env, ctx.cwd);
  ctx = withLang(ctx, config.lang);
  if (positionals.length === 0) throw new LingshuError('USAGE', ctx.t('import.noPaths'));
  const policy = values['on-duplicate'] ?? 'reject';
  if (policy !== 'reject' && policy !== 'overwrite') {
    throw new LingshuError('USAGE', '--on-duplicate must be reject or overwrite');
  }
  const concurrency = parsePositiveInt(values.concurrency, '--concurrency', 8);

  const archive = await openArchive({
    dataDir: config.dataDir,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.dbSchema ? { schema: config.dbSchema } : {}),
    duplicatePolicy: policy,
  });
  let log: ReturnType<typeof openResultLog> | undefined;
  let progress: Progress | undefined;
  try {
    // New studies belong to --institution (a code); an unknown code is a usage error (exit 2).
    let institutionPk: string | undefined;
    if (values.institution !== undefined) {
      const institution = await archive.institutions.byCode(values.institution);
      if (!institution) throw new LingshuError('USAGE', ctx.t('institution.unknown', { code: values.institution }));
      institutionPk = institution.pk;
    }
    log = values.log ? openResultLog(values.log) : undefined;
    let foreign = 0;
    const onResults = (items: readonly StoreItem[], results: readonly StoreResult[]): void => {
      for (const r of results) if (r.foreignStudy) foreign++;
      log?.write(items, results);
    };
    ctx.stderr.write(`${ctx.t('import.discovering')}\n`);
    const summary = await importPaths(archive, positionals, {
      concurrency,
      exclude: [config.dataDir],
      onDiscovered: (files, bytes) => {
        ctx.stderr.write(`${ctx.t('import.found', { files, mb: (bytes / 1e6).toFixed(1) })}\n`);
        progress = createProgress({ totalFiles: files, stream: ctx.stderr, t: ctx.t });
      },
      onProgress: (files, bytes) => progress?.tick(files, bytes),
      onResults,
      ...(institutionPk ? { institutionPk } : {}),
    });
    progress?.stop();
    // Instances for studies another institution owns were kept in those studies (owner unchanged).
    if (foreign > 0) ctx.stderr.write(`${ctx.t('import.foreignStudy', { count: foreign })}\n`);
    if (values.json) ctx.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else ctx.stdout.write(`${formatSummary(summary, ctx.t)}\n`);
    return summary.outcome === 'nothing' ? EXIT_FAILURE : EXIT_OK;
  } finally {
    progress?.stop();
    log?.close();
    await archive.close();
  }
}

/**
 * `--log FILE`: one JSON line per instance (source, status, UIDs or error code), appended and
 * fsynced after each batch, so every line that says "stored" is already durable in the archive.
 */
function openResultLog(path: string): {
  write: (items: readonly StoreItem[], results: readonly StoreResult[]) => void;
  close: () => void;
} {
  const fd = openSync(path, 'a');
  return {
    write: (items, results) => {
      const lines = items.map((item, i) => {
        const r = results[i];
        return JSON.stringify({
          source: item.source,
          status: r?.status ?? 'rejected',
          ...(r?.sopInstanceUID ? { sopInstanceUID: r.sopInstanceUID, studyInstanceUID: r.studyInstanceUID } : {}),
          ...(r?.error ? { code: r.error.code, message: r.error.message } : {}),
        });
      });
      writeSync(fd, `${lines.join('\n')}\n`);
      fsyncSync(fd);
    },
    close: () => closeSync(fd),
  };
}
