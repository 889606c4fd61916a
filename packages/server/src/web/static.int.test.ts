/** The web app's static files on the real app: SPA pages, assets, content types, caching, no traversal. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, openAuthFixture } from '../auth/testing.js';

describe('web app static serving', () => {
  let dir: string;
  let web: string;
  let withBuild: AuthFixture;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lingshu-web-'));
    web = join(dir, 'dist');
    mkdirSync(join(web, 'assets', 'sub'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>SPA-INDEX</title>');
    writeFileSync(join(web, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(web, 'assets', 'worker-1.js'), 'self.onmessage=()=>{}');
    writeFileSync(join(web, 'assets', 'codec-x.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    writeFileSync(join(web, 'assets', 'sub', 'a.css'), 'body{}');
    writeFileSync(join(dir, 'secret.txt'), 'SECRET');
    withBuild = await openAuthFixture({ config: { webDir: web } });
  });

  afterAll(async () => {
    await withBuild?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers index.html for the SPA pages without credentials, never cached', async () => {
    for (const url of ['/', '/login', '/worklist', '/viewer/1.2.3.4']) {
      const res = await withBuild.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('SPA-INDEX');
    }
  });

  it('serves hashed assets with their content type and a long cache', async () => {
    const js = await withBuild.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe('console.log(1)');
    const worker = await withBuild.app.inject({ method: 'GET', url: '/assets/worker-1.js' });
    expect(worker.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const wasm = await withBuild.app.inject({ method: 'GET', url: '/assets/codec-x.wasm' });
    expect(wasm.statusCode).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.rawPayload.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    const css = await withBuild.app.inject({ method: 'GET', url: '/assets/sub/a.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('refuses traversal and unknown files with 404 HTTP_NOT_FOUND', async () => {
    for (const url of [
      '/assets/../secret.txt',
      '/assets/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/sub/..%2f..%2f..%2fsecret.txt',
      '/assets/.hidden',
      '/assets/nope.js',
      '/assets/sub',
      '/assets/',
    ]) {
      const res = await withBuild.app.inject({ method: 'GET', url });
      // `..` and `%2e%2e` right after /assets/ are resolved by the URL parser first (→ /secret.txt: no route, 401).
      expect([401, 404], url).toContain(res.statusCode);
      if (!/^\/assets\/(\.\.|%2e%2e)\//.test(url)) expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('SECRET');
      if (res.statusCode === 404) expect(res.json().error.code).toBe('HTTP_NOT_FOUND');
    }
  });

  it('without a build, / says (in both languages) to run npm run build:web', async () => {
    rmSync(join(web, 'index.html'));
    const res = await withBuild.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build:web');
    expect(res.body).toContain('尚未构建');
    expect(res.body).toContain('has not been built');
  });

  it('keeps the API behind authentication (and after the no-build test: last)', async () => {
    const res = await withBuild.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(res.statusCode).toBe(401);
  });
});
