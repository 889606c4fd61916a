/**
 * The event stream and /metrics in the real server (startServer: auth guard, routes, shutdown).
 * The filtering rules are covered in oversight/oversight.int.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../auth/credentials.js';
import { DEFAULT_SERVER_CONFIG } from '../config.js';
import { parseExposition } from '../metrics/exposition.js';
import { type RunningServer, startServer } from '../server.js';

describe('event stream and metrics in the running server', () => {
  let dir: string;
  let server: RunningServer;
  let cookie: string;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lingshu-sse-'));
    server = await startServer(
      { ...DEFAULT_SERVER_CONFIG, dataDir: dir, httpPort: 0, dicomPort: null, demo: false, aiWorkers: 0 },
      { log: pino({ level: 'silent' }), shutdownGraceMs: 10_000 },
    );
    const auth = server.ctx.platform.auth;
    const rad = await auth.createUser({ username: 'rad', role: 'radiologist', institution: 'default' });
    cookie = `${SESSION_COOKIE}=${(await auth.createSession(rad.id)).cookieValue}`;
    const qc = await auth.createUser({ username: 'prom', role: 'qc' });
    token = (await auth.createToken(qc.id, { name: 'scraper', scopes: ['metrics:read'] })).token;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves /metrics to a metrics:read token, in a format the exposition reader accepts', async () => {
    server.ctx.events.emit('instance-stored', {
      studyInstanceUID: '1.2.3',
      seriesInstanceUID: '1.2.3.1',
      sopInstanceUID: '1.2.3.1.1',
      source: 'dimse',
    });
    expect((await fetch(`${server.httpUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.httpUrl}/metrics`, { headers: { cookie } })).status).toBe(403);
    const res = await fetch(`${server.httpUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const families = parseExposition(await res.text());
    expect(families.get('lingshu_instances_stored_total')?.samples).toEqual([
      { name: 'lingshu_instances_stored_total', labels: { source: 'dimse' }, value: 1 },
    ]);
    const routes = families.get('lingshu_http_request_duration_seconds')?.samples.map((s) => s.labels.route);
    expect(routes).toContain('/metrics');
  });

  it('keeps a stream open with heartbeats and ends it when the server shuts down, without waiting', async () => {
    const res = await fetch(`${server.httpUrl}/api/events`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain(': connected');
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return true;
    })();
    const t0 = Date.now();
    await server.close();
    // Well under the 10 s grace period: the stream does not hold up shutdown.
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await ended).toBe(true);
  });
});
