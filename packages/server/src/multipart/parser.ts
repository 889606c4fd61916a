import { LingshuError } from '@lingshu/dicom';

/** What the parser reports, in body order. `data` views may share memory with the written chunks. */
export type MultipartEvent =
  | { type: 'part'; headers: Map<string, string> }
  | { type: 'data'; bytes: Uint8Array }
  | { type: 'partEnd' }
  | { type: 'end' }
  | { type: 'error'; error: LingshuError; inPart: boolean };

export interface MultipartParserOptions {
  /** Largest preamble (bytes before the first boundary) tolerated (default 64 KiB). */
  maxPreambleBytes?: number;
  /** Largest header block of one part (default 16 KiB). */
  maxHeaderBytes?: number;
}

type State = 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'epilogue' | 'failed';

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_PADDING = 256;

/**
 * Incremental multipart parser (RFC 2046 §5.1.1, as used by RFC 2387 multipart/related and
 * PS3.18 §8.6). Feed chunks of any size (down to single bytes) with `write`, then call `finish`.
 * Each call returns the events it completed; after an `error` event the parser ignores input.
 * Memory stays bounded: at most a boundary's length of body bytes (or one header block) is held
 * back between calls, everything else is handed out as `data` views straight away.
 */
export class MultipartParser {
  /** `CRLF--boundary`: the delimiter between parts; the first one may lack the CRLF (no preamble). */
  private readonly delimiter: Buffer;
  private readonly maxPreamble: number;
  private readonly maxHeader: number;
  private state: State = 'preamble';
  /** Bytes held back from earlier writes (a possible partial delimiter, or an unfinished header block). */
  private tail: Buffer;
  private preambleBytes = 0;
  private offset = 0;
  /** A delimiter ended a part's body; the part is complete once the boundary line proves valid. */
  private partOpen = false;

