import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDicom } from './parser.js';
import { Tags } from './tag.js';
import { datasetSignature, everyVrDataset, hasRealData, REAL_CT_DIR } from './testing/fixtures.js';
import { TransferSyntax } from './uids.js';
import { getNumbers, getString } from './values.js';
import { writeDicom } from './writer.js';

const work = mkdtempSync(join(tmpdir(), 'lingshu-rt-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function dcmconv(input: Uint8Array, flag: string): Uint8Array {
  const src = join(work, `in-${flag}.dcm`);
  const dst = join(work, `out-${flag}.dcm`);
  writeFileSync(src, input);
  execFileSync('dcmconv', [flag, src, dst]);
  return new Uint8Array(readFileSync(dst));
}

describe('Part 10 round trip (every VR, nested sequences)', () => {
  const original = everyVrDataset();
  const bytes = writeDicom({ dataset: original });

  it('write → read → write is byte-identical and element-identical', () => {
    const parsed = parseDicom(bytes);
    expect(parsed.transferSyntaxUID).toBe(TransferSyntax.ExplicitVRLittleEndian);
    expect(datasetSignature(parsed.dataset)).toEqual(datasetSignature(original));
    const again = writeDicom({ dataset: parsed.dataset, meta: parsed.meta });
    expect(Buffer.compare(Buffer.from(again), Buffer.from(bytes))).toBe(0);
  });

  it('dcmdump reads our output and sees the values we wrote', () => {
    const file = join(work, 'every-vr.dcm');
    writeFileSync(file, bytes);
    const dump = execFileSync('dcmdump', ['+U8', file], { encoding: 'utf8' });
    expect(dump).toContain('张^三');
    expect(dump).toContain('(0018,9306) FD 3.1415926535897931\\-0.5');
    expect(dump).toMatch(/\(0008,2218\) SQ \(Sequence with explicit length #=1\)/);
  });

  for (const [flag, ts] of [
    ['+ti', TransferSyntax.ImplicitVRLittleEndian],
    ['+tb', TransferSyntax.ExplicitVRBigEndian],
    ['+td', TransferSyntax.DeflatedExplicitVRLittleEndian],
  ] as const) {
    it(`reads dcmtk's ${ts} conversion to the same dataset`, () => {
      const converted = dcmconv(bytes, flag);
      const parsed = parseDicom(converted);
      expect(parsed.transferSyntaxUID).toBe(ts);
      // The private element was written as UN, so even implicit VR gives back the same VRs.
      expect(datasetSignature(parsed.dataset)).toEqual(datasetSignature(original));
    });
  }

  it('reads undefined-length sequences and items (dcmconv +e)', () => {
    const parsed = parseDicom(dcmconv(bytes, '+e'));
    expect(datasetSignature(parsed.dataset)).toEqual(datasetSignature(original));
    const rewritten = writeDicom({ dataset: parsed.dataset });
    expect(Buffer.compare(Buffer.from(rewritten), Buffer.from(bytes))).toBe(0);
  });

  it('reads a raw dataset without preamble or meta (implicit and explicit)', () => {
    for (const ts of [TransferSyntax.ImplicitVRLittleEndian, TransferSyntax.ExplicitVRLittleEndian]) {
      const file = writeDicom({ dataset: original, transferSyntaxUID: ts });
      const raw = file.subarray(132 + metaGroupLength(file));
      const parsed = parseDicom(raw);
      expect(parsed.hasPreamble).toBe(false);
      expect(parsed.transferSyntaxUID).toBe(ts);
      expect(getString(parsed.dataset, Tags.SOPInstanceUID)).toBe('2.25.1234567890');
    }
  });
});

function metaGroupLength(file: Uint8Array): number {
  // (0002,0000) UL element is 12 bytes; its value is the length of the rest of the group.
  return 12 + new DataView(file.buffer, file.byteOffset + 132 + 8, 4).getUint32(0, true);
}

describe.skipIf(!hasRealData)('real CT (Lung-PET-CT-Dx A0002)', () => {
  for (const series of ['series-B40f', 'series-B70f']) {
    it(`${series}: every file round-trips and matches dcmdump`, () => {
      const dir = join(REAL_CT_DIR, series);
      const files = readdirSync(dir).filter((f) => f.endsWith('.dcm'));
      expect(files.length).toBe(30);
      for (const name of files) {
        const bytes = new Uint8Array(readFileSync(join(dir, name)));
        const parsed = parseDicom(bytes);
        const written = writeDicom({ dataset: parsed.dataset, meta: parsed.meta });
        const back = parseDicom(written);
        expect(datasetSignature(back.dataset)).toEqual(datasetSignature(parsed.dataset));
      }
      const sample = join(dir, files[0]!);
      const dump = execFileSync(
        'dcmdump',
        ['+P', 'Rows', '+P', 'ImagePositionPatient', '+P', 'PatientPosition', sample],
        {
          encoding: 'utf8',
        },
      );
      const parsed = parseDicom(new Uint8Array(readFileSync(sample)));
      expect(dump).toContain(`US ${getNumbers(parsed.dataset, Tags.Rows)[0]}`);
      expect(dump).toContain(`[${getString(parsed.dataset, Tags.PatientPosition)}]`);
      const ipp = /\(0020,0032\) DS \[([^\]]+)\]/.exec(dump)?.[1]?.split('\\').map(Number);
      expect(getNumbers(parsed.dataset, Tags.ImagePositionPatient)).toEqual(ipp);
    });
  }
});
