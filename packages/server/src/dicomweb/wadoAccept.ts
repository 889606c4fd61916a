import { TransferSyntax } from '@lingshu/dicom';
import { parseAccept as parseAcceptHeader } from '../http/accept.js';

/** One media range of an Accept header (RFC 9110 §12.5.1), parameters lower-cased by name. */
export interface MediaRange {
  /** `type/subtype`, lower-case (e.g. `multipart/related`, `image/*`). */
  mediaType: string;
  params: Record<string, string>;
  q: number;
}

/** Parses an Accept header (http/accept.ts) into `type/subtype` ranges; missing or empty = `*\/*`. */
export function parseAccept(header: string | undefined): MediaRange[] {
  return parseAcceptHeader(header).map((r) => ({ mediaType: `${r.type}/${r.subtype}`, params: r.params, q: r.q }));
}

/** Media type of a compressed frame in a transfer syntax (PS3.18 Table 8.7.3-5); octet-stream when native. */
export function frameMediaType(transferSyntaxUID: string): string {
  switch (transferSyntaxUID) {
    case TransferSyntax.JPEGBaseline8Bit:
    case TransferSyntax.JPEGExtended12Bit:
    case TransferSyntax.JPEGLossless:
    case TransferSyntax.JPEGLosslessSV1:
      return 'image/jpeg';
    case TransferSyntax.JPEGLSLossless:
    case TransferSyntax.JPEGLSNearLossless:
      return 'image/jls';
    case TransferSyntax.JPEG2000Lossless:
    case TransferSyntax.JPEG2000:
      return 'image/jp2';
    case '1.2.840.10008.1.2.4.92':
    case '1.2.840.10008.1.2.4.93':
      return 'image/jpx';
    case TransferSyntax.HTJ2KLossless:
    case TransferSyntax.HTJ2KLosslessRPCL:
    case TransferSyntax.HTJ2K:
      return 'image/jphc';
    case TransferSyntax.RLELossless:
      return 'image/dicom-rle';
    case '1.2.840.10008.1.2.4.100':
    case '1.2.840.10008.1.2.4.101':
      return 'video/mpeg';
    case '1.2.840.10008.1.2.4.102':
    case '1.2.840.10008.1.2.4.103':
    case '1.2.840.10008.1.2.4.104':
    case '1.2.840.10008.1.2.4.105':
    case '1.2.840.10008.1.2.4.106':
      return 'video/mp4';
    default:
      return 'application/octet-stream';
  }
}

/** True when `range` (e.g. `image/*`) covers `mediaType` (e.g. `image/jls`). */
export function covers(range: string, mediaType: string): boolean {
  if (range === '*/*' || range === mediaType) return true;
  // RLE kept its pre-2017 name in many clients.
  if (range === 'image/x-dicom-rle' && mediaType === 'image/dicom-rle') return true;
  return range.endsWith('/*') && mediaType.startsWith(range.slice(0, -1));
}

/**
 * For a multipart request, the media range of its parts: `multipart/related; type=X` → X; other
 * ranges that allow multipart (`*\/*`, `multipart/*`, `multipart/related` without type) → `fallback`.
 * Undefined when the range excludes multipart.
 */
export function partRange(range: MediaRange, fallback: string): string | undefined {
  if (range.mediaType === 'multipart/related') return (range.params.type ?? fallback).toLowerCase();
  if (range.mediaType === '*/*' || range.mediaType === 'multipart/*') return fallback;
  return undefined;
}
