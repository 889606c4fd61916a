import type { FastifyRequest } from 'fastify';
import { httpError } from './errors.js';

/** One media range of an Accept header (RFC 9110 §12.5.1) with its parameters. */
export interface MediaRange {
  type: string;
  subtype: string;
  /** Parameters other than q, lower-case names (e.g. `type`, `transfer-syntax`). */
  params: Record<string, string>;
  q: number;
}

/** Parses an Accept header; a missing or empty header accepts anything. */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header || header.trim() === '') return [{ type: '*', subtype: '*', params: {}, q: 1 }];
  const ranges: MediaRange[] = [];
  // Quoted parameter values may hold commas (multipart/related; type="application/dicom").
  for (const part of header.match(/(?:[^,"]|"[^"]*")+/g) ?? []) {
    const [media = '', ...rawParams] = part.split(';').map((s) => s.trim());
    const [type = '', subtype = ''] = media.toLowerCase().split('/');
    if (!type || !subtype) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const name = p.slice(0, eq).trim().toLowerCase();
      const value = p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      if (name === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 0;
      else params[name] = value;
    }
    if (q > 0) ranges.push({ type, subtype, params, q });
  }
  return ranges.sort((a, b) => b.q - a.q);
}

function matches(range: MediaRange, mediaType: string): boolean {
  const [type, subtype] = mediaType.toLowerCase().split('/');
  return (range.type === '*' || range.type === type) && (range.subtype === '*' || range.subtype === subtype);
}

/**
 * The first of `offered` (server preference order) that the client's most preferred acceptable
 * range allows; throws HTTP_NOT_ACCEPTABLE (406) when none is acceptable.
 */
export function requireAccept(request: FastifyRequest, offered: readonly string[]): string {
  const ranges = parseAccept(request.headers.accept);
  for (const range of ranges) {
    const hit = offered.find((m) => matches(range, m));
    if (hit) return hit;
  }
  throw httpError('HTTP_NOT_ACCEPTABLE', `This resource can be returned as ${offered.join(' or ')}`, {
    offered: offered.join(', '),
  });
}
