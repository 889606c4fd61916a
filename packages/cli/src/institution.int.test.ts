import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ALL_STUDIES, Archive } from '@lingshu/archive';
import { uidFromName } from '@lingshu/dicom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from './context.js';
import { translator } from './i18n.js';
import { main } from './main.js';
import { ctInstance } from './testing/fixtures.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'lingshu-cli-institution-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The real CLI entry point in this process (PGlite in a fresh data directory; no DATABASE_URL). */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ctx: CliContext = { env: { LANG: 'en_US.UTF-8' }, cwd: tmp, stdout, stderr, lang: 'en', t: translator('en') };
  const code = await main(args, ctx);
  return { code, out, err };
}

describe('lingshu institution and import --institution', () => {
  it('adds, refuses bad input with exit 2, updates, lists; import assigns the institution', async () => {
    const data = join(tmp, 'data');
    const add = await cli([
      'institution',
      'add',
      '--code',
      'SITE-A',
      '--name',
      '甲卫生院',
      '--ae',
      'CT_A,MR_A',
      '--data',
      data,
    ]);
    expect(add, add.err).toMatchObject({ code: 0, out: 'Institution SITE-A added.\n' });
    const dup = await cli(['institution', 'add', '--code', 'SITE-B', '--name', '乙', '--ae', 'CT_A', '--data', data]);
    expect(dup.code).toBe(2);
    expect(dup.err).toMatch(/Usage error: .*AE title is already in use/);
    const kind = await cli(['institution', 'add', '--code', 'X', '--name', 'x', '--kind', 'clinic', '--data', data]);
    expect(kind.code).toBe(2);
    const upd = await cli([
      'institution',
      'update',
      '--code',
      'SITE-A',
      '--hub',
      'default',
      '--name-en',
      'Site A',
      '--lang',
      'zh-CN',
      '--data',
      data,
    ]);
    expect(upd, upd.err).toMatchObject({ code: 0, out: '已更新机构 SITE-A。\n' });
    const list = await cli(['institution', 'list', '--json', '--data', data]);
    expect(list.code, list.err).toBe(0);
    const all = JSON.parse(list.out) as Array<{
      code: string;
      hubPk: string | null;
      nameEn: string;
      aeTitles: string[];
    }>;
    expect(all.map((i) => i.code)).toEqual(['default', 'SITE-A']);
    expect(all[1]).toMatchObject({ hubPk: '1', nameEn: 'Site A', aeTitles: ['CT_A', 'MR_A'] });

    const input = join(tmp, 'in');
    mkdirSync(input);
    writeFileSync(join(input, 'a.dcm'), ctInstance({ study: 'inst', series: 's', instance: 1 }));
    const unknown = await cli(['import', input, '--institution', 'NOPE', '--data', data, '--json']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('No institution has the code NOPE');
    const imported = await cli(['import', input, '--institution', 'SITE-A', '--data', data, '--json']);
    expect(imported.code, imported.err).toBe(0);
    const archive = await Archive.open({ dataDir: data });
    try {
      const study = await archive.getStudy(uidFromName('cli-test-study:inst'), ALL_STUDIES);
      const siteA = await archive.institutions.byCode('SITE-A');
      expect(siteA?.pk).not.toBe('1');
      expect(study?.institutionPk).toBe(siteA?.pk);
    } finally {
      await archive.close();
    }
  }, 120_000);
});
