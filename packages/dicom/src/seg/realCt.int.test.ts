import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDicom } from '../parser.js';
import { SRCodes, UCUM } from '../sr/codes.js';
import { writeMeasurementReport } from '../sr/tid1500.js';
import { Tags } from '../tag.js';
import { hasRealData, REAL_CT_DIR } from '../testing/fixtures.js';
import { getNumbers, getString } from '../values.js';
import { writeDicom } from '../writer.js';
import { writeSegmentation } from './writer.js';

const haveTools = ['dciodvfy', 'dsrdump'].every((t) => spawnSync('which', [t]).status === 0);
if (!haveTools) console.warn('SKIP: dciodvfy/dsrdump not installed — real-CT SEG/SR validation not run');

const dir = mkdtempSync(join(tmpdir(), 'lingshu-real-seg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorsOf(file: string): string[] {
  const v = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  return `${v.stdout}${v.stderr}`.split('\n').filter((l) => l.startsWith('Error'));
}

describe.skipIf(!hasRealData || !haveTools)('SEG and SR on the real CT headers', () => {
  it('writes a SEG and a TID 1500 SR for the B40f series that dciodvfy accepts', () => {
    const seriesDir = join(REAL_CT_DIR, 'series-B40f');
    const headers = readdirSync(seriesDir)
      .filter((f) => f.endsWith('.dcm'))
      .map((f) => parseDicom(new Uint8Array(readFileSync(join(seriesDir, f))), { untilTag: Tags.PixelData }).dataset)
      .sort(
        (a, b) =>
          (getNumbers(a, Tags.ImagePositionPatient)[2] ?? 0) - (getNumbers(b, Tags.ImagePositionPatient)[2] ?? 0),
      );
    expect(headers.length).toBeGreaterThan(10);
    const rows = getNumbers(headers[0]!, Tags.Rows)[0] ?? 0;
    const cols = getNumbers(headers[0]!, Tags.Columns)[0] ?? 0;
    const labels = new Uint8Array(rows * cols * headers.length);
    // A box in the tumour region (README: x 108..234, y 244..356) on three slices.
    for (const k of [10, 11, 12])
      for (let y = 260; y < 340; y++) for (let x = 120; x < 220; x++) labels[k * rows * cols + y * cols + x] = 1;
    const seg = writeSegmentation({
      sourceSlices: headers,
      labels,
      segments: [
        {
          number: 1,
          label: 'Tumour box',
          category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' },
          type: { value: '27925004', scheme: 'SCT', meaning: 'Nodule' },
        },
      ],
    });
    expect(seg.framesPerSegment.get(1)).toBe(3);
    const sr = writeMeasurementReport({
      sourceSlices: headers,
      observer: { deviceUid: '2.25.42', name: 'test' },
      segmentation: seg,
      groups: [
        {
          trackingId: 'Nodule 1',
          trackingUid: '2.25.77',
          finding: SRCodes.Nodule,
          referencedSegment: { segmentNumber: 1 },
          measurements: [{ concept: SRCodes.Diameter, value: 61.5, unit: UCUM.mm }],
        },
      ],
    });
    expect(getString(sr.dataset, Tags.StudyInstanceUID)).toBe(getString(headers[0]!, Tags.StudyInstanceUID));
    expect(getString(sr.dataset, Tags.PatientID)).toBe(getString(headers[0]!, Tags.PatientID));
    const segFile = join(dir, 'seg.dcm');
    const srFile = join(dir, 'sr.dcm');
    writeFileSync(segFile, writeDicom({ dataset: seg.dataset }));
    writeFileSync(srFile, writeDicom({ dataset: sr.dataset }));
    expect(errorsOf(segFile)).toEqual([]);
    expect(errorsOf(srFile)).toEqual([]);
    expect(spawnSync('dsrdump', [srFile], { encoding: 'utf8' }).stdout).toContain('(SG image,,1)');
  });
});
