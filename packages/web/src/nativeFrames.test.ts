import { postProcessDecodedPixels } from '@cornerstonejs/dicom-image-loader';
import { describe, expect, it } from 'vitest';
import { arrayTypeFor, decodeNativeFrame, type FramePlan, framePlan, type PixelFacts } from './nativeFrames.js';

/** Little-endian bytes of 16-bit stored values (two's complement for negatives). */
function bytes16(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    view.setUint16(i * 2, v & 0xffff, true);
  });
  return out;
}

/** What Cornerstone's DICOM image loader makes of the same frame (its worker's post-processing). */
function loaderDecode(pixelData: Uint8Array, plan: FramePlan) {
  const n = plan.rows * plan.columns;
  const stored =
    plan.bitsAllocated === 8
      ? pixelData.slice()
      : plan.pixelRepresentation === 1
        ? new Int16Array(pixelData.slice().buffer, 0, n)
        : new Uint16Array(pixelData.slice().buffer, 0, n);
  const imageFrame = {
    rows: plan.rows,
    columns: plan.columns,
    bitsAllocated: plan.bitsAllocated,
    bitsStored: plan.bitsStored,
    pixelRepresentation: plan.pixelRepresentation,
    photometricInterpretation: 'MONOCHROME2',
    samplesPerPixel: 1,
    pixelData: stored,
  };
  const preScale = plan.rescale
    ? {
        enabled: true,
        scalingParameters: {
          rescaleSlope: plan.rescale.slope,
          rescaleIntercept: plan.rescale.intercept,
          modality: 'CT',
        },
      }
    : { enabled: false };
  // biome-ignore lint/suspicious/noExplicitAny: the loader's frame type is internal
  const out = postProcessDecodedPixels(imageFrame as any, { preScale, allowFloatRendering: true } as any, 0, {}) as any;
  return out as {
    pixelData: ArrayLike<number> & { constructor: { name: string } };
    smallestPixelValue: number;
    largestPixelValue: number;
    preScale?: { scaled?: boolean };
  };
}

const CASES: Array<[string, FramePlan, number[]]> = [
  [
    'CT, signed 16 bits, intercept -1024',
    {
      rows: 2,
      columns: 3,
      bitsAllocated: 16,
      bitsStored: 16,
      pixelRepresentation: 1,
      rescale: { slope: 1, intercept: -1024 },
    },
    [0, 24, 1024, 2000, -1000, 3071],
  ],
  [
    'CT, unsigned 12 of 16 bits, intercept -1024',
    {
      rows: 2,
      columns: 2,
      bitsAllocated: 16,
      bitsStored: 12,
      pixelRepresentation: 0,
      rescale: { slope: 1, intercept: -1024 },
    },
    [0, 1024, 2048, 4095],
  ],
  [
    'signed 12 of 16 bits: sign-extended from bit 11',
    {
      rows: 1,
      columns: 4,
      bitsAllocated: 16,
      bitsStored: 12,
      pixelRepresentation: 1,
      rescale: { slope: 2, intercept: 10 },
    },
    [0x0fff, 0x0800, 0x07ff, 5],
  ],
  [
    'MR, unsigned 16 bits, no rescale',
    { rows: 1, columns: 3, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0 },
    [0, 300, 65535],
  ],
  [
    'unsigned 16 bits that fit a byte',
    { rows: 1, columns: 3, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0 },
    [0, 7, 255],
  ],
  [
    'rescale beyond 16 bits (wider array)',
    {
      rows: 1,
      columns: 2,
      bitsAllocated: 16,
      bitsStored: 16,
      pixelRepresentation: 0,
      rescale: { slope: 3, intercept: -100 },
    },
    [0, 65535],
  ],
];

