import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_CONFIG } from '../config.js';
import { type RunningServer, startServer } from '../server.js';
import { publicRouteOf } from './publicRoutes.js';

/**
 * Every route of the real server (built by startServer, with CORS and single sign-on on so their
 * routes exist) declares its access, and every route that is not on PUBLIC_ROUTES answers 401
 * without credentials. Routes other areas add later are covered automatically.
 */
describe('route inventory', () => {
  let dir: string;
  let server: RunningServer;
  const logLines: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lingshu-routes-'));
    server = await startServer(
      {
        ...DEFAULT_SERVER_CONFIG,
        dataDir: dir,
        httpPort: 0,
        dicomPort: null,
        demo: false,
        corsOrigins: ['https://viewer.example.org'],
        oidc: {
          issuer: 'http://127.0.0.1:9',
          clientId: 'lingshu',
          clientSecret: 'secret',
          redirectUri: 'http://127.0.0.1:8042/api/auth/oidc/callback',
          usernameClaim: 'preferred_username',
        },
      },
      {
        log: pino(
          { level: 'warn' },
          new Writable({
            write(chunk, _enc, done) {
              logLines.push(String(chunk));
              done();
            },
          }),
        ),
      },
    );
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has routes from every area and each declares its access', () => {
    const routes = server.app.routeInventory;
    expect(routes.length).toBeGreaterThan(30);
    for (const url of ['/healthz', '/dicomweb/studies', '/api/auth/login', '/api/admin/users'])
      expect(routes.some((r) => r.url === url)).toBe(true);
    const undeclared = routes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.url}`);
    expect(undeclared).toEqual([]);
    const publicButUnlisted = routes.filter((r) => r.access === 'public' && !publicRouteOf(r.method, r.url));
    expect(publicButUnlisted).toEqual([]);
  });

  it('answers 401 without credentials on every non-public route', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const route of server.app.routeInventory) {
      if (route.access === 'public') continue;
      const url = route.url.replace(/:[A-Za-z0-9_]+(\([^)]*\))?/g, '1').replace(/\*$/, 'x');
      const res = await server.app.inject({
        method: route.method as 'GET',
        url,
        ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}),
      });
      checked++;
      if (res.statusCode !== 401) failures.push(`${route.method} ${route.url} → ${res.statusCode}`);
    }
    expect(checked).toBeGreaterThan(25);
    expect(failures).toEqual([]);
  });

  it('warns once that there are no users when the demo is off', () => {
    expect(logLines.filter((l) => l.includes('lingshu user add')).length).toBe(1);
  });

  it('lets a CORS preflight through without credentials', async () => {
    const res = await server.app.inject({
      method: 'OPTIONS',
      url: '/dicomweb/studies',
      headers: { origin: 'https://viewer.example.org', 'access-control-request-method': 'GET' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://viewer.example.org');
  });
});
