import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLingshuError } from '../errors.js';
import { parseDicom } from '../parser.js';
import { TransferSyntax } from '../uids.js';
import { writeDicom } from '../writer.js';
import { decodeFrame } from './decode.js';
import { numberOfFrames } from './frames.js';
import { decodeFrameModality } from './modality.js';
import {
  encapsulate,
  maxAbsDiff,
  meanAbsDiff,
  nativeFile,
  synthetic,
  syntheticDataset,
  toArray,
  viaTool,
} from './testSupport.js';

const CT_FILE = resolve(import.meta.dirname, '../../../../../shared/data/ct/lung-pet-ct-dx-A0002/series-B40f/1-10.dcm');
const hasCT = existsSync(CT_FILE);
if (!hasCT) console.warn(`SKIP: real CT tests skipped, ${CT_FILE} is absent`);

async function allFrames(parsed: ReturnType<typeof parseDicom>): Promise<number[]> {
  const out: number[] = [];
  for (let f = 0; f < numberOfFrames(parsed.dataset); f++) {
    for (const v of (await decodeFrame(parsed.dataset, parsed.transferSyntaxUID, f)).pixels) out.push(v);
  }
  return out;
}

/** dcmtk lossless encoders: [name, tool, args, expected transfer syntax]. */
const LOSSLESS: [string, string, string[], string][] = [
  ['RLE', 'dcmcrle', [], TransferSyntax.RLELossless],
  ['JPEG lossless SV1', 'dcmcjpeg', ['+e1'], TransferSyntax.JPEGLosslessSV1],
  ['JPEG lossless process 14 (predictor 7)', 'dcmcjpeg', ['+el', '+sv', '7'], TransferSyntax.JPEGLossless],
  ['JPEG-LS lossless', 'dcmcjpls', ['+el'], TransferSyntax.JPEGLSLossless],
];

describe('synthetic 16-bit signed, 3 frames', () => {
  const img = synthetic('signed16', 3);
  const file = nativeFile(syntheticDataset(img));

  it('native decode returns the written values for every frame', async () => {
    expect(await allFrames(parseDicom(file))).toEqual(img.values);
  });

  for (const [name, tool, args, ts] of LOSSLESS) {
    it(`${name} (${tool}) decodes pixel-exact`, async () => {
      const parsed = viaTool(file, tool, args);
      expect(parsed.transferSyntaxUID).toBe(ts);
      expect(await allFrames(parsed)).toEqual(img.values);
    });
  }
});

describe('synthetic 8-bit RGB', () => {
  const interleaved = synthetic('rgb8', 2, 0);

  it('JPEG-LS near-lossless NEAR=2 stays within ±2', async () => {
    const parsed = viaTool(nativeFile(syntheticDataset(interleaved)), 'dcmcjpls', ['+en', '+md', '2']);
    expect(parsed.transferSyntaxUID).toBe(TransferSyntax.JPEGLSNearLossless);
    const decoded = await allFrames(parsed);
    expect(maxAbsDiff(decoded, interleaved.values)).toBeLessThanOrEqual(2);
  });

  it('planar configuration 1 is returned interleaved', async () => {
    const planarFile = nativeFile(syntheticDataset(synthetic('rgb8', 2, 1)));
    const parsed = parseDicom(planarFile);
    expect(await allFrames(parsed)).toEqual(interleaved.values);
    const frame = await decodeFrame(parsed.dataset, parsed.transferSyntaxUID, 1);
    expect(frame.photometricInterpretation).toBe('RGB');
    expect(frame.samplesPerPixel).toBe(3);
  });

  for (const [name, tool, args] of LOSSLESS) {
    it(`${name} (${tool}) on RGB decodes pixel-exact`, async () => {
      const parsed = viaTool(nativeFile(syntheticDataset(interleaved)), tool, args);
      expect(await allFrames(parsed)).toEqual(interleaved.values);
    });
  }

  it('JPEG baseline (dcmcjpeg +eb, YBR_FULL_422) matches dcmdjpeg within ±2, and the original within mean |error| 6', async () => {
    const parsed = viaTool(nativeFile(syntheticDataset(interleaved)), 'dcmcjpeg', ['+eb']);
    expect(parsed.transferSyntaxUID).toBe(TransferSyntax.JPEGBaseline8Bit);
    const ours = await allFrames(parsed);
    const frame = await decodeFrame(parsed.dataset, parsed.transferSyntaxUID, 0);
    expect(frame.photometricInterpretation).toBe('RGB');
    // dcmdjpeg as the second reference (it converts to RGB too).
    const refParsed = viaTool(writeBack(parsed), 'dcmdjpeg', []);
    expect(maxAbsDiff(ours, await allFrames(refParsed))).toBeLessThanOrEqual(2);
    expect(meanAbsDiff(ours, interleaved.values)).toBeLessThanOrEqual(6);
  });

  it('YBR_FULL native and RLE convert to the same RGB as dcmdjpeg', async () => {
    const jpeg = viaTool(nativeFile(syntheticDataset(interleaved)), 'dcmcjpeg', ['+eb']);
    const ybr = viaTool(writeBack(jpeg), 'dcmdjpeg', ['+cn']); // keeps YCbCr (YBR_FULL)
    const rgb = viaTool(writeBack(jpeg), 'dcmdjpeg', []);
    const ybrFrame = await decodeFrame(ybr.dataset, ybr.transferSyntaxUID, 0);
    expect(ybrFrame.photometricInterpretation).toBe('RGB');
    const expected = await allFrames(rgb);
    expect(maxAbsDiff(await allFrames(ybr), expected)).toBeLessThanOrEqual(1);
    const rle = viaTool(writeBack(ybr), 'dcmcrle', []);
    expect(maxAbsDiff(await allFrames(rle), expected)).toBeLessThanOrEqual(1);
  });
});

