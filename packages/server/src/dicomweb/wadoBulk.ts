import { type Dataset, type Element, type ParsedDicom, parseTagHex, Tags } from '@lingshu/dicom';
import { multipartContentType, multipartStream, newBoundary } from '../http/multipartWriter.js';
import { parseAccept, partRange } from './wadoAccept.js';
import { badParameter, notAcceptable, notFound } from './wadoErrors.js';

const OCTET = 'application/octet-stream';
const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
/** The archive inlines values up to 1024 bytes in metadata (packages/archive/src/extract.ts). */
const BULK_INLINE_LIMIT = 1024;

/** A bulk data path: tag hex, then item index and tag hex pairs into sequences (`00540016/0/00181072`). */
export function parseBulkPath(path: string): { tags: number[]; items: number[] } {
  const segments = path.split('/').filter((s) => s !== '');
  const tags: number[] = [];
  const items: number[] = [];
  segments.forEach((s, i) => {
    if (i % 2 === 0) {
      const t = /^[0-9a-fA-F]{8}$/.test(s) ? parseTagHex(s) : undefined;
      if (t === undefined) throw badParameter('bulk', 'A bulk data path names tags as 8 hexadecimal digits');
      tags.push(t);
    } else {
      if (!/^\d{1,6}$/.test(s)) throw badParameter('bulk', 'A bulk data path names items by index');
      items.push(Number(s));
    }
  });
  if (tags.length === 0 || tags.length !== items.length + 1) {
    throw badParameter('bulk', 'A bulk data path must end with a tag');
  }
  return { tags, items };
}

/** True when the path addresses the top-level Pixel Data (served as frames instead). */
export function isPixelDataPath(p: { tags: number[] }): boolean {
  return p.tags.length === 1 && p.tags[0] === Tags.PixelData;
}

/** The element a bulk path addresses; 404 when it is not there or is not bulk data. */
export function bulkElement(parsed: ParsedDicom, p: { tags: number[]; items: number[] }): Element {
  let ds: Dataset | undefined = parsed.dataset;
  for (const [i, item] of p.items.entries()) {
    ds = ds?.get(p.tags[i] ?? -1)?.items?.[item];
  }
  const el = ds?.get(p.tags.at(-1) ?? -1);
  // Only what metadata hands out as bulk: binary values, or values over the inline limit.
  if (!el?.bytes || !(BINARY_VRS.has(el.vr) || el.bytes.length > BULK_INLINE_LIMIT)) throw notFound('bulk data');
  return el;
}

/** Bulk data as PS3.18 §10.4.1.1.5 describes: multipart octet-stream, or bare when the client asks for it. */
export function bulkBody(accept: string | undefined, el: Element): { contentType: string; body: unknown } {
  const bytes = el.bytes ?? new Uint8Array(0);
  for (const range of parseAccept(accept)) {
    if (range.mediaType === OCTET) return { contentType: OCTET, body: Buffer.from(bytes) };
    const part = partRange(range, OCTET);
    if (part === OCTET || part === '*/*') {
      const boundary = newBoundary();
      return {
        contentType: multipartContentType(OCTET, boundary),
        body: multipartStream([{ contentType: OCTET, body: bytes }], boundary),
      };
    }
  }
  throw notAcceptable('bulk data');
}
