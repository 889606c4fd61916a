import { join } from 'node:path';
import type { Archive } from '@lingshu/archive';
import { LingshuError, toLingshuError } from '@lingshu/dicom';
import { loadServerConfig, notifyStored, type RouteRegistrar, type ServerContext, startServer } from '@lingshu/server';
import {
  type CliContext,
  cliVersion,
  EXIT_OK,
  helpContext,
  parseCommandArgs,
  printHelp,
  withLang,
} from '../context.js';
import { isLang, type Lang, langFromEnv } from '../i18n.js';
import { importPaths } from '../importer.js';
import { type ArchiveStatus, renderStatusPage } from '../statusPage.js';
import { writeDemo } from './demo.js';

const OPTIONS = {
  data: { type: 'string' },
  'http-port': { type: 'string' },
  'dicom-port': { type: 'string' },
  'ae-title': { type: 'string' },
  host: { type: 'string' },
  config: { type: 'string' },
  'no-demo': { type: 'boolean' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** First-start demo: 256×256 and 5 mm slices keep it quick. */
const SERVE_DEMO = { matrix: 256, sliceThicknessMm: 5 };
async function archiveStatus(archive: Archive, version: string): Promise<ArchiveStatus> {
  return { name: 'Lingshu', version, counts: await archive.counts() };
}

/** Both status routes are on PUBLIC_ROUTES: they show no patient identity. */
const PUBLIC = { config: { access: 'public' as const } };

/** The bilingual status page and its JSON, on the server's app (no patient identity). */
function statusRoutes(version: string): RouteRegistrar {
  return (app, ctx) => {
    app.get('/api/status', PUBLIC, async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return archiveStatus(ctx.archive, version);
    });
    app.get<{ Querystring: { lang?: string } }>('/status', PUBLIC, async (request, reply) => {
      const lang: Lang = request.query.lang === 'en' ? 'en' : 'zh-CN';
      reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store');
      return renderStatusPage(await archiveStatus(ctx.archive, version), lang);
    });
  };
}

/** Generates the demo studies and imports them, announcing each new instance (study-stable follows). */
function demoSeeder(cli: CliContext): (ctx: ServerContext, signal: AbortSignal) => Promise<void> {
  return async (ctx: ServerContext, signal: AbortSignal): Promise<void> => {
    cli.stderr.write(`${cli.t('serve.firstStart')}\n`);
    const outDir = join(ctx.config.dataDir, 'demo-studies');
    await writeDemo({
      outDir,
      seed: 42,
      shrink: SERVE_DEMO,
      onStudy: (done, total) => cli.stderr.write(`demo ${done}/${total}\n`),
    });
    if (signal.aborted) return;
    const summary = await importPaths(ctx.archive, [outDir], {
      signal,
      onResults: (_items, results) => {
        for (const r of results) notifyStored(ctx, r, 'import');
      },
    });
    cli.stderr.write(`${cli.t('serve.demoImported', { instances: summary.added.instances })}\n`);
  };
}

function waitForSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `lingshu serve`: the web app, DICOMweb, DIMSE and the status page (/status) until SIGINT/SIGTERM; 0 after a clean shutdown. */
export async function serveCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS);
  if (values.help) return printHelp(helpContext(ctx, values.lang), 'usage.serve');
  if (values.lang !== undefined && !isLang(values.lang))
    throw new LingshuError('CONFIG_INVALID', '--lang must be en or zh-CN', { details: { setting: '--lang' } });
  const config = loadServerConfig(
    {
      ...(values.data !== undefined ? { data: values.data } : {}),
      ...(values['http-port'] !== undefined ? { httpPort: values['http-port'] } : {}),
      ...(values['dicom-port'] !== undefined ? { dicomPort: values['dicom-port'] } : {}),
      ...(values['ae-title'] !== undefined ? { aeTitle: values['ae-title'] } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values.config !== undefined ? { config: values.config } : {}),
      ...(values['no-demo'] ? { demo: false } : {}),
    },
    ctx.env,
    ctx.cwd,
  );
  ctx = withLang(ctx, values.lang ?? langFromEnv(ctx.env));
  const stopped = waitForSignal();
  const server = await startServer(config, { routes: statusRoutes(cliVersion()), seedDemo: demoSeeder(ctx) });
  ctx.stdout.write(`${ctx.t('serve.listening', { url: `${server.httpUrl}/` })}\n`);
  if (server.dicomPort !== null) ctx.stdout.write(`DICOM ${config.aeTitle} port ${server.dicomPort}\n`);
  await stopped;
  ctx.stderr.write(`${ctx.t('serve.stopping')}\n`);
  try {
    await server.close();
  } catch (e) {
    const err = toLingshuError(e);
    ctx.stderr.write(`${ctx.t('error.failed', { code: err.code, message: err.message })}\n`);
    return 1;
  }
  return EXIT_OK;
}