function writeBack(parsed: ReturnType<typeof parseDicom>): Uint8Array {
  return writeDicom({ dataset: parsed.dataset, transferSyntaxUID: parsed.transferSyntaxUID });
}

describe.skipIf(!hasCT)('real CT slice (12-bit stored in 16)', () => {
  const bytes = hasCT ? new Uint8Array(readFileSync(CT_FILE)) : new Uint8Array(0);
  const original = hasCT ? parseDicom(bytes) : undefined;

  it('modality values are Hounsfield units in an Int16Array', async () => {
    if (!original) return;
    const stored = await decodeFrame(original.dataset, original.transferSyntaxUID);
    const hu = await decodeFrameModality(original.dataset, original.transferSyntaxUID);
    expect(hu.pixels).toBeInstanceOf(Int16Array);
    expect(hu.pixels[1000]).toBe((stored.pixels[1000] ?? 0) * hu.rescaleSlope + hu.rescaleIntercept);
    let min = 0;
    for (const v of hu.pixels) min = Math.min(min, v);
    expect(min).toBeGreaterThanOrEqual(-1024);
    expect(min).toBeLessThan(-900); // air around the patient
  });

  for (const [name, tool, args] of [
    ...LOSSLESS,
    ['JPEG-LS lossless (dcmcjpls default)', 'dcmcjpls', [] as string[], TransferSyntax.JPEGLSLossless] as [
      string,
      string,
      string[],
      string,
    ],
  ]) {
    it(`${name} decodes pixel-exact`, async () => {
      if (!original) return;
      const expected = toArray((await decodeFrame(original.dataset, original.transferSyntaxUID)).pixels);
      expect(await allFrames(viaTool(bytes, tool, args))).toEqual(expected);
    });
  }

  it('JPEG extended 12-bit (dcmcjpeg +ee) matches dcmdjpeg within ±2', async () => {
    if (!original) return;
    const parsed = viaTool(bytes, 'dcmcjpeg', ['+ee']);
    expect(parsed.transferSyntaxUID).toBe(TransferSyntax.JPEGExtended12Bit);
    const ours = await allFrames(parsed);
    const reference = await allFrames(viaTool(writeBack(parsed), 'dcmdjpeg', []));
    expect(maxAbsDiff(ours, reference)).toBeLessThanOrEqual(2);
    // dcmcjpeg may re-map stored values for lossy coding (and rewrite the rescale): compare HU.
    const hu = toArray((await decodeFrameModality(parsed.dataset, parsed.transferSyntaxUID)).pixels);
    const expected = toArray((await decodeFrameModality(original.dataset, original.transferSyntaxUID)).pixels);
    expect(meanAbsDiff(hu, expected)).toBeLessThanOrEqual(8);
  });
});

describe('corrupt data', () => {
  const img = synthetic('signed16', 1);
  const ds = syntheticDataset(img);
  const garbage = new Uint8Array(300).map((_, i) => (i * 37 + 11) & 0xff);
  const cases: [string, Uint8Array][] = [
    [TransferSyntax.JPEGBaseline8Bit, Uint8Array.of(0xff, 0xd8, 0xff, 0xc0, ...garbage)],
    [
      TransferSyntax.JPEGExtended12Bit,
      Uint8Array.of(0xff, 0xd8, 0xff, 0xc1, 0, 11, 12, 0, 40, 0, 52, 1, 1, 0x11, 0, ...garbage),
    ],
    [TransferSyntax.JPEGLossless, Uint8Array.of(0xff, 0xd8, 0xff, 0xc3, ...garbage)],
    [TransferSyntax.JPEGLSLossless, Uint8Array.of(0xff, 0xd8, 0xff, 0xf7, ...garbage)],
    [TransferSyntax.JPEG2000Lossless, Uint8Array.of(0xff, 0x4f, 0xff, 0x51, ...garbage)],
    [TransferSyntax.HTJ2KLossless, Uint8Array.of(0xff, 0x4f, 0xff, 0x51, ...garbage)],
    [TransferSyntax.RLELossless, garbage],
  ];
  for (const [ts, codestream] of cases) {
    it(`garbage in ${ts} throws PIXEL_DECODE_FAILED`, async () => {
      const parsed = encapsulate(ds, [codestream], ts);
      const error = await decodeFrame(parsed.dataset, ts).catch((e: unknown) => e);
      expect(isLingshuError(error, 'PIXEL_DECODE_FAILED')).toBe(true);
    });
  }
});
