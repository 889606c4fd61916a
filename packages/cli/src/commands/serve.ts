import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Archive, openArchive } from '@lingshu/archive';
import { toLingshuError } from '@lingshu/dicom';
import { loadConfig } from '../config.js';
import {
  type CliContext,
  cliVersion,
  EXIT_OK,
  helpContext,
  parseCommandArgs,
  printHelp,
  withLang,
} from '../context.js';
import type { Lang } from '../i18n.js';
import { importPaths } from '../importer.js';
import { type ArchiveStatus, renderStatusPage, studyRow } from '../statusPage.js';
import { writeDemo } from './demo.js';

const OPTIONS = {
  data: { type: 'string' },
  'http-port': { type: 'string' },
  host: { type: 'string' },
  'no-demo': { type: 'boolean' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** First-start demo: 256×256 and 5 mm slices keep it quick. */
const SERVE_DEMO = { matrix: 256, sliceThicknessMm: 5 };
const LATEST_STUDIES = 20;

async function archiveStatus(archive: Archive, version: string): Promise<ArchiveStatus> {
  const [counts, studies] = await Promise.all([archive.counts(), archive.listStudies({ limit: LATEST_STUDIES })]);
  return { name: 'Lingshu', version, counts, latestStudies: studies.map(studyRow) };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
  res.end(body);
}

function handler(archive: Archive, version: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, 405, 'application/json', JSON.stringify({ error: 'Method not allowed' }));
      } else if (url.pathname === '/healthz') {
        send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
      } else if (url.pathname === '/api/status') {
        send(res, 200, 'application/json', JSON.stringify(await archiveStatus(archive, version)));
      } else if (url.pathname === '/') {
        const lang: Lang = url.searchParams.get('lang') === 'en' ? 'en' : 'zh-CN';
        send(res, 200, 'text/html', renderStatusPage(await archiveStatus(archive, version), lang));
      } else {
        send(res, 404, 'application/json', JSON.stringify({ error: 'Not found' }));
      }
    } catch (e) {
      // One boundary: a coded error, never internals.
      const err = toLingshuError(e);
      send(res, 500, 'application/json', JSON.stringify({ error: err.code }));
    }
  };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

async function importDemo(archive: Archive, dataDir: string, ctx: CliContext, signal: AbortSignal): Promise<void> {
  ctx.stderr.write(`${ctx.t('serve.firstStart')}\n`);
  const outDir = join(dataDir, 'demo-studies');
  await writeDemo({
    outDir,
    seed: 42,
    shrink: SERVE_DEMO,
    onStudy: (done, total) => ctx.stderr.write(`demo ${done}/${total}\n`),
  });
  if (signal.aborted) return;
  const summary = await importPaths(archive, [outDir], { signal });
  ctx.stderr.write(`${ctx.t('serve.demoImported', { instances: summary.added.instances })}\n`);
}

/** `lingshu serve`: the status page until SIGINT/SIGTERM; resolves 0 after a clean shutdown. */
export async function serveCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS);
  if (values.help) return printHelp(helpContext(ctx, values.lang), 'usage.serve');
  const config = loadConfig(
    { data: values.data, httpPort: values['http-port'], host: values.host, lang: values.lang },
    ctx.env,
    ctx.cwd,
  );
  ctx = withLang(ctx, config.lang);
  const archive = await openArchive({
    dataDir: config.dataDir,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
  });
  const server = createServer(handler(archive, cliVersion()));
  let address: AddressInfo;
  try {
    address = await listen(server, config.httpPort, config.host);
  } catch (e) {
    await archive.close();
    throw e;
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  ctx.stdout.write(`${ctx.t('serve.listening', { url: `http://${host}:${address.port}/` })}\n`);

  const abort = new AbortController();
  let demo: Promise<void> = Promise.resolve();
  if (!values['no-demo'] && (await archive.counts()).instances === 0) {
    demo = importDemo(archive, config.dataDir, ctx, abort.signal).catch((e: unknown) => {
      const err = toLingshuError(e);
      ctx.stderr.write(`${ctx.t('error.failed', { code: err.code, message: err.message })}\n`);
    });
  }

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  ctx.stderr.write(`${ctx.t('serve.stopping')}\n`);
  abort.abort();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  await demo;
  await archive.close();
  return EXIT_OK;
}
