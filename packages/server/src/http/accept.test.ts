import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { parseAccept, requireAccept } from './accept.js';

const req = (accept?: string) => ({ headers: accept === undefined ? {} : { accept } }) as FastifyRequest;

describe('Accept negotiation', () => {
  it('parses ranges with parameters (quoted commas included) and orders them by q', () => {
    const ranges = parseAccept(
      'application/json;q=0.5, multipart/related; type="application/dicom"; transfer-syntax=*',
    );
    expect(ranges.map((r) => `${r.type}/${r.subtype}`)).toEqual(['multipart/related', 'application/json']);
    expect(ranges[0]?.params).toEqual({ type: 'application/dicom', 'transfer-syntax': '*' });
    expect(parseAccept(undefined)).toEqual([{ type: '*', subtype: '*', params: {}, q: 1 }]);
    expect(parseAccept('text/html;q=0')).toEqual([]);
  });

  it('picks the offered type the client prefers, or throws HTTP_NOT_ACCEPTABLE', () => {
    const offered = ['application/dicom+json', 'application/json'];
    expect(requireAccept(req(), offered)).toBe('application/dicom+json');
    expect(requireAccept(req('application/json'), offered)).toBe('application/json');
    expect(requireAccept(req('application/*'), offered)).toBe('application/dicom+json');
    expect(() => requireAccept(req('image/png'), offered)).toThrow(
      expect.objectContaining({ code: 'HTTP_NOT_ACCEPTABLE' }),
    );
  });
});