describe('decodeNativeFrame matches the DICOM image loader', () => {
  it.each(CASES)('%s', (_name, plan, values) => {
    const pixelData = bytes16(values);
    const ours = decodeNativeFrame(pixelData, plan, 0);
    const theirs = loaderDecode(pixelData, plan);
    expect(ours).toBeDefined();
    if (!ours) return;
    expect(ours.pixels.constructor.name).toBe(theirs.pixelData.constructor.name);
    expect(ours.type).toBe(theirs.pixelData.constructor.name);
    expect([...ours.pixels]).toEqual([...(theirs.pixelData as ArrayLike<number> as Int16Array)]);
    expect([ours.min, ours.max]).toEqual([theirs.smallestPixelValue, theirs.largestPixelValue]);
    expect(ours.scaled).toBe(theirs.preScale?.scaled === true);
  });

  it('8-bit unsigned frames, and the second frame of a multi-frame value', () => {
    const plan: FramePlan = { rows: 2, columns: 2, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0 };
    const pixelData = new Uint8Array([1, 2, 3, 4, 10, 0, 250, 7]);
    const ours = decodeNativeFrame(pixelData, plan, 1);
    const theirs = loaderDecode(pixelData.subarray(4), plan);
    expect(ours && [...ours.pixels]).toEqual([10, 0, 250, 7]);
    expect(ours?.type).toBe(theirs.pixelData.constructor.name);
    expect([ours?.min, ours?.max]).toEqual([theirs.smallestPixelValue, theirs.largestPixelValue]);
    expect(decodeNativeFrame(pixelData, plan, 2)).toBeUndefined(); // no third frame
  });

  it('reads frames at odd offsets (copied for alignment) without changing the stored bytes', () => {
    const plan: FramePlan = { rows: 1, columns: 2, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1 };
    const buffer = new Uint8Array(5);
    buffer.set(bytes16([-5, 300]), 1);
    const view = buffer.subarray(1);
    expect([...(decodeNativeFrame(view, plan, 0)?.pixels ?? [])]).toEqual([-5, 300]);
    expect([...buffer]).toEqual([0, 0xfb, 0xff, 0x2c, 0x01]);
  });
});

describe('framePlan', () => {
  const ct: PixelFacts = {
    rows: 512,
    columns: 512,
    samplesPerPixel: 1,
    bitsAllocated: 16,
    bitsStored: 12,
    pixelRepresentation: 0,
    photometricInterpretation: 'MONOCHROME2',
    rescaleSlope: 1,
    rescaleIntercept: -1024,
    modality: 'CT',
  };

  it('plans grayscale CT with an integer rescale', () => {
    expect(framePlan(ct)).toEqual({
      rows: 512,
      columns: 512,
      bitsAllocated: 16,
      bitsStored: 12,
      pixelRepresentation: 0,
      rescale: { slope: 1, intercept: -1024 },
    });
    expect(framePlan({ ...ct, rescaleSlope: undefined, rescaleIntercept: undefined })?.rescale).toBeUndefined();
  });

  it.each<[string, PixelFacts]>([
    ['colour', { ...ct, samplesPerPixel: 3, photometricInterpretation: 'RGB' }],
    ['palette colour', { ...ct, photometricInterpretation: 'PALETTE COLOR' }],
    ['a non-integer slope', { ...ct, rescaleSlope: 0.5 }],
    ['a negative slope', { ...ct, rescaleSlope: -1 }],
    ['PET (SUV scaling)', { ...ct, modality: 'PT' }],
    ['RT dose', { ...ct, modality: 'RTDOSE' }],
    ['a Modality LUT Sequence', { ...ct, modalityLutSequence: true }],
    ['1-bit pixels', { ...ct, bitsAllocated: 1, bitsStored: 1 }],
    ['32-bit pixels', { ...ct, bitsAllocated: 32, bitsStored: 32 }],
    ['signed 8-bit pixels', { ...ct, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 1 }],
    ['no rows', { ...ct, rows: undefined }],
  ])('leaves %s to the loader', (_name, facts) => {
    expect(framePlan(facts)).toBeUndefined();
  });
});

describe('arrayTypeFor', () => {
  it('chooses the smallest array that holds the range, as the loader does', () => {
    expect(arrayTypeFor(0, 255)).toBe('Uint8Array');
    expect(arrayTypeFor(0, 256)).toBe('Uint16Array');
    expect(arrayTypeFor(-1, 127)).toBe('Int8Array');
    expect(arrayTypeFor(-1024, 3071)).toBe('Int16Array');
    expect(arrayTypeFor(-40000, 0)).toBe('Float32Array');
    expect(arrayTypeFor(0, 70000)).toBe('Uint32Array');
    expect(arrayTypeFor(0, 0.5)).toBe('Float32Array');
  });
});
