import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** One body part of a multipart/related response (RFC 2387, PS3.18 §8.6.1.2). */
export interface MultipartPart {
  /** Media type of the part, parameters included (e.g. `application/dicom; transfer-syntax=1.2.840.10008.1.2.1`). */
  contentType: string;
  /** Further part headers (e.g. Content-Location). Values must not contain CR or LF. */
  headers?: Readonly<Record<string, string>>;
  /** The payload: bytes, or chunks read lazily (a file stream) so large parts never sit in memory. */
  body: Uint8Array | AsyncIterable<Uint8Array>;
}

/** A random boundary: 32 hex digits never occur in DICOM headers by chance, and need no quoting. */
export function newBoundary(): string {
  return `lingshu-${randomBytes(16).toString('hex')}`;
}

/** The response Content-Type: `multipart/related; type="<root>"; boundary=<boundary>`. */
export function multipartContentType(rootType: string, boundary: string): string {
  return `multipart/related; type="${rootType}"; boundary=${boundary}`;
}

function headerBlock(boundary: string, part: MultipartPart, first: boolean): Buffer {
  const lines = [`${first ? '' : '\r\n'}--${boundary}`, `Content-Type: ${part.contentType}`];
  for (const [name, value] of Object.entries(part.headers ?? {})) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error('multipart header with a line break');
    lines.push(`${name}: ${value}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

async function* encode(
  parts: AsyncIterable<MultipartPart> | Iterable<MultipartPart>,
  boundary: string,
): AsyncGenerator<Uint8Array> {
  let first = true;
  for await (const part of parts) {
    yield headerBlock(boundary, part, first);
    first = false;
    if (part.body instanceof Uint8Array) yield part.body;
    else for await (const chunk of part.body) yield chunk;
  }
  yield Buffer.from(`${first ? '' : '\r\n'}--${boundary}--\r\n`, 'latin1');
}

/**
 * Streams parts as a multipart body. Parts are pulled one at a time as the client reads
 * (backpressure), so a 1000-instance series is never held in memory. An error thrown while
 * producing a part destroys the stream: the client sees a truncated body, never a wrong one.
 */
export function multipartStream(
  parts: AsyncIterable<MultipartPart> | Iterable<MultipartPart>,
  boundary: string,
): Readable {
  return Readable.from(encode(parts, boundary), { objectMode: false });
}
