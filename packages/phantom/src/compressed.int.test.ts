import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeFrame, getString, parseDicom, Tags, TransferSyntax } from '@lingshu/dicom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStudy, PHANTOM_TRANSFER_SYNTAXES } from './series.js';
import type { StudySpec } from './spec.js';
import { smallChestSpec } from './testing.js';

const has = (tool: string, arg: string): boolean => spawnSync(tool, [arg]).error === undefined;
const hasDcmtk = has('dcmdump', '--version') && has('dcmdjpls', '--version') && has('dcmdrle', '--version');
const hasDciodvfy = has('dciodvfy', '-h');
if (!hasDcmtk) console.warn('SKIP: dcmtk (dcmdump, dcmdjpls, dcmdrle) not installed');
if (!hasDciodvfy) console.warn('SKIP: dciodvfy not installed');

/** 64×64, four slices. */
function spec(transferSyntaxUID: string, signed = false): StudySpec {
  const base = smallChestSpec(31);
  return {
    ...base,
    series: {
      ...base.series,
      zRangeMm: [40, 55],
      transferSyntaxUID,
      pixelRepresentation: signed ? 'signed' : 'unsigned',
    },
  };
}

function storedValues(bytes: Uint8Array, signed: boolean): number[] {
  const ds = parseDicom(bytes).dataset;
  const px = ds.get(Tags.PixelData)?.bytes;
  if (!px) throw new Error('no native pixel data');
  const copy = Uint8Array.from(px).buffer; // a Buffer's slice shares its pool: copy
  return Array.from(signed ? new Int16Array(copy) : new Uint16Array(copy));
}

const ENCAPSULATED = PHANTOM_TRANSFER_SYNTAXES.filter(
  (ts) => ts !== TransferSyntax.ExplicitVRLittleEndian && ts !== TransferSyntax.ImplicitVRLittleEndian,
);

describe('compressed phantom series (built-in encoders)', () => {
  const reference = new Map<boolean, number[][]>();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lingshu-phantom-ts-'));
  const written = new Map<string, string>();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    for (const signed of [false, true]) {
      const { files } = await generateStudy(spec(TransferSyntax.ExplicitVRLittleEndian, signed));
      reference.set(
        signed,
        files.map((f) => storedValues(f.bytes, signed)),
      );
    }
  });

  it.each(
    PHANTOM_TRANSFER_SYNTAXES.flatMap((ts) => [
      [ts, false],
      [ts, true],
    ]),
  )('%s (signed: %s) decodes to exactly the uncompressed stored values', async (ts, signed) => {
    const expected = reference.get(signed)!;
    const { files } = await generateStudy(spec(ts, signed));
    expect(files).toHaveLength(4);
    const encapsulated = ENCAPSULATED.includes(ts);
    for (const [k, file] of files.entries()) {
      const parsed = parseDicom(file.bytes);
      expect(parsed.transferSyntaxUID).toBe(ts);
      const pixelData = parsed.dataset.get(Tags.PixelData)!;
      if (encapsulated) {
        expect(pixelData.fragments).toHaveLength(1);
        expect(pixelData.offsetTable?.length ?? 0).toBe(0);
        expect(getString(parsed.dataset, Tags.LossyImageCompression)).toBe('00');
      } else {
        expect(pixelData.fragments).toBeUndefined();
        expect(getString(parsed.dataset, Tags.LossyImageCompression)).toBeUndefined();
      }
      const frame = await decodeFrame(parsed.dataset, ts);
      expect(frame.pixelRepresentation).toBe(signed ? 1 : 0);
      expect(Array.from(frame.pixels)).toEqual(expected[k]);
      if (k === 1 && !signed) {
        const file = path.join(dir, `${ts}.dcm`);
        writeFileSync(file, files[k]!.bytes);
        written.set(ts, file);
      }
    }
  });

  it('rejects a transfer syntax it has no built-in encoder for, before rendering', async () => {
    const run = generateStudy(spec(TransferSyntax.JPEGBaseline8Bit));
    await expect(run).rejects.toMatchObject({ code: 'DICOM_UNSUPPORTED_TRANSFER_SYNTAX' });
  });

  describe.skipIf(!hasDcmtk)('reference tools', () => {
    it('dcmdump reads every syntax; dcmdjpls and dcmdrle decompress ours to the same pixels', () => {
      expect(written.size).toBe(PHANTOM_TRANSFER_SYNTAXES.length);
      for (const [ts, file] of written) {
        const dump = execFileSync('dcmdump', [file], { encoding: 'utf8' });
        expect(dump, ts).toMatch(/CTImageStorage/);
        expect(dump, ts).toContain('(7fe0,0010)');
      }
      const expected = reference.get(false)![1]!;
      for (const [tool, ts] of [
        ['dcmdjpls', TransferSyntax.JPEGLSLossless],
        ['dcmdrle', TransferSyntax.RLELossless],
      ] as const) {
        const out = path.join(dir, `${tool}.dcm`);
        execFileSync(tool, [written.get(ts)!, out]);
        const parsed = parseDicom(readFileSync(out));
        expect(parsed.transferSyntaxUID, tool).not.toBe(ts);
        expect(storedValues(readFileSync(out), false), tool).toEqual(expected);
      }
    });
  });

  describe.skipIf(!hasDciodvfy)('dciodvfy', () => {
    // The installed dicom3tools predates HTJ2K (2023) and cannot read it, so it is left out here.
    it('reports no errors for RLE, JPEG-LS and JPEG 2000', () => {
      expect(written.size).toBe(PHANTOM_TRANSFER_SYNTAXES.length);
      for (const ts of [TransferSyntax.RLELossless, TransferSyntax.JPEGLSLossless, TransferSyntax.JPEG2000Lossless]) {
        const out = spawnSync('dciodvfy', [written.get(ts)!], { encoding: 'utf8' });
        const errors = `${out.stdout}\n${out.stderr}`.split('\n').filter((l) => /Error/.test(l));
        expect(errors, ts).toEqual([]);
      }
    });
  });
});
