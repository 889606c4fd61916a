import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing/fixtures.js';

describe('lingshu rules (embedded database)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lingshu-cli-rules-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('saves a rule file (validated) and lists the rules in order', async () => {
    const data = join(dir, 'data');
    const good = join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify([
        {
          id: 'stat-chest',
          name: '急诊胸部 CT',
          priority: 'stat',
          match: { modality: ['CT'], studyDescription: '急诊' },
          analyzers: ['lingshu-chest-ct'],
        },
        { id: 'off', name: 'Disabled', enabled: false, analyzers: ['lingshu-chest-ct'] },
      ]),
    );
    const saved = await runCli(['rules', 'set', good, '--data', data, '--lang', 'en']);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toContain('2 rules saved');
    const listed = await runCli(['rules', 'list', '--json', '--data', data]);
    expect(listed.code, listed.stderr).toBe(0);
    const rules = JSON.parse(listed.stdout) as Array<{ id: string; enabled: boolean; priority: string }>;
    expect(rules.map((r) => [r.id, r.enabled, r.priority])).toEqual([
      ['stat-chest', true, 'stat'],
      ['off', false, 'routine'],
    ]);
  }, 90_000);
});
