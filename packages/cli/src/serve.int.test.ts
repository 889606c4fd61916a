import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ctInstance, REPO_ROOT, runCli } from './testing/fixtures.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'lingshu-cli-serve-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function waitForUrl(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/[^\s/]+\//.exec(out);
      if (m) resolve(m[0]);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

describe('lingshu serve', () => {
  it('serves /healthz, the bilingual status page and /api/status without patient identity; SIGTERM exits 0', async () => {
    const data = join(tmp, 'data');
    const input = join(tmp, 'in');
    mkdirSync(input);
    for (let i = 1; i <= 2; i++)
      writeFileSync(join(input, `${i}.dcm`), ctInstance({ study: 's', series: 'x', instance: i }));
    const imported = await runCli(['import', input, '--data', data]);
    expect(imported.code, imported.stderr).toBe(0);

    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--data', data, '--http-port', '0', '--dicom-port', '0', '--no-demo'],
      {
        cwd: REPO_ROOT,
        // Loopback host, auth off: the DICOMweb checks below run as the local administrator.
        env: { ...process.env, LANG: 'en_US.UTF-8', DATABASE_URL: '', LINGSHU_AUTH_REQUIRED: 'false' },
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const base = await waitForUrl(child);
      const health = await fetch(new URL('/healthz', base));
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });

      const page = await (await fetch(new URL('/status', base))).text();
      expect(page).toContain('灵枢');
      expect(page).toContain('实例');
      // Public: totals only, no study of any institution (not even its description).
      expect(page).not.toContain('Study s');
      expect(page).not.toContain('Test^Patient');
      expect(page).not.toContain('CLI-P1');
      expect(await (await fetch(new URL('/status?lang=en', base))).text()).toContain('Instances');
      // `/` is the web app (index.html, or the bilingual "run npm run build:web" page without a build).
      const root = await fetch(base);
      expect(root.status).toBe(200);
      expect(root.headers.get('content-type')).toContain('text/html');
      expect(await root.text()).toMatch(/灵枢|Lingshu/);

      const status = (await (await fetch(new URL('/api/status', base))).json()) as {
        counts: { instances: number; studies: number };
      };
      expect(status.counts).toMatchObject({ instances: 2, studies: 1 });
      expect(Object.keys(status).sort()).toEqual(['counts', 'name', 'version']);
      expect((await fetch(new URL('/nope', base))).status).toBe(404);
      expect((await fetch(new URL('/readyz', base))).status).toBe(200);
      const studies = (await (await fetch(new URL('/dicomweb/studies', base))).json()) as unknown[];
      expect(studies).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // Two CLI processes (import, then serve with PGlite, HTTP and DIMSE) start here; on a loaded
    // machine that alone can take most of a minute.
  }, 180_000);

  it('exits 2 naming the setting when the configuration is invalid', async () => {
    const r = await runCli(['serve', '--data', join(tmp, 'bad'), '--ae-title', 'THIS_AE_TITLE_IS_TOO_LONG']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--ae-title');
  });
});
