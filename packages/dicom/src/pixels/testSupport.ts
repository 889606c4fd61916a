/** Helpers shared by the pixel tests: synthetic images, reference tools, re-wrapping codestreams. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset } from '../dataset.js';
import { parseDicom } from '../parser.js';
import { Tags } from '../tag.js';
import { SOPClass, TransferSyntax } from '../uids.js';
import { setNumbers, setString } from '../values.js';
import { writeDicom } from '../writer.js';
import type { PixelArray } from './types.js';

export interface Synthetic {
  rows: number;
  columns: number;
  samples: 1 | 3;
  bitsAllocated: 8 | 16;
  bitsStored: number;
  signed: boolean;
  frames: number;
  photometric: string;
  planar: 0 | 1;
  /** Stored values of all frames, in the on-disk sample order. */
  values: number[];
}

/** A deterministic image: smooth gradients plus a sharp edge and noise-like texture. */
export function synthetic(kind: 'signed16' | 'rgb8', frames = 1, planar: 0 | 1 = 0): Synthetic {
  const rows = 40;
  const columns = 52;
  const values: number[] = [];
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let f = 0; f < frames; f++) {
    if (kind === 'signed16') {
      for (let y = 0; y < rows; y++) {
        for (let x = 0; x < columns; x++) {
          const edge = x > columns / 2 ? 1500 : -1000;
          values.push(Math.round(edge + 20 * y - 15 * x + 30 * f + 40 * rand() - 20));
        }
      }
    } else {
      const planes: number[][] = [[], [], []];
      for (let y = 0; y < rows; y++) {
        for (let x = 0; x < columns; x++) {
          const rgb = [(x * 5 + f * 20) & 255, (y * 6) & 255, x > 26 ? 230 : Math.floor(rand() * 60)];
          rgb.forEach((v, s) => {
            planes[s]?.push(v);
          });
          if (planar === 0) values.push(...rgb);
        }
      }
      if (planar === 1) for (const p of planes) values.push(...p);
    }
  }
  return kind === 'signed16'
    ? {
        rows,
        columns,
        samples: 1,
        bitsAllocated: 16,
        bitsStored: 16,
        signed: true,
        frames,
        photometric: 'MONOCHROME2',
        planar: 0,
        values,
      }
    : {
        rows,
        columns,
        samples: 3,
        bitsAllocated: 8,
        bitsStored: 8,
        signed: false,
        frames,
        photometric: 'RGB',
        planar,
        values,
      };
}

/** A Secondary Capture dataset holding `img` as native pixel data. */
export function syntheticDataset(img: Synthetic): Dataset {
  const ds = new Dataset();
  setString(ds, Tags.SOPClassUID, 'UI', SOPClass.SecondaryCaptureImageStorage);
  setString(ds, Tags.SOPInstanceUID, 'UI', '2.25.31415926535897932384626');
  setString(ds, Tags.StudyInstanceUID, 'UI', '2.25.31415926535897932384627');
  setString(ds, Tags.SeriesInstanceUID, 'UI', '2.25.31415926535897932384628');
  setString(ds, Tags.Modality, 'CS', 'OT');
  setNumbers(ds, Tags.SamplesPerPixel, 'US', [img.samples]);
  setString(ds, Tags.PhotometricInterpretation, 'CS', img.photometric);
  if (img.samples === 3) setNumbers(ds, Tags.PlanarConfiguration, 'US', [img.planar]);
  if (img.frames > 1) setNumbers(ds, Tags.NumberOfFrames, 'IS', [img.frames]);
  setNumbers(ds, Tags.Rows, 'US', [img.rows]);
  setNumbers(ds, Tags.Columns, 'US', [img.columns]);
  setNumbers(ds, Tags.BitsAllocated, 'US', [img.bitsAllocated]);
  setNumbers(ds, Tags.BitsStored, 'US', [img.bitsStored]);
  setNumbers(ds, Tags.HighBit, 'US', [img.bitsStored - 1]);
  setNumbers(ds, Tags.PixelRepresentation, 'US', [img.signed ? 1 : 0]);
  const bytes = new Uint8Array(
    img.values.length * (img.bitsAllocated / 8) + (((img.values.length * img.bitsAllocated) / 8) % 2),
  );
  const dv = new DataView(bytes.buffer);
  img.values.forEach((v, i) => {
    if (img.bitsAllocated === 8) bytes[i] = v & 0xff;
    else dv.setInt16(i * 2, v, true);
  });
  ds.set({ tag: Tags.PixelData, vr: img.bitsAllocated === 8 ? 'OB' : 'OW', bytes });
  return ds;
}

/** Runs a reference tool on a Part 10 file in a temp dir and parses its output. */
export function viaTool(input: Uint8Array, tool: string, args: string[]): ReturnType<typeof parseDicom> {
  const dir = mkdtempSync(join(tmpdir(), 'lingshu-px-'));
  try {
    writeFileSync(join(dir, 'in.dcm'), input);
    execFileSync(tool, [...args, join(dir, 'in.dcm'), join(dir, 'out.dcm')], { stdio: 'pipe' });
    return parseDicom(new Uint8Array(readFileSync(join(dir, 'out.dcm'))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a raw-codestream encoder (opj_compress, ojph_compress) and returns the codestream. */
export function encodeRaw(
  raw: Uint8Array,
  ext: string,
  tool: string,
  args: (input: string, output: string) => string[],
): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'lingshu-px-'));
  try {
    const input = join(dir, `in.${ext}`);
    const output = join(dir, 'out.j2c');
    writeFileSync(input, raw);
    execFileSync(tool, args(input, output), { stdio: 'pipe' });
    return new Uint8Array(readFileSync(output));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces the native Pixel Data with encapsulated frames, written and re-parsed with our writer/parser. */
export function encapsulate(native: Dataset, frames: Uint8Array[], ts: string): ReturnType<typeof parseDicom> {
  const ds = new Dataset();
  for (const el of native.elements.values()) ds.set(el);
  ds.set({ tag: Tags.PixelData, vr: 'OB', offsetTable: new Uint8Array(0), fragments: frames });
  return parseDicom(writeDicom({ dataset: ds, transferSyntaxUID: ts }));
}

export function nativeFile(ds: Dataset): Uint8Array {
  return writeDicom({ dataset: ds, transferSyntaxUID: TransferSyntax.ExplicitVRLittleEndian });
}

/** Largest absolute difference between two sample sequences of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

export function toArray(p: PixelArray): number[] {
  return Array.from(p);
}

/** Mean absolute difference (for lossy codecs, whose worst pixel sits on an edge). */
export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) return Number.POSITIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}
