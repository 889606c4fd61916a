import { describe, expect, it } from 'vitest';
import { Dataset } from '../dataset.js';
import { Tags } from '../tag.js';
import { setNumbers, setString } from '../values.js';
import { readPixelDescription } from './describe.js';
import { encodeRLE } from './encode/rle.js';
import { decodeNative } from './native.js';
import { decodeRLE } from './rle.js';

function monochrome(bitsAllocated: number, bitsStored: number, highBit: number, signed: boolean): Dataset {
  const ds = new Dataset();
  setNumbers(ds, Tags.Rows, 'US', [2]);
  setNumbers(ds, Tags.Columns, 'US', [2]);
  setNumbers(ds, Tags.BitsAllocated, 'US', [bitsAllocated]);
  setNumbers(ds, Tags.BitsStored, 'US', [bitsStored]);
  setNumbers(ds, Tags.HighBit, 'US', [highBit]);
  setNumbers(ds, Tags.PixelRepresentation, 'US', [signed ? 1 : 0]);
  setString(ds, Tags.PhotometricInterpretation, 'CS', 'MONOCHROME2');
  return ds;
}

describe('readPixelDescription', () => {
  it('rejects Bits Stored above Bits Allocated and zero rows', () => {
    expect(() => readPixelDescription(monochrome(8, 12, 11, false))).toThrowError(
      expect.objectContaining({ code: 'PIXEL_BAD_DESCRIPTION' }),
    );
    const ds = monochrome(16, 12, 11, false);
    setNumbers(ds, Tags.Rows, 'US', [0]);
    expect(() => readPixelDescription(ds)).toThrowError(expect.objectContaining({ code: 'PIXEL_BAD_DESCRIPTION' }));
  });

  it('accepts a High Bit above Bits Stored - 1 and defaults rescale to identity', () => {
    const d = readPixelDescription(monochrome(16, 12, 15, true));
    expect(d.highBit).toBe(15);
    expect(d.rescaleSlope).toBe(1);
    expect(d.rescaleIntercept).toBe(0);
  });
});

describe('decodeNative', () => {
  it('masks to Bits Stored and sign-extends from High Bit', () => {
    // 12 bits stored in 16, high bit 11: 0xF800 has junk above bit 11 → 0x800 → -2048.
    const bytes = Uint8Array.of(0x00, 0xf8, 0xff, 0x07, 0x01, 0x00, 0xff, 0xff);
    const d = readPixelDescription(monochrome(16, 12, 11, true));
    expect(Array.from(decodeNative(bytes, d))).toEqual([-2048, 2047, 1, -1]);
  });

  it('shifts values whose High Bit is not Bits Stored - 1', () => {
    // 12 bits stored at bits 4..15 (high bit 15), unsigned.
    const bytes = Uint8Array.of(0x10, 0x00, 0xf0, 0xff, 0x0f, 0x00, 0x00, 0x80);
    const d = readPixelDescription(monochrome(16, 12, 15, false));
    expect(Array.from(decodeNative(bytes, d))).toEqual([1, 4095, 0, 2048]);
  });

  it('leaves the source bytes alone, also when they are a Node Buffer inside a larger one', () => {
    const file = Buffer.from([0x99, 0x00, 0xf8, 0xff, 0x07, 0x01, 0x00, 0xff, 0xff, 0x42]);
    const frame = file.subarray(1, 9);
    const d = readPixelDescription(monochrome(16, 12, 11, true));
    expect(Array.from(decodeNative(frame, d))).toEqual([-2048, 2047, 1, -1]);
    expect(Array.from(decodeNative(frame, d))).toEqual([-2048, 2047, 1, -1]);
    expect(Array.from(file)).toEqual([0x99, 0x00, 0xf8, 0xff, 0x07, 0x01, 0x00, 0xff, 0xff, 0x42]);
    const full = decodeNative(frame, readPixelDescription(monochrome(16, 16, 15, false)));
    expect(full.length).toBe(4);
    full[0] = 7;
    expect(file[1]).toBe(0x00);
  });

  it('copies full-width 16-bit and 8-bit samples with their sign', () => {
    // An odd offset into a larger buffer must not matter.
    const s16 = Uint8Array.of(0xaa, 0x00, 0x80, 0xff, 0x7f, 0x18, 0xfc, 0x01, 0x00).subarray(1);
    const signed = decodeNative(s16, readPixelDescription(monochrome(16, 16, 15, true)));
    expect(signed).toBeInstanceOf(Int16Array);
    expect(Array.from(signed)).toEqual([-32768, 32767, -1000, 1]);
    const u16 = Uint8Array.of(0x01, 0x00, 0x00, 0x80, 0xff, 0xff, 0x18, 0xfc);
    expect(Array.from(decodeNative(u16, readPixelDescription(monochrome(16, 16, 15, false))))).toEqual([
      1, 32768, 65535, 64536,
    ]);
    const s8 = Uint8Array.of(0x80, 0x7f, 0xff, 0x01);
    expect(Array.from(decodeNative(s8, readPixelDescription(monochrome(8, 8, 7, true))))).toEqual([-128, 127, -1, 1]);
    const s4 = Uint8Array.of(0x8f, 0x7f, 0x08, 0x07);
    expect(Array.from(decodeNative(s4, readPixelDescription(monochrome(8, 4, 3, true))))).toEqual([-1, -1, -8, 7]);
  });
});

describe('RLE', () => {
  it('round-trips long runs, literals and 16-bit signed values through encodeRLE/decodeRLE', () => {
    const rows = 3;
    const columns = 300;
    const pixels = Int16Array.from({ length: rows * columns }, (_, i) => (i < 400 ? -5 : ((i * 7919) % 4000) - 2000));
    const encoded = encodeRLE({ rows, columns, samplesPerPixel: 1, bitsAllocated: 16, pixels });
    expect(new DataView(encoded.buffer).getUint32(0, true)).toBe(2);
    expect(encoded.length).toBeLessThan(pixels.byteLength + 64);
    const d = {
      rows,
      columns,
      samplesPerPixel: 1,
      bitsAllocated: 16,
      bitsStored: 16,
      highBit: 15,
      pixelRepresentation: 1 as const,
    };
    expect(Array.from(decodeRLE(encoded, d))).toEqual(Array.from(pixels));
  });

  it('rejects a segment count that does not match the description', () => {
    const encoded = encodeRLE({
      rows: 1,
      columns: 4,
      samplesPerPixel: 1,
      bitsAllocated: 8,
      pixels: Uint8Array.of(1, 2, 3, 4),
    });
    const d = {
      rows: 1,
      columns: 4,
      samplesPerPixel: 1,
      bitsAllocated: 16,
      bitsStored: 16,
      highBit: 15,
      pixelRepresentation: 0 as const,
    };
    expect(() => decodeRLE(encoded, d)).toThrowError(expect.objectContaining({ code: 'PIXEL_DECODE_FAILED' }));
  });
});
