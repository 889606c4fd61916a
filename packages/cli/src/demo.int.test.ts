import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countWritten } from './demoFiles.js';
import type { ImportSummary } from './summary.js';
import { runCli } from './testing/fixtures.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'lingshu-cli-demo-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('lingshu demo', () => {
  it('writes the small demo studies with truth, and importing them stores every file', async () => {
    const out = join(tmp, 'demo');
    const demo = await runCli(['demo', '--out', out, '--small', '--seed', '7']);
    expect(demo.code, demo.stderr).toBe(0);
    const written = await countWritten(out);
    expect(written.files).toBeGreaterThan(0);
    expect(written.truthFiles).toBeGreaterThan(0);
    expect(demo.stdout).toContain(`${written.files} files`);

    const imported = await runCli(['import', out, '--data', join(tmp, 'data'), '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const s = JSON.parse(imported.stdout) as ImportSummary;
    expect(s.added.instances).toBe(written.files);
    expect(s.rejected).toEqual([]);
  });
});
