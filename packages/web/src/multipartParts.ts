/**
 * Splits a streamed `multipart/related` body (RFC 2046 §5.1, PS3.18 §8.6.1.2) into its parts as
 * the bytes arrive, so a whole series' retrieve can be used part by part without holding it all.
 */

export interface MultipartPart {
  /** The part's headers, names in lower case. */
  headers: Record<string, string>;
  /** The part's body (its own buffer, not a view into the stream's). */
  body: Uint8Array;
}

/** The `boundary` parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string | null): string | undefined {
  const m = contentType?.match(/;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i);
  return m ? (m[1] ?? m[2]) : undefined;
}

const latin1 = new TextDecoder('latin1');

function parseHeaders(bytes: Uint8Array): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of latin1.decode(bytes).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A growable byte window over the stream: bytes [start, end) are unread. */
class Window {
  buf = new Uint8Array(1 << 20);
  start = 0;
  end = 0;

  append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) {
      const used = this.end - this.start;
      if (used + chunk.length <= this.buf.length / 2) this.buf.copyWithin(0, this.start, this.end);
      else {
        let size = this.buf.length;
        while (size < (used + chunk.length) * 2) size *= 2;
        const next = new Uint8Array(size);
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      }
      this.start = 0;
      this.end = used;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Index of `needle` in [from, end), or -1. */
  indexOf(needle: Uint8Array, from: number): number {
    const first = needle[0] as number;
    const last = this.end - needle.length;
    const unread = this.buf.subarray(0, this.end); // never scan the stale bytes after `end`
    for (let i = unread.indexOf(first, from); i !== -1 && i <= last; i = unread.indexOf(first, i + 1)) {
      let j = 1;
      while (j < needle.length && unread[i + j] === needle[j]) j++;
      if (j === needle.length) return i;
    }
    return -1;
  }
}

/**
 * Yields each part of a multipart body read from `chunks`, in order, as soon as the delimiter
 * after it has arrived. Throws when the body ends before its close delimiter (a cut stream).
 */
export async function* multipartParts(
  chunks: AsyncIterable<Uint8Array>,
  boundary: string,
): AsyncGenerator<MultipartPart> {
  const ascii = new TextEncoder();
  const delimiter = ascii.encode(`\r\n--${boundary}`);
  const headerEnd = ascii.encode('\r\n\r\n');
  const w = new Window();
  // The body starts with "--boundary" (no CRLF before it); pretend there was one.
  w.append(ascii.encode('\r\n'));
  let state: 'delimiter' | 'headers' | 'body' = 'delimiter';
  let scanFrom = 0;
  let headers: Record<string, string> = {};
  const iterator = chunks[Symbol.asyncIterator]();
  for (;;) {
    let progressed = true;
    while (progressed) {
      progressed = false;
      if (state === 'delimiter') {
        const at = w.indexOf(delimiter, w.start);
        if (at === -1 || at + delimiter.length + 2 > w.end) break;
        const after = at + delimiter.length;
        if (w.buf[after] === 0x2d && w.buf[after + 1] === 0x2d) return; // close delimiter
        w.start = after;
        state = 'headers';
        progressed = true;
      } else if (state === 'headers') {
        const at = w.indexOf(headerEnd, w.start);
        if (at === -1) break;
        headers = parseHeaders(w.buf.subarray(w.start, at));
        w.start = at + headerEnd.length;
        scanFrom = w.start;
        state = 'body';
        progressed = true;
      } else {
        const at = w.indexOf(delimiter, scanFrom);
        if (at === -1) {
          scanFrom = Math.max(w.start, w.end - delimiter.length + 1);
          break;
        }
        const body = w.buf.slice(w.start, at);
        w.start = at;
        state = 'delimiter';
        yield { headers, body };
        progressed = true;
      }
    }
    const next = await iterator.next();
    if (next.done) throw new Error('multipart body ended before its close delimiter');
    const before = w.start;
    w.append(next.value);
    scanFrom -= before - w.start; // the window may have moved its bytes to the front
  }
}
