import type { InstanceFile } from '@lingshu/archive';
import {
  decodeFrame,
  getFrameBytes,
  isEncapsulatedTransferSyntax,
  LingshuError,
  type ParsedDicom,
  TransferSyntax,
} from '@lingshu/dicom';
import { type MultipartPart, multipartContentType, multipartStream, newBoundary } from '../http/multipartWriter.js';
import { covers, frameMediaType, parseAccept, partRange } from './wadoAccept.js';
import { badParameter, notAcceptable } from './wadoErrors.js';

const OCTET = 'application/octet-stream';
const EXPLICIT_LE = TransferSyntax.ExplicitVRLittleEndian;

/** Parses `1,3,5` (1-based, PS3.18 §10.4.1.1.6) and checks it against Number of Frames. */
export function parseFrameList(list: string, numberOfFrames: number): number[] {
  const frames: number[] = [];
  for (const item of list.split(',')) {
    const t = item.trim();
    if (!/^\d{1,9}$/.test(t) || Number(t) < 1) {
      throw badParameter('frames', 'Frame numbers must be positive integers separated by commas');
    }
    const n = Number(t);
    if (n > numberOfFrames) {
      throw new LingshuError('PIXEL_FRAME_OUT_OF_RANGE', `Frame ${n} requested, the instance has ${numberOfFrames}`, {
        details: { frame: n, frames: numberOfFrames },
      });
    }
    frames.push(n);
  }
  return frames;
}

/** Frames sent as stored (compressed codestreams or native bytes) or decoded to native values. */
export type FrameMode = 'stored' | 'native';

export interface FramePlan {
  mode: FrameMode;
  /** Media type of every part (and the multipart `type`). */
  mediaType: string;
  /** Transfer syntax the parts are in. */
  transferSyntaxUID: string;
}

/**
 * PS3.18 §8.7.3.3: application/octet-stream without a transfer syntax means uncompressed
 * (Explicit VR Little Endian pixel layout); `transfer-syntax=*` lets the server send the stored
 * codestream with its own media type (what Cornerstone's WADO-RS loader asks for); an image media
 * type is served when the stored syntax already has it (no server-side re-encoding).
 */
export function negotiateFrames(accept: string | undefined, file: InstanceFile): FramePlan {
  const stored = file.transferSyntaxUid;
  const compressed = isEncapsulatedTransferSyntax(stored);
  const storedType = compressed ? frameMediaType(stored) : OCTET;
  const storedTs = compressed ? stored : EXPLICIT_LE;
  for (const range of parseAccept(accept)) {
    const part = partRange(range, OCTET);
    if (part === undefined) continue;
    const ts = range.params['transfer-syntax'];
    if (ts === '*' && (covers(part, storedType) || part === OCTET)) {
      return { mode: 'stored', mediaType: storedType, transferSyntaxUID: storedTs };
    }
    if (covers(part, OCTET) && (ts === undefined || ts === EXPLICIT_LE)) {
      return { mode: compressed ? 'native' : 'stored', mediaType: OCTET, transferSyntaxUID: EXPLICIT_LE };
    }
    if (compressed && covers(part, storedType) && part !== '*/*' && (ts === undefined || ts === stored)) {
      return { mode: 'stored', mediaType: storedType, transferSyntaxUID: stored };
    }
  }
  throw notAcceptable('these frames');
}

/** One frame's bytes for a plan: the stored frame bytes, or decoded native little-endian samples. */
export async function frameBytes(parsed: ParsedDicom, frameIndex: number, mode: FrameMode): Promise<Uint8Array> {
  if (mode === 'stored') return getFrameBytes(parsed.dataset, parsed.transferSyntaxUID, frameIndex);
  const frame = await decodeFrame(parsed.dataset, parsed.transferSyntaxUID, frameIndex);
  return new Uint8Array(frame.pixels.buffer, frame.pixels.byteOffset, frame.pixels.byteLength);
}

/**
 * The multipart body of the requested frames (1-based numbers), one part per frame. Frames are
 * prepared before the response starts (the object is in memory already), so a frame that cannot
 * be decoded is a coded error status, never a truncated 200.
 */
export async function framesBody(
  parsed: ParsedDicom,
  frames: readonly number[],
  plan: FramePlan,
): Promise<{ contentType: string; body: NodeJS.ReadableStream }> {
  const boundary = newBoundary();
  const parts: MultipartPart[] = [];
  for (const n of frames) {
    parts.push({
      contentType: `${plan.mediaType}; transfer-syntax=${plan.transferSyntaxUID}`,
      body: await frameBytes(parsed, n - 1, plan.mode),
    });
  }
  return { contentType: multipartContentType(plan.mediaType, boundary), body: multipartStream(parts, boundary) };
}
