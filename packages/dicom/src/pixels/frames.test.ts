import { describe, expect, it } from 'vitest';
import { Dataset } from '../dataset.js';
import { isLingshuError } from '../errors.js';
import { Tags } from '../tag.js';
import { TransferSyntax } from '../uids.js';
import { setNumbers } from '../values.js';
import { getFrameBytes, numberOfFrames } from './frames.js';

const J2K = TransferSyntax.JPEG2000Lossless;

/** Three fake J2K frames, each split over two fragments (the second without a marker). */
function encapsulated(): { ds: Dataset; frames: Uint8Array[]; fragments: Uint8Array[] } {
  const frames = [0, 1, 2].map((f) => Uint8Array.of(0xff, 0x4f, f, f, 9, 9, 7, f));
  const fragments = frames.flatMap((fr) => [fr.subarray(0, 4), fr.subarray(4)]);
  const ds = new Dataset();
  setNumbers(ds, Tags.NumberOfFrames, 'IS', [3]);
  ds.set({ tag: Tags.PixelData, vr: 'OB', offsetTable: new Uint8Array(0), fragments });
  return { ds, frames, fragments };
}

/** Offsets of frame starts, counted from the first fragment's item tag (8-byte item headers). */
const OFFSETS = [0, 24, 48];

describe('getFrameBytes (encapsulated)', () => {
  it('finds frames by SOC markers when there is no offset table', () => {
    const { ds, frames } = encapsulated();
    expect(numberOfFrames(ds)).toBe(3);
    for (let f = 0; f < 3; f++) expect(getFrameBytes(ds, J2K, f)).toEqual(frames[f]);
  });

  it('uses the Basic Offset Table', () => {
    const { ds, frames, fragments } = encapsulated();
    const bot = new Uint8Array(12);
    for (const [i, o] of OFFSETS.entries()) new DataView(bot.buffer).setUint32(i * 4, o, true);
    // Break the markers so only the table can locate frames.
    const unmarked = fragments.map((f) => Uint8Array.from(f, (b, i) => (i === 1 ? 0 : b)));
    ds.set({ tag: Tags.PixelData, vr: 'OB', offsetTable: bot, fragments: unmarked });
    expect(Array.from(getFrameBytes(ds, J2K, 2))).toEqual([...(unmarked[4] ?? []), ...(unmarked[5] ?? [])]);
    expect(getFrameBytes(ds, J2K, 1)[2]).toBe(frames[1]?.[2]);
  });

  it('uses the Extended Offset Table', () => {
    const { ds, frames } = encapsulated();
    const eot = new Uint8Array(24);
    for (const [i, o] of OFFSETS.entries()) new DataView(eot.buffer).setBigUint64(i * 8, BigInt(o), true);
    ds.set({ tag: Tags.ExtendedOffsetTable, vr: 'OV', bytes: eot });
    expect(getFrameBytes(ds, J2K, 1)).toEqual(frames[1]);
  });

  it('throws PIXEL_FRAME_OUT_OF_RANGE and PIXEL_NO_DATA', () => {
    const { ds } = encapsulated();
    expect(() => getFrameBytes(ds, J2K, 3)).toThrowError(expect.objectContaining({ code: 'PIXEL_FRAME_OUT_OF_RANGE' }));
    const empty = new Dataset();
    let error: unknown;
    try {
      getFrameBytes(empty, J2K, 0);
    } catch (e) {
      error = e;
    }
    expect(isLingshuError(error, 'PIXEL_NO_DATA')).toBe(true);
  });
});

describe('getFrameBytes (native)', () => {
  it('splits bit-packed (Bits Allocated 1) frames that do not end on a byte boundary', () => {
    const ds = new Dataset();
    setNumbers(ds, Tags.Rows, 'US', [3]);
    setNumbers(ds, Tags.Columns, 'US', [3]);
    setNumbers(ds, Tags.BitsAllocated, 'US', [1]);
    setNumbers(ds, Tags.NumberOfFrames, 'IS', [2]);
    // Frame 0 = bits 0..8 all set except bit 4; frame 1 = bits 9..17, only its first bit set.
    const bits = [1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    const bytes = new Uint8Array(4);
    bits.forEach((b, i) => {
      if (b) bytes[i >> 3] = (bytes[i >> 3] ?? 0) | (1 << (i & 7));
    });
    ds.set({ tag: Tags.PixelData, vr: 'OB', bytes });
    expect(Array.from(getFrameBytes(ds, TransferSyntax.ExplicitVRLittleEndian, 1))).toEqual([1, 0]);
    expect(Array.from(getFrameBytes(ds, TransferSyntax.ExplicitVRLittleEndian, 0))).toEqual([0xef, 1]);
  });
});
