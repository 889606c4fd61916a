import { describe, expect, it } from 'vitest';
import { boundaryOf, multipartParts } from './multipartParts.js';

const enc = new TextEncoder();
const BOUNDARY = 'lingshu-0123456789abcdef';

function body(parts: Uint8Array[], close = true): Uint8Array {
  const pieces: Uint8Array[] = [];
  parts.forEach((p, i) => {
    pieces.push(
      enc.encode(
        `${i === 0 ? '' : '\r\n'}--${BOUNDARY}\r\nContent-Type: application/dicom; transfer-syntax=1.2.840.10008.1.2.1\r\n\r\n`,
      ),
    );
    pieces.push(p);
  });
  if (close) pieces.push(enc.encode(`\r\n--${BOUNDARY}--\r\n`));
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

async function collect(bytes: Uint8Array, size: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const part of multipartParts(chunked(bytes, size), BOUNDARY)) {
    expect(part.headers['content-type']).toMatch(/^application\/dicom/);
    out.push(part.body);
  }
  return out;
}

describe('multipartParts', () => {
  // payloads with CR LF and a near-boundary ("\r\n--lingshu-0123") inside, one empty, one large
  const small = [enc.encode('first\r\n--lingshu-0123\r\n--'), new Uint8Array(0), enc.encode('last\r\n-')];
  const big = new Uint8Array(3_000_000).map((_, i) => (i * 7919) % 256);
  const payloads = [...small, big, enc.encode('end')];

  it.each([
    ['1-byte', small, 1],
    ['7-byte', small, 7],
    ['4 KiB', payloads, 4096],
    ['64 KiB', payloads, 65536],
    ['one', payloads, 10_000_000],
  ])('splits a body read in %s chunks into its parts', async (_name, sent, size) => {
    const parts = await collect(body(sent), size);
    expect(parts.length).toBe(sent.length);
    for (const [i, p] of parts.entries()) expect(Buffer.from(p).equals(Buffer.from(sent[i] as Uint8Array))).toBe(true);
  });

  it('throws when the body is cut before its close delimiter', async () => {
    await expect(collect(body(payloads, false), 65536)).rejects.toThrow(/close delimiter/);
  });

  it('reads the boundary from a Content-Type, quoted or not', () => {
    expect(boundaryOf(`multipart/related; type="application/dicom"; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(boundaryOf('multipart/related; boundary="a b"; type="application/dicom"')).toBe('a b');
    expect(boundaryOf('application/dicom')).toBeUndefined();
  });
});
