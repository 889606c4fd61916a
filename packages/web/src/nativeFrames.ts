/**
 * Turns the native (uncompressed, little-endian) Pixel Data of one frame into the pixel array
 * Cornerstone's DICOM image loader would produce for it, without the loader's decoder worker:
 * the same stored-value view (signed or unsigned 16 bits, unsigned 8 bits), the same sign
 * extension for signed values narrower than 16 bits, the same modality rescale ("pre-scaling",
 * PS3.3 C.11.1: output = stored × slope + intercept) and the same choice of the smallest typed
 * array that holds the range. Only the common grayscale cases are planned; anything else (colour,
 * palette, 1 or 32 bits, a non-integer or negative slope, PET/RT dose scaling) has no plan and is
 * left to the loader. Pure functions: the series stream worker runs them, tests run them in Node.
 */

/** How to decode the frames of one instance; built on the main thread from the metadata. */
export interface FramePlan {
  rows: number;
  columns: number;
  bitsAllocated: 8 | 16;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  /** The modality rescale applied to stored values, when not the identity. */
  rescale?: { slope: number; intercept: number };
}

export type PixelArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Uint32Array | Float32Array;
export type PixelArrayType = 'Int8Array' | 'Uint8Array' | 'Int16Array' | 'Uint16Array' | 'Uint32Array' | 'Float32Array';

export interface DecodedFrame {
  pixels: PixelArray;
  type: PixelArrayType;
  /** Smallest and largest value of `pixels` (after the rescale when `scaled`). */
  min: number;
  max: number;
  /** The rescale was applied (the loader's `preScale.scaled`). */
  scaled: boolean;
}

/** What the image pixel and modality LUT modules say of one instance (Cornerstone's metadata modules). */
export interface PixelFacts {
  rows?: number;
  columns?: number;
  samplesPerPixel?: number;
  bitsAllocated?: number;
  bitsStored?: number;
  pixelRepresentation?: number;
  photometricInterpretation?: string;
  rescaleSlope?: number;
  rescaleIntercept?: number;
  modality?: string;
  /** A Modality LUT Sequence is present (the loader applies it; no plan then). */
  modalityLutSequence?: boolean;
}

/** A plan for the cases decoded here, or undefined (the loader decodes those). */
export function framePlan(f: PixelFacts): FramePlan | undefined {
  const { rows, columns, bitsAllocated, pixelRepresentation } = f;
  if (!rows || !columns || (f.samplesPerPixel ?? 1) !== 1) return undefined;
  if (f.photometricInterpretation !== 'MONOCHROME1' && f.photometricInterpretation !== 'MONOCHROME2') return undefined;
  if (f.modality === 'PT' || f.modality === 'RTDOSE') return undefined; // SUV and dose scaling stay with the loader
  if (f.modalityLutSequence) return undefined;
  if (pixelRepresentation !== 0 && pixelRepresentation !== 1) return undefined;
  if (bitsAllocated !== 16 && !(bitsAllocated === 8 && pixelRepresentation === 0)) return undefined;
  const bitsStored = f.bitsStored ?? bitsAllocated;
  if (!Number.isInteger(bitsStored) || bitsStored < 1 || bitsStored > bitsAllocated) return undefined;
  const slope = f.rescaleSlope ?? 1;
  const intercept = f.rescaleIntercept ?? 0;
  const plan: FramePlan = { rows, columns, bitsAllocated, bitsStored, pixelRepresentation };
  if (slope === 1 && intercept === 0) return plan;
  if (!Number.isInteger(slope) || !Number.isInteger(intercept) || slope <= 0) return undefined;
  plan.rescale = { slope, intercept };
  return plan;
}

/** Bytes of one frame under `plan`. */
export function frameBytes(plan: FramePlan): number {
  return plan.rows * plan.columns * (plan.bitsAllocated / 8);
}

/** The loader's choice of array for a value range (`getPixelDataTypeFromMinMax`). */
export function arrayTypeFor(min: number, max: number): PixelArrayType {
  if (Number.isInteger(min) && Number.isInteger(max)) {
    if (min >= 0) {
      if (max <= 0xff) return 'Uint8Array';
      if (max <= 0xffff) return 'Uint16Array';
      if (max <= 0xffffffff) return 'Uint32Array';
    } else {
      if (min >= -128 && max <= 127) return 'Int8Array';
      if (min >= -32768 && max <= 32767) return 'Int16Array';
    }
  }
  return 'Float32Array';
}

const CONSTRUCTORS = { Int8Array, Uint8Array, Int16Array, Uint16Array, Uint32Array, Float32Array } as const;

/** Wraps a transferred buffer back into the array type the worker made. */
export function pixelArray(type: PixelArrayType, buffer: ArrayBuffer): PixelArray {
  return new CONSTRUCTORS[type](buffer);
}

/**
 * Decodes frame `index` (0-based) of a native Pixel Data value, or undefined when the value is too
 * short for it. The stored bytes are not modified.
 */
export function decodeNativeFrame(pixelData: Uint8Array, plan: FramePlan, index: number): DecodedFrame | undefined {
  const size = frameBytes(plan);
  const start = index * size;
  if (index < 0 || start + size > pixelData.length) return undefined;
  const n = plan.rows * plan.columns;
  let stored: Uint8Array | Int16Array | Uint16Array;
  if (plan.bitsAllocated === 8) stored = pixelData.subarray(start, start + size);
  else {
    const offset = pixelData.byteOffset + start;
    const aligned = offset % 2 === 0 ? pixelData.buffer : pixelData.buffer.slice(offset, offset + size); // views need even offsets
    const at = offset % 2 === 0 ? offset : 0;
    stored = plan.pixelRepresentation === 1 ? new Int16Array(aligned, at, n) : new Uint16Array(aligned, at, n);
  }
  // Signed values narrower than the allocated bits: sign-extend from the top stored bit.
  const shift = plan.pixelRepresentation === 1 && plan.bitsStored < plan.bitsAllocated ? 32 - plan.bitsStored : 0;
  const source = shift > 0 ? signExtended(stored as Int16Array, shift) : stored;
  const [min, max] = minMax(source);
  const slope = plan.rescale?.slope ?? 1;
  const intercept = plan.rescale?.intercept ?? 0;
  const outMin = min * slope + intercept;
  const outMax = max * slope + intercept;
  const type = arrayTypeFor(outMin, outMax);
  const pixels = new CONSTRUCTORS[type](n);
  if (plan.rescale) rescaleInto(pixels, source, slope, intercept);
  else pixels.set(source);
  return { pixels, type, min: outMin, max: outMax, scaled: plan.rescale !== undefined };
}

function signExtended(stored: Int16Array, shift: number): Int32Array {
  const out = new Int32Array(stored.length);
  for (let i = 0; i < stored.length; i++) out[i] = ((stored[i] as number) << shift) >> shift;
  return out;
}

function minMax(values: Uint8Array | Int16Array | Uint16Array | Int32Array): [number, number] {
  let min = values[0] ?? 0;
  let max = min;
  for (let i = 1; i < values.length; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return [min, max];
}

function rescaleInto(
  out: PixelArray,
  values: Uint8Array | Int16Array | Uint16Array | Int32Array,
  slope: number,
  intercept: number,
): void {
  if (slope === 1) for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) + intercept;
  else for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) * slope + intercept;
}
