import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from './summary.js';
import { ctInstance, hasSharedData, runCli, SHARED_DATA } from './testing/fixtures.js';
import { makeZip } from './testing/zipWriter.js';

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'lingshu-cli-import-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function parseSummary(stdout: string): ImportSummary {
  return JSON.parse(stdout) as ImportSummary;
}

describe('lingshu import (folder)', () => {
  it('stores good files, skips non-DICOM, lists rejected files; a second run counts duplicates', async () => {
    const input = join(tmp, 'folder');
    mkdirSync(join(input, 'series-a', 'deeper'), { recursive: true });
    for (let i = 1; i <= 3; i++)
      writeFileSync(join(input, 'series-a', `im${i}.dcm`), ctInstance({ study: 'f', series: 'a', instance: i }));
    writeFileSync(join(input, 'series-a', 'deeper', 'im4.dcm'), ctInstance({ study: 'f', series: 'b', instance: 4 }));
    writeFileSync(join(input, 'notes.txt'), 'not an image\n');
    const whole = ctInstance({ study: 'f', series: 'a', instance: 9 });
    writeFileSync(join(input, 'truncated.dcm'), whole.subarray(0, whole.length - 40));
    const data = join(tmp, 'data-folder');

    const first = await runCli(['import', input, '--data', data, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const s1 = parseSummary(first.stdout);
    expect(s1.outcome).toBe('partial');
    expect(s1.files).toBe(6);
    expect(s1.instances).toEqual({ stored: 4, duplicates: 0, overwritten: 0, rejected: 1 });
    expect(s1.added).toEqual({ patients: 1, studies: 1, series: 2, instances: 4 });
    expect(s1.skipped.map((f) => f.source)).toEqual([join(input, 'notes.txt')]);
    expect(s1.rejected).toHaveLength(1);
    expect(s1.rejected[0]?.source).toBe(join(input, 'truncated.dcm'));
    expect(s1.rejected[0]?.code).toMatch(/^DICOM_/);
    expect(JSON.stringify(s1)).not.toContain('Test^Patient');

    const second = await runCli(['import', input, '--data', data]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('0 new, 4 duplicates, 0 overwritten, 1 rejected');
    expect(second.stdout).toContain('truncated.dcm: DICOM_');
    expect(second.stdout).toContain('Some files were rejected');
  });

  it('exits 1 when nothing in a non-empty input can be imported', async () => {
    const input = join(tmp, 'junk');
    mkdirSync(input);
    writeFileSync(join(input, 'a.txt'), 'hello');
    const r = await runCli(['import', input, join(tmp, 'does-not-exist'), '--data', join(tmp, 'data-junk'), '--json']);
    expect(r.code).toBe(1);
    const s = parseSummary(r.stdout);
    expect(s.outcome).toBe('nothing');
    expect(s.rejected.map((f) => f.code)).toEqual(['IMPORT_UNREADABLE']);
  });
});

describe('lingshu import (zip and DICOMDIR)', () => {
  it('imports a zip with nested folders and a DICOMDIR file set in one run', async () => {
    const zipPath = join(tmp, 'study.zip');
    writeFileSync(
      zipPath,
      makeZip([
        { name: 'export/', data: new Uint8Array(0) },
        { name: 'export/s1/a/1.dcm', data: ctInstance({ study: 'z', series: '1', instance: 1 }) },
        { name: 'export/s1/a/2.dcm', data: ctInstance({ study: 'z', series: '1', instance: 2 }) },
        { name: 'export/s2/3.dcm', data: ctInstance({ study: 'z', series: '2', instance: 3 }) },
        { name: 'export/README.txt', data: new TextEncoder().encode('readme') },
      ]),
    );
    const fileSet = join(tmp, 'cd');
    mkdirSync(join(fileSet, 'IMG'), { recursive: true });
    for (let i = 1; i <= 2; i++) {
      writeFileSync(join(fileSet, 'IMG', `IM000${i}`), ctInstance({ study: 'd', series: '1', instance: i }));
    }
    execFileSync('dcmmkdir', ['--recurse', '--output-file', 'DICOMDIR', 'IMG'], { cwd: fileSet, stdio: 'pipe' });
    // A file in the folder but not in the DICOMDIR: importing the DICOMDIR must leave it out.
    writeFileSync(join(fileSet, 'IMG', 'EXTRA'), ctInstance({ study: 'd', series: '1', instance: 7 }));

    const r = await runCli(['import', zipPath, join(fileSet, 'DICOMDIR'), '--data', join(tmp, 'data-zip'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = parseSummary(r.stdout);
    expect(s.instances.stored).toBe(5);
    expect(s.added).toEqual({ patients: 1, studies: 2, series: 3, instances: 5 });
    expect(s.skipped.map((f) => f.source)).toEqual([`${zipPath}!/export/README.txt`]);
    expect(s.rejected).toEqual([]);
  });
});

describe.skipIf(!hasSharedData('ct'))('lingshu import (real CT)', () => {
  it('imports ../shared/data/ct: 1 patient, 1 study, 2 series, 60 instances', async () => {
    const r = await runCli(['import', resolve(SHARED_DATA, 'ct'), '--data', join(tmp, 'data-ct'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = parseSummary(r.stdout);
    expect(s.added).toEqual({ patients: 1, studies: 1, series: 2, instances: 60 });
    expect(s.instances.stored).toBe(60);
    expect(s.rejected).toEqual([]);
  });
});
