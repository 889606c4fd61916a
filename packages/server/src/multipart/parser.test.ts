import { isLingshuError } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { multipartBoundary, parseMediaType } from './mediaType.js';
import { type MultipartEvent, MultipartParser } from './parser.js';
import { type ReceivedPart, readParts } from './readParts.js';
import { chunked, encodeMultipart, type TestPart } from './testing.js';

const enc = new TextEncoder();
const B = 'frontier-42';

interface Parsed {
  parts: Array<{ headers: Map<string, string>; body: Uint8Array }>;
  ended: boolean;
  error?: { message: string; inPart: boolean };
}

function feed(bytes: Uint8Array, sizes: readonly number[], boundary = B): Parsed {
  const parser = new MultipartParser(boundary);
  const events: MultipartEvent[] = [];
  for (const c of chunked(bytes, sizes)) events.push(...parser.write(c));
  events.push(...parser.finish());
  const out: Parsed = { parts: [], ended: false };
  let current: Uint8Array[] = [];
  let headers = new Map<string, string>();
  for (const ev of events) {
    if (ev.type === 'part') {
      headers = ev.headers;
      current = [];
    } else if (ev.type === 'data') current.push(new Uint8Array(ev.bytes));
    else if (ev.type === 'partEnd') out.parts.push({ headers, body: new Uint8Array(Buffer.concat(current)) });
    else if (ev.type === 'end') out.ended = true;
    else out.error = { message: ev.error.message, inPart: ev.inPart };
  }
  return out;
}

/** Seeded chunk sizes between 1 and max. */
function randomSizes(seed: number, count: number, max: number): number[] {
  let s = seed;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return 1 + (s % max);
  });
}

function randomBytes(seed: number, n: number): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  });
}

// Data that contains the boundary in every position except after CRLF-- at a line start.
const tricky = enc.encode(`${B}\r\n-${B}\r\n\r\n--${B.slice(0, -1)}x ${B}-- --${B}\r\n--\r\n-\r`);
const parts: TestPart[] = [
  { headers: { 'Content-Type': 'application/dicom', 'X-Note': 'a' }, body: randomBytes(1, 3000) },
  { headers: { 'content-type': 'application/dicom' }, body: tricky },
  { headers: { 'Content-Type': 'application/dicom' }, body: new Uint8Array(0) },
  { headers: { 'Content-Type': 'application/dicom' }, body: enc.encode('\r\n\r\nstarts and ends with CRLF\r\n') },
];
const body = encodeMultipart(parts, B, { preamble: 'This is a preamble.\r\nIt has lines.', epilogue: 'bye' });

function expectParts(p: Parsed): void {
  expect(p.error).toBeUndefined();
  expect(p.ended).toBe(true);
  expect(p.parts.length).toBe(parts.length);
  p.parts.forEach((got, i) => {
    expect(Buffer.from(got.body).equals(Buffer.from(parts[i]!.body))).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/dicom');
  });
  expect(p.parts[0]!.headers.get('x-note')).toBe('a');
}

describe('MultipartParser', () => {
  it('parses parts, preamble and epilogue in one chunk', () => {
    expectParts(feed(body, [body.length]));
  });

  it('gives the same parts when fed byte by byte', () => {
    expectParts(feed(body, [1]));
  });

  it('gives the same parts for random chunk sizes (split anywhere, including inside boundaries)', () => {
    for (let seed = 1; seed <= 40; seed++) expectParts(feed(body, randomSizes(seed, 200, 1 + (seed % 7) * 13)));
  });

  it('accepts a body without preamble whose first boundary starts at byte 0, and transport padding', () => {
    const b = enc.encode(`--${B}  \t\r\nContent-Type: application/dicom\r\n\r\nxyz\r\n--${B}--`);
    const p = feed(b, [3]);
    expect(p.error).toBeUndefined();
    expect(new TextDecoder().decode(p.parts[0]!.body)).toBe('xyz');
  });

  it('accepts a part without headers (empty header block)', () => {
    const p = feed(enc.encode(`--${B}\r\n\r\nabc\r\n--${B}--\r\n`), [2]);
    expect(p.error).toBeUndefined();
    expect(p.parts[0]!.headers.size).toBe(0);
    expect(new TextDecoder().decode(p.parts[0]!.body)).toBe('abc');
  });

  it('joins folded header lines', () => {
    const p = feed(
      enc.encode(`--${B}\r\nContent-Type: application/dicom;\r\n transfer-syntax=1.2\r\n\r\nz\r\n--${B}--`),
      [5],
    );
    expect(p.parts[0]!.headers.get('content-type')).toBe('application/dicom; transfer-syntax=1.2');
  });

  it('reports a truncated upload (no close delimiter) after the complete parts', () => {
    const t = encodeMultipart(parts.slice(0, 2), B, { omitClose: true });
    const p = feed(t, [7]);
    expect(p.parts.length).toBe(1);
    expect(p.error?.message).toMatch(/truncated/);
    expect(p.error?.inPart).toBe(true);
  });

  it('reports a body without any boundary', () => {
    expect(feed(enc.encode('just some text'), [4]).error?.message).toMatch(/no multipart boundary/);
  });

  it('reports garbage before the first boundary beyond the preamble limit', () => {
    const g = new Uint8Array(200_000).fill(0x41);
    expect(feed(g, [65536]).error?.message).toMatch(/preamble/);
  });

  it('reports a broken boundary line', () => {
    const b = enc.encode(`--${B}\r\nContent-Type: application/dicom\r\n\r\nabc\r\n--${B}XYZ\r\n\r\n`);
    const p = feed(b, [1]);
    expect(p.parts.length).toBe(0);
    expect(p.error?.message).toMatch(/boundary line/);
  });

  it('reports a part whose header block is malformed or never ends', () => {
    const noColon = enc.encode(`--${B}\r\n\x00\x01binary without headers\r\n\r\nabc\r\n--${B}--`);
    expect(feed(noColon, [9]).error?.message).toMatch(/malformed headers/);
    const endless = new Uint8Array([...enc.encode(`--${B}\r\n`), ...new Uint8Array(40_000).fill(0x42)]);
    expect(feed(endless, [1000]).error?.message).toMatch(/header block/);
  });

  it('ignores input after an error and after the close delimiter', () => {
    const parser = new MultipartParser(B);
    const done = parser.write(enc.encode(`--${B}\r\n\r\na\r\n--${B}--\r\nepilogue --${B}\r\n`));
    expect(done.map((e) => e.type)).toEqual(['part', 'data', 'partEnd', 'end']);
    expect(parser.write(enc.encode(`--${B}\r\n\r\n`))).toEqual([]);
    expect(parser.finish()).toEqual([]);
  });

  it('holds back at most a delimiter length of body bytes between writes', () => {
    const parser = new MultipartParser(B);
    parser.write(enc.encode(`--${B}\r\n\r\n`));
    const chunk = randomBytes(7, 100_000);
    const ev = parser.write(chunk);
    const emitted = ev.reduce((n, e) => n + (e.type === 'data' ? e.bytes.length : 0), 0);
    expect(emitted).toBeGreaterThanOrEqual(chunk.length - (B.length + 3));
  });
});

