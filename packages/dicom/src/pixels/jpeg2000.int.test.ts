import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../dataset.js';
import { TransferSyntax } from '../uids.js';
import { decodeFrame } from './decode.js';
import { encodeFrame } from './encode/frame.js';
import {
  encapsulate,
  encodeRaw,
  maxAbsDiff,
  meanAbsDiff,
  type Synthetic,
  synthetic,
  syntheticDataset,
  toArray,
} from './testSupport.js';

function hasTool(tool: string): boolean {
  try {
    execFileSync('which', [tool], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
const hasOpj = hasTool('opj_compress');
const hasOjph = hasTool('ojph_compress');
if (!hasOpj || !hasOjph) console.warn('SKIP: opj_compress / ojph_compress absent, reference-encoder tests skipped');

const mono = synthetic('signed16', 1);
const rgb = synthetic('rgb8', 1, 0);
const rgbPlanes = synthetic('rgb8', 1, 1);

/** Little-endian 16-bit samples (opj .rawl, ojph .yuv) or bytes for 8-bit. */
function rawBytes(img: Synthetic): Uint8Array {
  if (img.bitsAllocated === 8) return Uint8Array.from(img.values);
  const out = new Uint8Array(img.values.length * 2);
  const dv = new DataView(out.buffer);
  for (const [i, v] of img.values.entries()) dv.setInt16(i * 2, v, true);
  return out;
}

function ppm(img: Synthetic): Uint8Array {
  const header = new TextEncoder().encode(`P6\n${img.columns} ${img.rows}\n255\n`);
  const out = new Uint8Array(header.length + img.values.length);
  out.set(header);
  out.set(img.values, header.length);
  return out;
}

async function decodeWrapped(ds: Dataset, codestream: Uint8Array, ts: string): Promise<number[]> {
  const parsed = encapsulate(ds, [codestream], ts);
  return toArray((await decodeFrame(parsed.dataset, parsed.transferSyntaxUID, 0)).pixels);
}

describe.skipIf(!hasOpj)('JPEG 2000 via opj_compress', () => {
  const opj = (img: Synthetic, extra: string[]) => (i: string, o: string) => [
    '-i',
    i,
    '-o',
    o,
    '-F',
    `${img.columns},${img.rows},${img.samples},${img.bitsStored},${img.signed ? 's' : 'u'}`,
    ...extra,
  ];

  it('lossless 16-bit signed is pixel-exact', async () => {
    const cs = encodeRaw(rawBytes(mono), 'rawl', 'opj_compress', opj(mono, []));
    expect(await decodeWrapped(syntheticDataset(mono), cs, TransferSyntax.JPEG2000Lossless)).toEqual(mono.values);
  });

  it('lossless RGB (with reversible colour transform) is pixel-exact', async () => {
    const cs = encodeRaw(rawBytes(rgbPlanes), 'rawl', 'opj_compress', opj(rgbPlanes, ['-mct', '1']));
    const ds = syntheticDataset(rgb);
    expect(await decodeWrapped(ds, cs, TransferSyntax.JPEG2000Lossless)).toEqual(rgb.values);
  });

  it('lossy (ratio 10) 16-bit signed stays within mean |error| 12 and max 200', async () => {
    const cs = encodeRaw(rawBytes(mono), 'rawl', 'opj_compress', opj(mono, ['-r', '10', '-I']));
    const decoded = await decodeWrapped(syntheticDataset(mono), cs, TransferSyntax.JPEG2000);
    expect(meanAbsDiff(decoded, mono.values)).toBeLessThanOrEqual(12);
    expect(maxAbsDiff(decoded, mono.values)).toBeLessThanOrEqual(200);
  });
});

describe.skipIf(!hasOjph)('HTJ2K via ojph_compress', () => {
  // Unsigned: ojph_compress writes signed data with an NLT marker the bundled OpenJPH decoder
  // does not apply (signed HTJ2K is covered by our own encoder below).
  it('reversible 16-bit unsigned is pixel-exact', async () => {
    const unsigned: Synthetic = { ...mono, signed: false, values: mono.values.map((v) => v + 4096) };
    const cs = encodeRaw(rawBytes(unsigned), 'yuv', 'ojph_compress', (i, o) => [
      '-i',
      i,
      '-o',
      o,
      '-reversible',
      'true',
      '-dims',
      `{${mono.columns},${mono.rows}}`,
      '-num_comps',
      '1',
      '-signed',
      'false',
      '-bit_depth',
      '16',
      '-downsamp',
      '{1,1}',
    ]);
    expect(await decodeWrapped(syntheticDataset(unsigned), cs, TransferSyntax.HTJ2KLossless)).toEqual(unsigned.values);
  });

  it('reversible RGB is pixel-exact', async () => {
    const cs = encodeRaw(ppm(rgb), 'ppm', 'ojph_compress', (i, o) => ['-i', i, '-o', o, '-reversible', 'true']);
    expect(await decodeWrapped(syntheticDataset(rgb), cs, TransferSyntax.HTJ2KLossless)).toEqual(rgb.values);
  });

  it('irreversible RGB (qstep 0.01) stays within mean |error| 3', async () => {
    const cs = encodeRaw(ppm(rgb), 'ppm', 'ojph_compress', (i, o) => ['-i', i, '-o', o, '-qstep', '0.01']);
    const decoded = await decodeWrapped(syntheticDataset(rgb), cs, TransferSyntax.HTJ2K);
    expect(meanAbsDiff(decoded, rgb.values)).toBeLessThanOrEqual(3);
  });
});

describe('our encoders round-trip through our decoders', () => {
  const layouts: [string, Synthetic][] = [
    ['16-bit signed', mono],
    ['8-bit RGB', rgb],
  ];
  const syntaxes = [
    TransferSyntax.RLELossless,
    TransferSyntax.JPEGLSLossless,
    TransferSyntax.JPEG2000Lossless,
    TransferSyntax.HTJ2KLossless,
  ];
  for (const [name, img] of layouts) {
    for (const ts of syntaxes) {
      it(`${name} in ${ts} is lossless`, async () => {
        const pixels = img.bitsAllocated === 8 ? Uint8Array.from(img.values) : Int16Array.from(img.values);
        const description = {
          rows: img.rows,
          columns: img.columns,
          samplesPerPixel: img.samples,
          bitsAllocated: img.bitsAllocated,
          bitsStored: img.bitsStored,
          pixelRepresentation: img.signed ? (1 as const) : (0 as const),
        };
        const cs = await encodeFrame(pixels, description, ts);
        expect(cs.length).toBeGreaterThan(0);
        expect(await decodeWrapped(syntheticDataset(img), cs, ts)).toEqual(img.values);
      });
    }
  }
});
