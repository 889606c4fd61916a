import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../dataset.js';
import { parseDicom } from '../parser.js';
import { Tags } from '../tag.js';
import { hasRealData, REAL_CT_DIR } from '../testing/fixtures.js';
import { getSequence, getString, getStrings } from '../values.js';
import { writeDicom } from '../writer.js';
import { type DeidOptions, deidentify } from './deidentify.js';

const SERIES_DIR = join(REAL_CT_DIR, 'series-B40f');
const work = mkdtempSync(join(tmpdir(), 'lingshu-deid-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** dciodvfy's "Error" lines (it writes to stderr), without the file-specific prefix. */
function dciodvfyErrors(file: string): string[] {
  const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  return `${r.stdout}\n${r.stderr}`
    .split('\n')
    .filter((l) => l.startsWith('Error'))
    .map((l) => l.trim());
}

function dcmdump(file: string): string {
  const r = spawnSync('dcmdump', ['+L', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(r.status).toBe(0);
  return r.stdout;
}

/** The identifying strings of an original instance: names, IDs, dates, institution, UIDs. */
function phiStrings(ds: Dataset): string[] {
  const out: string[] = [];
  const add = (d: Dataset, t: number): void => {
    for (const v of getStrings(d, t)) if (v.length >= 4) out.push(v);
  };
  for (const t of [
    Tags.PatientName,
    Tags.PatientID,
    Tags.StudyDate,
    Tags.SeriesDate,
    Tags.AcquisitionDate,
    Tags.ContentDate,
    Tags.InstitutionName,
    Tags.SOPInstanceUID,
    Tags.StudyInstanceUID,
    Tags.SeriesInstanceUID,
    Tags.FrameOfReferenceUID,
  ]) {
    add(ds, t);
  }
  for (const seq of [0x00081140, 0x00082112]) for (const item of getSequence(ds, seq)) add(item, 0x00081155);
  return [...new Set(out)];
}

describe.skipIf(!hasRealData)('deidentify on a real CT series (dciodvfy, dcmdump)', () => {
  const files = hasRealData
    ? readdirSync(SERIES_DIR)
        .filter((f) => f.endsWith('.dcm'))
        .sort()
    : [];

  function check(options: DeidOptions, names: readonly string[]): Set<string> {
    const studies = new Set<string>();
    for (const name of names) {
      const src = join(SERIES_DIR, name);
      const parsed = parseDicom(new Uint8Array(readFileSync(src)));
      const out = deidentify(parsed.dataset, options);
      studies.add(getString(out, Tags.StudyInstanceUID) ?? '');
      const dst = join(work, `${options.retainLongitudinalTemporalInformation ?? 'off'}-${name}`);
      writeFileSync(dst, writeDicom({ dataset: out, transferSyntaxUID: parsed.transferSyntaxUID }));
      const before = new Set(dciodvfyErrors(src));
      const introduced = dciodvfyErrors(dst).filter((e) => !before.has(e));
      expect(introduced, name).toEqual([]);
      const dump = dcmdump(dst);
      for (const phi of phiStrings(parsed.dataset))
        expect(dump.includes(phi), `${name}: an original value leaked`).toBe(false);
      expect(dump).toContain('(0012,0062) CS [YES]');
    }
    return studies;
  }

  it('de-identifies every file of the series (Basic Profile): valid, no PHI, one study', () => {
    expect(files.length).toBeGreaterThan(0);
    const studies = check({ uidSecret: 'int-test-secret' }, files);
    expect(studies.size).toBe(1);
  });

  it('with modified dates, keeps the objects valid and the original dates out', () => {
    check({ uidSecret: 'int-test-secret', retainLongitudinalTemporalInformation: 'modified-dates' }, files.slice(0, 3));
  });
});
