import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Analyzer } from '@lingshu/ai';
import { Archive } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import { loadServerConfig, openContext, type ServerConfig } from '@lingshu/server';
import pino from 'pino';
import { type CliContext, EXIT_OK, helpContext, parseCommandArgs, printHelp, withLang } from '../context.js';
import { isLang, langFromEnv } from '../i18n.js';

const OPTIONS = {
  data: { type: 'string' },
  config: { type: 'string' },
  concurrency: { type: 'string' },
  'analyzers-module': { type: 'string' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function isAnalyzer(value: unknown): value is Analyzer {
  const a = value as Partial<Analyzer> | null;
  return (
    typeof a === 'object' &&
    a !== null &&
    typeof a.run === 'function' &&
    typeof a.descriptor?.id === 'string' &&
    typeof a.descriptor.version === 'string'
  );
}

/** Loads `analyzers: Analyzer[]` from a JS/TS module (extra analyzers for this worker). */
export async function loadAnalyzersModule(path: string, cwd: string): Promise<Analyzer[]> {
  let mod: { analyzers?: unknown };
  try {
    mod = (await import(pathToFileURL(resolve(cwd, path)).href)) as { analyzers?: unknown };
  } catch (e) {
    throw new LingshuError('CONFIG_INVALID', '--analyzers-module: the module cannot be loaded', {
      cause: e,
      details: { setting: '--analyzers-module' },
    });
  }
  if (!Array.isArray(mod.analyzers) || !mod.analyzers.every(isAnalyzer))
    throw new LingshuError('CONFIG_INVALID', '--analyzers-module: the module must export `analyzers: Analyzer[]`', {
      details: { setting: '--analyzers-module' },
    });
  return mod.analyzers;
}

function parseConcurrency(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const n = /^\d{1,3}$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new LingshuError('CONFIG_INVALID', '--concurrency must be an integer 1–64', {
      details: { setting: '--concurrency' },
    });
  return n;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolvePromise) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolvePromise(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * `lingshu worker`: consumes AI jobs from the shared queue (PostgreSQL via DATABASE_URL, and the
 * same data directory as the servers) until SIGINT/SIGTERM; running analyses finish first.
 */
export async function workerCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS);
  if (values.help) return printHelp(helpContext(ctx, values.lang), 'usage.worker');
  if (values.lang !== undefined && !isLang(values.lang))
    throw new LingshuError('CONFIG_INVALID', '--lang must be en or zh-CN', { details: { setting: '--lang' } });
  ctx = withLang(ctx, values.lang ?? langFromEnv(ctx.env));
  const concurrency = parseConcurrency(values.concurrency);
  const loaded = loadServerConfig(
    {
      ...(values.data !== undefined ? { data: values.data } : {}),
      ...(values.config !== undefined ? { config: values.config } : {}),
    },
    ctx.env,
    ctx.cwd,
  );
  // The embedded database serves one process: standalone workers share a PostgreSQL server.
  if (!loaded.databaseUrl)
    throw new LingshuError(
      'CONFIG_INVALID',
      'DATABASE_URL: lingshu worker needs a PostgreSQL server shared with the servers',
      {
        details: { setting: 'DATABASE_URL' },
      },
    );
  const extra = values['analyzers-module'] ? await loadAnalyzersModule(values['analyzers-module'], ctx.cwd) : [];
  // The platform's own in-process workers stay off: this command starts exactly `concurrency`.
  const config: ServerConfig = { ...loaded, aiWorkers: 0 };
  const log = pino({ level: config.logLevel, base: { service: 'lingshu-worker' } }, pino.destination(2));
  const stopped = waitForSignal();
  const archive = await Archive.open({
    dataDir: config.dataDir,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.dbSchema ? { schema: config.dbSchema } : {}),
  });
  try {
    const server = await openContext(archive, config, log);
    try {
      server.platform.jobs.registerAnalyzers(extra);
      await server.platform.jobs.startWorkers(concurrency);
      const analyzers = [...server.platform.jobs.analyzers.keys()].join(', ');
      ctx.stdout.write(`${ctx.t('worker.ready', { concurrency, analyzers, pid: process.pid })}\n`);
      await stopped;
      ctx.stderr.write(`${ctx.t('worker.stopping')}\n`);
    } finally {
      await server.platform.close();
    }
  } finally {
    await archive.close();
  }
  return EXIT_OK;
}
