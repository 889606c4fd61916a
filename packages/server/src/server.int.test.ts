import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { DEFAULT_SERVER_CONFIG } from './config.js';
import { type RunningServer, startServer } from './server.js';

/** Collects the structured log lines the server writes. */
function captureLog(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

/** The test routes need any principal (the local one: authRequired is off here). */
const ANY = { config: { access: 'authenticated' as const } };

describe('startServer', () => {
  let dir: string;
  let server: RunningServer;
  let release: () => void = () => undefined;
  let slowStarted: Promise<void>;
  const captured = captureLog();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lingshu-server-'));
    let started!: () => void;
    slowStarted = new Promise((resolve) => {
      started = resolve;
    });
    server = await startServer(
      { ...DEFAULT_SERVER_CONFIG, dataDir: dir, httpPort: 0, dicomPort: null, demo: false, authRequired: false },
      {
        log: captured.log,
        routes: (app) => {
          app.get('/test/boom', ANY, async () => {
            throw new Error('secret internals: /var/lib/x SELECT * FROM patients');
          });
          app.post('/test/echo', { bodyLimit: 64, ...ANY }, async (request) => request.body as object);
          // Holds a request open until the test releases it (to observe graceful shutdown).
          app.get('/test/slow', ANY, async () => {
            const wait = new Promise<void>((resolve) => {
              release = resolve;
            });
            started();
            await wait;
            return { done: true };
          });
        },
      },
    );
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${server.httpUrl}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('maps errors to coded JSON bodies and never leaks internals', async () => {
    const missing = await fetch(`${server.httpUrl}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'HTTP_NOT_FOUND' } });
    const boom = await fetch(`${server.httpUrl}/test/boom`);
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: 'INTERNAL', message: 'An internal error occurred', details: {} },
    });
    expect(text).not.toContain('secret');
    expect(captured.lines.join('\n')).not.toContain('secret internals');
  });

  it("maps Fastify's own errors (bad JSON, unknown content type, body too large) to coded errors", async () => {
    const post = (body: string, type: string) =>
      fetch(`${server.httpUrl}/test/echo`, { method: 'POST', body, headers: { 'content-type': type } });
    const ok = await post('{"a":1}', 'application/json');
    expect(await ok.json()).toEqual({ a: 1 });
    const cases: Array<[Response, number, string]> = [
      [await post('{"a":', 'application/json'), 400, 'HTTP_BAD_PARAMETER'],
      [await post('x', 'application/x-unknown'), 415, 'HTTP_UNSUPPORTED_MEDIA_TYPE'],
      [await post(JSON.stringify({ a: 'x'.repeat(100) }), 'application/json'), 413, 'HTTP_PAYLOAD_TOO_LARGE'],
    ];
    for (const [res, status, code] of cases) {
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ error: { code } });
    }
  });

  it('honours and echoes x-request-id and logs the route pattern without PHI from the URL', async () => {
    const res = await fetch(`${server.httpUrl}/dicomweb/studies?PatientName=Wang%5EXiaoming&PatientID=ID-4711`, {
      headers: { 'x-request-id': 'req-123', accept: 'application/dicom+json' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-123');
    const generated = await fetch(`${server.httpUrl}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const log = captured.lines.join('\n');
    expect(log).not.toMatch(/Wang|Xiaoming|ID-4711/);
    const line = captured.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reqId === 'req-123');
    expect(line).toMatchObject({ method: 'GET', route: '/dicomweb/studies', status: 200 });
    expect(typeof line?.ms).toBe('number');
  });

  it('answers CORS preflights only when origins are configured', async () => {
    const ctx = { ...server.ctx, config: { ...server.ctx.config, corsOrigins: ['https://viewer.example.org'] } };
    const app = await buildApp(ctx);
    const headers = { origin: 'https://viewer.example.org', 'access-control-request-method': 'GET' };
    const pre = await app.inject({ method: 'OPTIONS', url: '/dicomweb/studies', headers });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://viewer.example.org');
    const other = await app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
    const off = await fetch(`${server.httpUrl}/healthz`, { headers: { origin: 'https://viewer.example.org' } });
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('shuts down gracefully: in-flight requests finish, then the archive closes', async () => {
    const inFlight = fetch(`${server.httpUrl}/test/slow`);
    await slowStarted;
    const closed = server.close();
    let closedYet = false;
    void closed.then(() => {
      closedYet = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(closedYet).toBe(false);
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await closed;
    await expect(fetch(`${server.httpUrl}/healthz`)).rejects.toThrow();
  });
});
