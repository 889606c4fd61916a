import { crc32 as zlibCrc32 } from 'node:zlib';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { encodeJpeg } from './jpeg.js';
import { crc32, encodePng } from './png.js';
import { fitViewport, resize } from './resize.js';
import { decodePng } from './testing.js';
import { applyVoi, minMaxWindow, parseVoiFunction } from './voi.js';

describe('PNG encoder', () => {
  it('computes the CRC-32 zlib computes', () => {
    const bytes = new TextEncoder().encode('IHDR lingshu 灵枢');
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
  });

  it('round-trips greyscale and RGB samples', () => {
    const grey = Uint8Array.from({ length: 6 * 3 }, (_, i) => i * 13);
    expect(decodePng(encodePng(grey, 6, 3, 1))).toEqual({ width: 6, height: 3, channels: 1, data: grey });
    const rgb = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => 255 - i);
    expect(decodePng(encodePng(rgb, 2, 2, 3))).toEqual({ width: 2, height: 2, channels: 3, data: rgb });
    expect(() => encodePng(grey, 5, 3, 1)).toThrow(RangeError);
  });
});

describe('JPEG encoder', () => {
  it('writes a JPEG that decodes to about the same grey levels', () => {
    const grey = new Uint8Array(16 * 16).fill(200);
    const decoded = jpeg.decode(encodeJpeg(grey, 16, 16, 1, 95), { useTArray: true });
    expect([decoded.width, decoded.height]).toEqual([16, 16]);
    expect(Math.abs((decoded.data[0] ?? 0) - 200)).toBeLessThan(4);
  });
});

describe('VOI window (PS3.3 C.11.2.1.2)', () => {
  it('LINEAR with width 1 is a threshold at the centre', () => {
    expect([...applyVoi([99, 99.5, 100, 101], { center: 100, width: 1, fn: 'LINEAR' }, false)]).toEqual([
      0, 0, 255, 255,
    ]);
  });

  it('LINEAR maps the centre to mid-grey and inverts MONOCHROME1', () => {
    // c=50, w=100: y = ((x - 49.5) / 99 + 0.5) * 255
    const [mid] = applyVoi([50], { center: 50, width: 100, fn: 'LINEAR' }, false);
    expect(mid).toBe(Math.round(((50 - 49.5) / 99 + 0.5) * 255));
    expect(applyVoi([50], { center: 50, width: 100, fn: 'LINEAR' }, true)[0]).toBe(255 - (mid ?? 0));
  });

  it('LINEAR_EXACT and SIGMOID follow their formulas', () => {
    expect([...applyVoi([-50, 0, 50], { center: 0, width: 100, fn: 'LINEAR_EXACT' }, false)]).toEqual([0, 128, 255]);
    expect(applyVoi([0], { center: 0, width: 100, fn: 'SIGMOID' }, false)[0]).toBe(128);
    expect(applyVoi([50], { center: 0, width: 100, fn: 'SIGMOID' }, false)[0]).toBe(
      Math.round(255 / (1 + Math.exp(-2))),
    );
  });

  it('defaults to the min/max range', () => {
    const w = minMaxWindow([-1000, 3000]);
    expect([...applyVoi([-1000, 3000], w, false)]).toEqual([0, 255]);
    expect(parseVoiFunction('linear-exact')).toBe('LINEAR_EXACT');
    expect(parseVoiFunction('cubic')).toBeUndefined();
  });
});

describe('viewport', () => {
  it('fits inside keeping the aspect ratio and resamples', () => {
    expect(fitViewport(512, 256, 128, 128)).toEqual({ width: 128, height: 64 });
    const src = { width: 2, height: 1, channels: 1 as const, data: new Uint8Array([0, 200]) };
    const out = resize(src, 4, 2);
    expect([out.width, out.height]).toEqual([4, 2]);
    expect([...out.data.subarray(0, 4)]).toEqual([0, 50, 150, 200]);
  });
});
