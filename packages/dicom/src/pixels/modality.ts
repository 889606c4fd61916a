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
  const out = integral && lo >= -32768 && hi <= 32767 ? new Int16Array(src.length) : new Float32Array(src.length);
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
  return { ...frame, pixels: applyModalityLut(frame, rescaleSlope, rescaleIntercept), rescaleSlope, rescaleIntercept };
}