describe('parseMediaType / multipartBoundary', () => {
  it('parses quoted and token parameters case-insensitively', () => {
    const m = parseMediaType('Multipart/Related; type="application/dicom"; Boundary="a b:c"')!;
    expect(m.essence).toBe('multipart/related');
    expect(m.params.get('type')).toBe('application/dicom');
    expect(multipartBoundary(m)).toBe('a b:c');
    expect(parseMediaType('multipart/related;boundary=xyz')!.params.get('boundary')).toBe('xyz');
  });

  it('rejects missing, empty and invalid boundaries with HTTP_MULTIPART_MALFORMED', () => {
    for (const v of [
      'multipart/related',
      'multipart/related; boundary=""',
      `multipart/related; boundary=${'x'.repeat(71)}`,
    ]) {
      let err: unknown;
      try {
        multipartBoundary(parseMediaType(v)!);
      } catch (e) {
        err = e;
      }
      expect(isLingshuError(err, 'HTTP_MULTIPART_MALFORMED')).toBe(true);
    }
  });

  it('returns undefined for values that are not media types', () => {
    expect(parseMediaType('nonsense')).toBeUndefined();
    expect(parseMediaType(undefined)).toBeUndefined();
  });
});

describe('readParts', () => {
  async function collect(
    source: Iterable<Uint8Array>,
    limits: { part: number; total: number },
  ): Promise<{ parts: ReceivedPart[]; error?: unknown }> {
    const out: ReceivedPart[] = [];
    try {
      for await (const p of readParts(toAsync(source), {
        boundary: B,
        maxPartBytes: limits.part,
        maxTotalBytes: limits.total,
      })) {
        out.push({ ...p, bytes: new Uint8Array(p.bytes) });
      }
    } catch (error) {
      return { parts: out, error };
    }
    return { parts: out };
  }

  async function* toAsync(it: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    yield* it;
  }

  it('yields whole parts and marks a part over the part limit as too large without keeping it', async () => {
    const r = await collect(chunked(body, [333]), { part: 2999, total: 1e9 });
    expect(r.error).toBeUndefined();
    expect(r.parts.map((p) => p.tooLarge)).toEqual([true, false, false, false]);
    expect(r.parts[0]!.size).toBe(3000);
    expect(r.parts[0]!.bytes.length).toBe(0);
    expect(Buffer.from(r.parts[1]!.bytes).equals(Buffer.from(tricky))).toBe(true);
  });

  it('stops with HTTP_PAYLOAD_TOO_LARGE past the total limit, after the parts before it', async () => {
    const r = await collect(chunked(body, [1000]), { part: 1e9, total: 3200 });
    expect(isLingshuError(r.error, 'HTTP_PAYLOAD_TOO_LARGE')).toBe(true);
    expect(r.parts.length).toBe(0);
  });

  it('yields the complete parts of a truncated body, then throws HTTP_MULTIPART_MALFORMED', async () => {
    const t = encodeMultipart(parts.slice(0, 3), B, { omitClose: true });
    const r = await collect(chunked(t, [17]), { part: 1e9, total: 1e9 });
    expect(r.parts.length).toBe(2);
    expect(isLingshuError(r.error, 'HTTP_MULTIPART_MALFORMED')).toBe(true);
    expect((r.error as { incompletePart: boolean }).incompletePart).toBe(true);
  });
});
