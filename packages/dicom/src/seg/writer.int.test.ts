import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDicom } from '../parser.js';
import { tagOf } from '../sr/build.js';
import { Tags } from '../tag.js';
import { getNumber, getNumbers, getSequence, getString } from '../values.js';
import { writeDicom } from '../writer.js';
import { unpackBitFrame } from './pack.js';
import { syntheticCtSeries } from './syntheticSource.js';
import { type SegSegment, writeSegmentation } from './writer.js';

const hasTool = (t: string): boolean => spawnSync('which', [t]).status === 0;
const haveDciodvfy = hasTool('dciodvfy');
const haveDcmdump = hasTool('dcmdump');
if (!haveDciodvfy || !haveDcmdump) console.warn('SKIP: dciodvfy/dcmdump not installed — SEG validation not run');

const dir = mkdtempSync(join(tmpdir(), 'lingshu-seg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const segments: SegSegment[] = [
  {
    number: 1,
    label: 'Nodule 1',
    category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically abnormal structure' },
    type: { value: '27925004', scheme: 'SCT', meaning: 'Nodule' },
    anatomicRegion: { value: '39607008', scheme: 'SCT', meaning: 'Lung' },
  },
  {
    number: 2,
    label: 'Right lung',
    category: { value: '123037004', scheme: 'SCT', meaning: 'Anatomical Structure' },
    type: { value: '3341006', scheme: 'SCT', meaning: 'Right lung' },
  },
  {
    number: 3,
    label: 'Empty',
    category: { value: '123037004', scheme: 'SCT', meaning: 'Anatomical Structure' },
    type: { value: '44029006', scheme: 'SCT', meaning: 'Left lung' },
  },
];

function build(): { bytes: Uint8Array; labels: Uint8Array } {
  const src = syntheticCtSeries({ name: 'seg-test', slices: 4, size: 16, patientName: '张^三' });
  const labels = new Uint8Array(16 * 16 * 4);
  labels[1 * 256 + 5 * 16 + 5] = 1;
  labels[2 * 256 + 6 * 16 + 6] = 1;
  for (let p = 0; p < 40; p++) labels[0 * 256 + p] = 2;
  labels[3 * 256 + 17] = 2;
  const out = writeSegmentation({ sourceSlices: src, labels, segments, now: new Date('2026-01-02T03:04:05Z') });
  expect(out.framesPerSegment.get(1)).toBe(2);
  expect(out.framesPerSegment.get(2)).toBe(2);
  expect(out.framesPerSegment.get(3)).toBe(0);
  return { bytes: writeDicom({ dataset: out.dataset }), labels };
}

describe('writeSegmentation', () => {
  it('writes only non-empty frames with positions, segment ids and packed bits', () => {
    const { bytes, labels } = build();
    const { dataset } = parseDicom(bytes);
    expect(getString(dataset, Tags.SOPClassUID)).toBe('1.2.840.10008.5.1.4.1.1.66.4');
    expect(getNumber(dataset, Tags.NumberOfFrames)).toBe(4);
    const frames = getSequence(dataset, tagOf('PerFrameFunctionalGroupsSequence'));
    expect(frames).toHaveLength(4);
    const segOf = (i: number): number | undefined => {
      const f = frames[i];
      const sid = f && getSequence(f, 0x0062000a)[0];
      return sid ? getNumber(sid, 0x0062000b) : undefined;
    };
    expect([0, 1, 2, 3].map(segOf)).toEqual([1, 1, 2, 2]);
    const pos = frames[1] && getSequence(frames[1], 0x00209113)[0];
    expect(pos && getNumbers(pos, Tags.ImagePositionPatient)).toEqual([-20, -20, 5]);
    const pixels = dataset.get(Tags.PixelData)?.bytes ?? new Uint8Array();
    const f0 = unpackBitFrame(pixels, 0, 256);
    expect(f0[5 * 16 + 5]).toBe(1);
    expect(f0.reduce((s, v) => s + v, 0)).toBe(1);
    const f2 = unpackBitFrame(pixels, 2, 256);
    expect(f2.reduce((s, v) => s + v, 0)).toBe(labels.subarray(0, 256).filter((v) => v === 2).length);
    expect(getString(dataset, Tags.PatientName)).toBe('张^三');
  });

  it.skipIf(!haveDciodvfy || !haveDcmdump)('passes dciodvfy without errors and dcmdump parses it', () => {
    const file = join(dir, 'seg.dcm');
    writeFileSync(file, build().bytes);
    const v = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
    const report = `${v.stdout}${v.stderr}`;
    const errors = report.split('\n').filter((l) => l.startsWith('Error'));
    expect(errors).toEqual([]);
    expect(report).toContain('Segmentation');
    const d = spawnSync('dcmdump', [file], { encoding: 'utf8' });
    expect(d.status).toBe(0);
    expect(d.stdout).toContain('SegmentationStorage');
    expect(d.stdout).toContain('(0062,0008) CS [AUTOMATIC]');
  });

  it('rejects a label map that does not match the grid', () => {
    const src = syntheticCtSeries({ slices: 2, size: 8 });
    expect(() => writeSegmentation({ sourceSlices: src, labels: new Uint8Array(10), segments })).toThrow(/label map/);
  });
});
