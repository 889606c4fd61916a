import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { smallChestSpec } from './testing.js';
import { writeStudyToDir } from './writeStudy.js';

const hasTools =
  spawnSync('dciodvfy', ['-h']).error === undefined && spawnSync('dcmdump', ['--version']).error === undefined;
if (!hasTools) console.warn('SKIP: dciodvfy/dcmdump not installed');

describe.skipIf(!hasTools)('generated CT slices against dicom3tools and dcmtk', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lingshu-phantom-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a study folder with truth.json, and every slice passes dciodvfy with no errors', async () => {
    const progress: number[] = [];
    await writeStudyToDir(smallChestSpec(21), dir, (done) => progress.push(done));
    expect(progress.at(-1)).toBe(8);
    const truth = JSON.parse(readFileSync(path.join(dir, 'test-chest', 'truth.json'), 'utf8'));
    expect(truth.lesions).toHaveLength(1);
    for (const k of [1, 8]) {
      const file = path.join(dir, 'test-chest', '002_CHEST', `IM${String(k).padStart(6, '0')}.dcm`);
      const out = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
      const lines = `${out.stdout}\n${out.stderr}`.split('\n').filter((l) => /Error/.test(l));
      expect(lines).toEqual([]);
      const dump = execFileSync('dcmdump', [file], { encoding: 'utf8' });
      expect(dump).toMatch(/CTImageStorage/);
      expect(dump).toContain('(7fe0,0010)');
    }
  });
});
