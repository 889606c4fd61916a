import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDicom } from '../parser.js';
import { syntheticCtSeries } from '../seg/syntheticSource.js';
import { Tags } from '../tag.js';
import { getSequence, getString } from '../values.js';
import { writeDicom } from '../writer.js';
import { tagOf } from './build.js';
import { SRCodes, UCUM } from './codes.js';
import { writeMeasurementReport } from './tid1500.js';

const hasTool = (t: string): boolean => spawnSync('which', [t]).status === 0;
const haveTools = hasTool('dciodvfy') && hasTool('dsrdump');
if (!haveTools) console.warn('SKIP: dciodvfy/dsrdump not installed — SR validation not run');

const dir = mkdtempSync(join(tmpdir(), 'lingshu-sr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRACKING_UID = '2.25.123456789012345678901234567890';
const SEG_UID = '2.25.9876543210';

function build(): Uint8Array {
  const src = syntheticCtSeries({ name: 'sr-test', patientName: '李^四' });
  const out = writeMeasurementReport({
    sourceSlices: src,
    language: 'zh-CN',
    observer: { deviceUid: '2.25.42', name: 'Lingshu chest CT', manufacturer: 'Lingshu', modelName: 'chest-ct' },
    segmentation: { sopInstanceUID: SEG_UID, seriesInstanceUID: '2.25.9876543211' },
    privateSchemes: [{ designator: '99LINGSHU', name: 'Lingshu local codes' }],
    now: new Date('2026-01-02T03:04:05Z'),
    groups: [
      {
        trackingId: 'Nodule 1',
        trackingUid: TRACKING_UID,
        finding: SRCodes.Nodule,
        findingSite: { value: '45653009', scheme: 'SCT', meaning: 'Upper lobe of lung' },
        findingSiteLaterality: SRCodes.Right,
        referencedSegment: { segmentNumber: 1 },
        measurements: [
          { concept: SRCodes.Length, value: 8.2, unit: UCUM.mm },
          { concept: SRCodes.Diameter, value: 7.15, unit: UCUM.mm },
          { concept: SRCodes.Volume, value: 191, unit: UCUM.mm3 },
        ],
        qualitative: [
          {
            concept: { value: 'lung-rads-2022', scheme: '99LINGSHU', meaning: 'Lung-RADS v2022 category' },
            value: '4A',
          },
        ],
      },
    ],
  });
  return writeDicom({ dataset: out.dataset });
}

describe('writeMeasurementReport (TID 1500)', () => {
  it('writes the root container, evidence with the source and SEG, and the patient copied', () => {
    const { dataset } = parseDicom(build());
    expect(getString(dataset, Tags.SOPClassUID)).toBe('1.2.840.10008.5.1.4.1.1.88.33');
    expect(getString(dataset, Tags.SpecificCharacterSet)).toBe('ISO_IR 192');
    expect(getString(dataset, Tags.PatientName)).toBe('李^四');
    expect(getString(dataset, Tags.Modality)).toBe('SR');
    const concept = getSequence(dataset, tagOf('ConceptNameCodeSequence'))[0];
    expect(concept && getString(concept, tagOf('CodeValue'))).toBe('126000');
    const evidence = getSequence(dataset, tagOf('CurrentRequestedProcedureEvidenceSequence'))[0];
    const series = evidence ? getSequence(evidence, tagOf('ReferencedSeriesSequence')) : [];
    expect(series).toHaveLength(2);
    const sops = series.flatMap((s) =>
      getSequence(s, tagOf('ReferencedSOPSequence')).map((r) => getString(r, tagOf('ReferencedSOPInstanceUID'))),
    );
    expect(sops).toContain(SEG_UID);
    expect(sops).toHaveLength(5);
  });

  it.skipIf(!haveTools)('passes dciodvfy without errors and dsrdump renders the tree', () => {
    const file = join(dir, 'sr.dcm');
    writeFileSync(file, build());
    const v = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
    const report = `${v.stdout}${v.stderr}`;
    expect(report.split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
    expect(report).toContain('ComprehensiveSR');
    const d = spawnSync('dsrdump', [file], { encoding: 'utf8' });
    expect(d.status).toBe(0);
    const tree = d.stdout;
    expect(tree).toContain('Imaging Measurement Report');
    expect(tree).toContain('Imaging Measurements');
    expect(tree).toContain('Measurement Group');
    expect(tree).toContain(`"Tracking Unique Identifier")="${TRACKING_UID}"`);
    expect(tree).toContain('"Tracking Identifier")="Nodule 1"');
    expect(tree).toContain('(27925004,SCT,"Nodule")');
    expect(tree).toContain('"Diameter")="7.15" (mm,UCUM,"millimeter")');
    expect(tree).toContain('"Length")="8.2" (mm,UCUM,"millimeter")');
    expect(tree).toContain('"Volume")="191" (mm3,UCUM,"cubic millimeter")');
    expect(tree).toContain('"Referenced Segment")=(SG image,,1)');
    expect(tree).toContain('"Lung-RADS v2022 category")="4A"');
    expect(tree).toContain('(zh-CN,RFC5646,"Chinese (China)")');
    expect(tree).toContain('"Laterality")=(24028007,SCT,"Right")');
  });
});
