import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LingshuError } from '@lingshu/dicom';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The @lingshu/web build output, resolved from this package (the default of `webDir`). */
export function defaultWebDir(): string {
  return fileURLToPath(new URL('../../../web/dist', import.meta.url));
}

/** Routes of the single-page app answering index.html (on PUBLIC_ROUTES; static files carry no PHI). */
export const WEB_APP_PAGES = ['/', '/login', '/worklist', '/viewer/*'] as const;
export const WEB_ASSETS_ROUTE = '/assets/*';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
};

/** Shown at `/` when the web app was not built. */
export function missingBuildPage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>灵枢 Lingshu</title></head>
<body style="font-family:system-ui,sans-serif;margin:3em">
<h1>灵枢 Lingshu</h1>
<p>阅片工作站尚未构建。请在仓库根目录运行 <code>npm run build:web</code>，然后重启服务。</p>
<p>The reading workspace has not been built. Run <code>npm run build:web</code> in the repository root, then restart the server.</p>
<p><a href="/status">状态 / Status</a></p>
</body></html>
`;
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The file under `root` for a request path, or null when it is unsafe or absent (no traversal). */
export function resolveAsset(root: string, relPath: string): string | null {
  const segments = relPath.split('/');
  if (segments.length === 0 || !segments.every((s) => SAFE_SEGMENT.test(s) && !s.includes('..'))) return null;
  const base = resolve(root);
  const file = resolve(base, ...segments);
  if (!file.startsWith(base + sep)) return null;
  try {
    return statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

function notFound(): LingshuError {
  return new LingshuError('HTTP_NOT_FOUND', 'No resource matches the request');
}

/**
 * Serves the web app from `webDir`: index.html for the SPA pages (never cached, so a new build
 * shows at once) and the hashed files under /assets (cached for a year, immutable).
 */
export function registerWebApp(app: FastifyInstance, webDir: string): void {
  const root = resolve(webDir);
  const indexFile = join(root, 'index.html');
  const sendIndex = (reply: FastifyReply) => {
    reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache');
    if (!existsSync(indexFile)) return reply.send(missingBuildPage());
    return reply.send(readFileSync(indexFile));
  };
  for (const url of WEB_APP_PAGES)
    app.get(url, { config: { access: 'public' } }, async (_request, reply) => sendIndex(reply));

  app.get<{ Params: { '*': string } }>(WEB_ASSETS_ROUTE, { config: { access: 'public' } }, async (request, reply) => {
    const file = resolveAsset(join(root, 'assets'), request.params['*']);
    if (!file) throw notFound();
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    return reply
      .header('content-type', type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .header('content-length', statSync(file).size)
      .send(createReadStream(file));
  });
}