  constructor(boundary: string, options: MultipartParserOptions = {}) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.maxPreamble = options.maxPreambleBytes ?? 64 * 1024;
    this.maxHeader = options.maxHeaderBytes ?? 16 * 1024;
    // A virtual CRLF lets the first boundary sit at the very start of the body (no preamble).
    this.tail = Buffer.from(CRLF);
  }

  /** True once the close delimiter has been seen. */
  get done(): boolean {
    return this.state === 'epilogue';
  }

  write(chunk: Uint8Array): MultipartEvent[] {
    const events: MultipartEvent[] = [];
    if (this.state === 'failed' || chunk.length === 0) return events;
    if (this.state === 'epilogue') {
      this.offset += chunk.length;
      return events;
    }
    const input = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const data = this.tail.length > 0 ? Buffer.concat([this.tail, input]) : input;
    // Offset of data[0] in the body, for error details (the virtual CRLF sits before 0).
    const base = this.offset - this.tail.length;
    this.offset += chunk.length;
    this.tail = Buffer.alloc(0);
    let pos = 0;
    while (pos < data.length) {
      const next = this.step(data, pos, base, events);
      if (next === undefined) break;
      pos = next;
    }
    return events;
  }

  /** Ends the input: an error event unless the close delimiter was seen. */
  finish(): MultipartEvent[] {
    if (this.state === 'epilogue' || this.state === 'failed') return [];
    const inPart = this.partOpen || this.state === 'headers';
    const message =
      this.state === 'preamble'
        ? 'The body contains no multipart boundary'
        : 'The body ends before the closing multipart boundary (truncated upload)';
    const events: MultipartEvent[] = [];
    this.fail(events, message, this.offset, inPart);
    return events;
  }

  /** Consumes from `pos`; returns the next position, or undefined when more input is needed. */
  private step(data: Buffer, pos: number, base: number, events: MultipartEvent[]): number | undefined {
    switch (this.state) {
      case 'preamble':
        return this.preamble(data, pos, base, events);
      case 'afterBoundary':
        return this.afterBoundary(data, pos, base, events);
      case 'headers':
        return this.headers(data, pos, base, events);
      case 'body':
        return this.body(data, pos, events);
      default:
        return undefined;
    }
  }

  private preamble(data: Buffer, pos: number, base: number, events: MultipartEvent[]): number | undefined {
    const at = data.indexOf(this.delimiter, pos);
    if (at >= 0) {
      this.state = 'afterBoundary';
      return at + this.delimiter.length;
    }
    const keep = Math.min(this.delimiter.length - 1, data.length - pos);
    this.preambleBytes += data.length - pos - keep;
    if (this.preambleBytes > this.maxPreamble) {
      this.fail(events, 'No multipart boundary within the allowed preamble', base + data.length, false);
      return undefined;
    }
    this.tail = Buffer.from(data.subarray(data.length - keep));
    return undefined;
  }

  /** After `--boundary`: `--` closes the body; otherwise transport padding then CRLF starts a part. */
  private afterBoundary(data: Buffer, pos: number, base: number, events: MultipartEvent[]): number | undefined {
    if (data.length - pos < 2) {
      this.tail = Buffer.from(data.subarray(pos));
      return undefined;
    }
    if (data[pos] === DASH && data[pos + 1] === DASH) {
      this.closePart(events);
      this.state = 'epilogue';
      events.push({ type: 'end' });
      return undefined;
    }
    let p = pos;
    while (p < data.length && (data[p] === 0x20 || data[p] === 0x09)) p++;
    if (p - pos > MAX_PADDING) {
      this.fail(events, 'Malformed multipart boundary line', base + pos, this.partOpen);
      return undefined;
    }
    if (data.length - p < 2) {
      this.tail = Buffer.from(data.subarray(pos));
      return undefined;
    }
    if (data[p] !== CR || data[p + 1] !== LF) {
      this.fail(events, 'Malformed multipart boundary line', base + p, this.partOpen);
      return undefined;
    }
    this.closePart(events);
    this.state = 'headers';
    return p + 2;
  }

  private headers(data: Buffer, pos: number, base: number, events: MultipartEvent[]): number | undefined {
    // An empty header block is a bare CRLF right after the boundary line.
    if (data.length - pos >= 2 && data[pos] === CR && data[pos + 1] === LF) {
      return this.startPart(new Map(), pos + 2, events);
    }
    const end = data.indexOf(HEADER_END, pos);
    if (end < 0) {
      if (data.length - pos > this.maxHeader) {
        this.fail(events, 'A multipart part has no header block end (CRLF CRLF)', base + pos, true);
        return undefined;
      }
      this.tail = Buffer.from(data.subarray(pos));
      return undefined;
    }
    if (end - pos > this.maxHeader) {
      this.fail(events, 'A multipart part header block is too large', base + pos, true);
      return undefined;
    }
    const headers = parseHeaderBlock(data.toString('latin1', pos, end));
    if (!headers) {
      this.fail(events, 'A multipart part has malformed headers', base + pos, true);
      return undefined;
    }
    return this.startPart(headers, end + 4, events);
  }

  private closePart(events: MultipartEvent[]): void {
    if (!this.partOpen) return;
    this.partOpen = false;
    events.push({ type: 'partEnd' });
  }

  private startPart(headers: Map<string, string>, next: number, events: MultipartEvent[]): number {
    events.push({ type: 'part', headers });
    this.partOpen = true;
    this.state = 'body';
    return next;
  }

  private body(data: Buffer, pos: number, events: MultipartEvent[]): number | undefined {
    const at = data.indexOf(this.delimiter, pos);
    if (at >= 0) {
      if (at > pos) events.push({ type: 'data', bytes: data.subarray(pos, at) });
      this.state = 'afterBoundary';
      return at + this.delimiter.length;
    }
    // Hold back only a suffix that could still begin a delimiter.
    const keep = partialMatchLength(data, pos, this.delimiter);
    if (data.length - keep > pos) events.push({ type: 'data', bytes: data.subarray(pos, data.length - keep) });
    // Copy the kept bytes: they outlive this call and must not pin a large input chunk.
    this.tail = Buffer.from(data.subarray(data.length - keep));
    return undefined;
  }

  private fail(events: MultipartEvent[], message: string, offset: number, inPart: boolean): void {
    this.state = 'failed';
    this.tail = Buffer.alloc(0);
    events.push({
      type: 'error',
      inPart,
      error: new LingshuError('HTTP_MULTIPART_MALFORMED', message, { details: { offset: Math.max(0, offset) } }),
    });
  }
}

/** Length of the longest suffix of data[from..] that is a proper prefix of `needle`. */
function partialMatchLength(data: Buffer, from: number, needle: Buffer): number {
  const max = Math.min(needle.length - 1, data.length - from);
  for (let k = max; k > 0; k--) {
    if (data[data.length - k] !== needle[0]) continue;
    if (data.compare(needle, 0, k, data.length - k, data.length) === 0) return k;
  }
  return 0;
}

/** RFC 5322-style header lines (`Name: value`, folded continuation lines allowed); undefined if malformed. */
function parseHeaderBlock(block: string): Map<string, string> | undefined {
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of block.split('\r\n')) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) return undefined;
    headers.set(name, line.slice(colon + 1).trim());
    last = name;
  }
  return headers;
}
