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
 */
export function applyModalityLut(frame: DecodedFrame, slope: number, intercept: number): Int16Array | Float32Array {
  const src = frame.pixels;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < src.length; i++) {
    const v = src[i] ?? 0;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const lo = Math.min(min * slope, max * slope) + intercept;
  const hi = Math.max(min * slope, max * slope) + intercept;
  const integral = Number.isInteger(slope) && Number.isInteger(intercept);
  const out = integral && lo >= -32768 && hi <= 32767 ? new Int16Array(src.length) : new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = (src[i] ?? 0) * slope + intercept;
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
  return { ...frame, pixels: applyModalityLut(frame, rescaleSlope, rescaleIntercept), rescaleSlope, rescaleIntercept };
}
