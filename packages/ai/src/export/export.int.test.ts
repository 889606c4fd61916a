import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getNumbers, getString, syntheticCtSeries, Tags, writeDicom } from '@lingshu/dicom';
import { createVolume } from '@lingshu/imaging';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../contract.js';
import { analysisToSeg } from './seg.js';
import { analysisToSr } from './sr.js';

const hasTool = (t: string): boolean => spawnSync('which', [t]).status === 0;
const haveTools = hasTool('dciodvfy') && hasTool('dsrdump') && hasTool('dcmdump');
if (!haveTools) console.warn('SKIP: dciodvfy/dsrdump/dcmdump not installed — export validation not run');

const dir = mkdtempSync(join(tmpdir(), 'lingshu-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const anatomical = { value: '123037004', scheme: 'SCT', meaning: 'Anatomical Structure' };
const abnormal = { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' };

function fixture(): { result: AnalysisResult; headers: ReturnType<typeof syntheticCtSeries> } {
  const headers = syntheticCtSeries({ name: 'export-test', slices: 4, size: 16 });
  const size = 16;
  const labels = new Uint8Array(size * size * 4);
  for (let k = 0; k < 4; k++) for (let j = 2; j < 14; j++) for (let i = 1; i < 7; i++) labels[k * 256 + j * 16 + i] = 1;
  labels[1 * 256 + 8 * 16 + 3] = 3;
  labels[2 * 256 + 8 * 16 + 3] = 3;
  const uids = headers.map((h) => getString(h, Tags.SOPInstanceUID) ?? '');
  const first = getNumbers(headers[0]!, Tags.ImagePositionPatient);
  const volume = createVolume({
    voxels: labels,
    dimensions: [16, 16, 4],
    spacing: [2.5, 2.5, 2.5],
    origin: first,
    direction: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    metadata: { sopInstanceUIDs: uids },
  });
  // Reverse the headers: the export must order them by the volume's k axis.
  const shuffled = [...headers].reverse();
  const result: AnalysisResult = {
    status: 'ok',
    findings: [
      {
        id: 'nodule-1',
        trackingUid: '2.25.1111111111111111',
        type: 'nodule',
        code: { value: '27925004', scheme: 'SCT', meaning: 'Nodule' },
        attributes: { noduleType: 'solid', side: 'right', lobe: 'RUL' },
        geometry: {
          centerWorld: [-10, 0, 2.5],
          centerVoxel: [4, 8, 1],
          boxVoxel: [3, 7, 1, 5, 9, 2],
          longAxisWorld: [
            [-14.1, 0, 2.5],
            [-5.9, 0, 2.5],
          ],
          shortAxisWorld: [
            [-10, -3.05, 2.5],
            [-10, 3.05, 2.5],
          ],
          referencedSopInstanceUID: uids[1] ?? '',
        },
        measurements: [
          { key: 'longAxisMm', value: 8.2, unit: 'mm' },
          { key: 'shortAxisMm', value: 6.1, unit: 'mm' },
          { key: 'meanDiameterMm', value: 7.15, unit: 'mm' },
          { key: 'volumeMm3', value: 191, unit: 'mm3' },
          { key: 'meanHu', value: 20, unit: "[hnsf'U]" },
        ],
        categories: [
          { system: 'lung-rads-2022', value: '3', text: { 'zh-CN': '6个月后低剂量CT复查', en: 'LDCT in 6 months' } },
          { system: 'brock', value: '2.1', assumed: ['ageYears: 62'] },
        ],
        confidence: 0.9,
        segmentNumber: 3,
      },
    ],
    measurements: [
      { key: 'laa950Percent', value: 12.3, unit: '%', region: 'whole' },
      { key: 'volumeMl', value: 2500, unit: 'mL', region: 'right' },
    ],
    warnings: [],
    provenance: {
      analyzerId: 'chest-ct',
      analyzerVersion: '0.1.0',
      parameters: {},
      studyInstanceUID: getString(headers[0]!, Tags.StudyInstanceUID) ?? '',
      seriesInstanceUID: getString(headers[0]!, Tags.SeriesInstanceUID) ?? '',
      inputSopInstanceUIDs: uids,
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:10Z',
    },
    labels: {
      volume,
      segments: [
        {
          number: 1,
          label: 'Right lung',
          code: { value: '3341006', scheme: 'SCT', meaning: 'Right lung' },
          category: anatomical,
        },
        {
          number: 2,
          label: 'Left lung',
          code: { value: '44029006', scheme: 'SCT', meaning: 'Left lung' },
          category: anatomical,
        },
        {
          number: 3,
          label: 'Nodule 1',
          code: { value: '27925004', scheme: 'SCT', meaning: 'Nodule' },
          category: abnormal,
        },
      ],
    },
  };
  return { result, headers: shuffled };
}

describe('analysisToSeg / analysisToSr', () => {
  it('maps the label map and findings, referencing the SEG from the SR', () => {
    const { result, headers } = fixture();
    const seg = analysisToSeg(result, headers);
    expect(seg).toBeDefined();
    if (!seg) return;
    expect(seg.framesPerSegment.get(1)).toBe(4);
    expect(seg.framesPerSegment.get(2)).toBe(0);
    expect(seg.framesPerSegment.get(3)).toBe(2);
    const sr = analysisToSr(result, headers, { language: 'zh-CN', segmentation: seg });
    expect(getString(sr.dataset, Tags.SOPClassUID)).toBe('1.2.840.10008.5.1.4.1.1.88.33');
    expect(analysisToSeg({ ...result, labels: undefined } as AnalysisResult, headers)).toBeUndefined();
  });

  it.skipIf(!haveTools)('both pass dciodvfy; dsrdump shows the measurements and the segment reference', () => {
    const { result, headers } = fixture();
    const seg = analysisToSeg(result, headers);
    if (!seg) throw new Error('no SEG');
    const sr = analysisToSr(result, headers, { language: 'zh-CN', segmentation: seg });
    const segFile = join(dir, 'seg.dcm');
    const srFile = join(dir, 'sr.dcm');
    writeFileSync(segFile, writeDicom({ dataset: seg.dataset }));
    writeFileSync(srFile, writeDicom({ dataset: sr.dataset }));
    for (const f of [segFile, srFile]) {
      const v = spawnSync('dciodvfy', [f], { encoding: 'utf8' });
      expect(`${v.stdout}${v.stderr}`.split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
    }
    expect(spawnSync('dcmdump', [segFile]).status).toBe(0);
    const tree = spawnSync('dsrdump', [srFile], { encoding: 'utf8' }).stdout;
    expect(tree).toContain('Imaging Measurement Report');
    expect(tree).toContain('"Tracking Unique Identifier")="2.25.1111111111111111"');
    expect(tree).toContain('(45653009,SCT,"Upper lobe of lung")');
    expect(tree).toContain('"Laterality")=(24028007,SCT,"Right")');
    expect(tree).toContain('"Length")="8.2" (mm,UCUM,"millimeter")');
    // Long axis from x = -14.1 to -5.9 mm on a 2.5 mm grid starting at -20: column 2.36 + 0.5; row 8 + 0.5.
    expect(tree).toMatch(/inferred from SCOORD:=\(POLYLINE,2\.8599\d*\/8\.5,/);
    expect(tree).toMatch(/inferred from SCOORD:=\(POLYLINE,4\.5\/7\.28\d*,/);
    expect(tree).toContain('"Volume")="191" (mm3,UCUM,"cubic millimeter")');
    expect(tree).toContain('"Referenced Segment")=(SG image,,3)');
    expect(tree).toContain('"Lung-RADS v2022 category")="3"');
    expect(tree).toContain('"Recommendation")="6个月后低剂量CT复查"');
    expect(tree).toContain('"LAA-950")="12.3" (%,UCUM,"percent")');
    expect(tree).toContain('"Volume")="2500" (mL,UCUM,"milliliter")');
  });
});
