import type { Dataset } from '../dataset.js';
import { decodeFrame } from './decode.js';
import { readPixelDescription } from './describe.js';
import type { DecodedFrame } from './types.js';

/** A frame after the modality LUT (e.g. Hounsfield units for CT). */
export interface ModalityFrame extends Omit<DecodedFrame, 'pixels'> {
  pixels: Int16Array | Float32Array;
  rescaleSlope: number;
  rescaleIntercept: number;
}

/**
 * Applies the linear modality LUT (value = stored × slope + intercept). The result is an
 * Int16Array when slope and intercept are integers and every value fits, else a Float32Array.
 * With `inPlace`, 16-bit frames are overwritten and viewed as the Int16 result (no copy).
 */
export function applyModalityLut(
  frame: DecodedFrame,
  slope: number,
  intercept: number,
  options: { inPlace?: boolean } = {},
): Int16Array | Float32Array {
  const src = frame.pixels;
  const n = src.length;
  let min = n > 0 ? src[0]! : 0;
  let max = min;
  for (let i = 1; i < n; i++) {
    const v = src[i]!;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  const lo = Math.min(min * slope, max * slope) + intercept;
  const hi = Math.max(min * slope, max * slope) + intercept;
  const integral = Number.isInteger(slope) && Number.isInteger(intercept);
  const int16 = integral && lo >= -32768 && hi <= 32767;
  // In place (a frame the caller owns): 16-bit samples become Int16 values in their own buffer,
  // each read before its own element is written.
  const reuse = int16 && options.inPlace === true && (src instanceof Int16Array || src instanceof Uint16Array);
  const out = reuse
    ? new Int16Array(src.buffer, src.byteOffset, n)
    : int16
      ? new Int16Array(src.length)
      : new Float32Array(src.length);
  if (reuse && slope === 1 && intercept === 0 && src instanceof Int16Array) return out;
  if (slope === 1) for (let i = 0; i < n; i++) out[i] = src[i]! + intercept;
  else for (let i = 0; i < n; i++) out[i] = src[i]! * slope + intercept;
  return out;
}

/** Decodes one frame and applies the dataset's Rescale Slope and Intercept. */
export async function decodeFrameModality(
  ds: Dataset,
  transferSyntaxUID: string,
  frameIndex = 0,
): Promise<ModalityFrame> {
  const { rescaleSlope, rescaleIntercept } = readPixelDescription(ds);
  const frame = await decodeFrame(ds, transferSyntaxUID, frameIndex);
  // The frame was decoded here: its pixels are this call's own to overwrite.
  const pixels = applyModalityLut(frame, rescaleSlope, rescaleIntercept, { inPlace: true });
  return { ...frame, pixels, rescaleSlope, rescaleIntercept };
}
